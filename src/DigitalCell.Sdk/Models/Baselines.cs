namespace DigitalCell.Sdk.Models;

/// <summary>
/// The trivial and simple baselines every perturbation model should be compared with, by name.
/// </summary>
public static class Baselines
{
    /// <summary>Predicts the control mean (no change).</summary>
    public static ControlMeanModel ControlMean() => new();

    /// <summary>The Virtual Cell Challenge cell-mean baseline (mean of training perturbation means).</summary>
    public static CellMeanModel CellMean() => new();

    /// <summary>Systema's non-control mean (mean of all perturbed training cells).</summary>
    public static NonControlMeanModel NonControlMean() => new();

    /// <summary>The linear baseline of Ahlmann-Eltze, Huber &amp; Anders 2025.</summary>
    public static LinearModel Linear(int components = 10, double ridge = 0.1) => new(components, ridge);

    /// <summary>The additive baseline for combinations.</summary>
    public static AdditiveModel Additive() => new();

    /// <summary>The CRISPR-informed mean of Wong et al. 2025.</summary>
    public static CrisprMeanModel CrisprMean() => new();

    /// <summary>Ridge from gene-prior features to the pseudobulk change.</summary>
    public static PriorRidgeModel PriorRidge(PriorModelOptions? options = null) => new(options);

    /// <summary>MLP from gene-prior features (with an interaction term) to the pseudobulk change.</summary>
    public static PriorMlpModel PriorMlp(PriorModelOptions? options = null) => new(options);

    /// <summary>The linear model with the perturbation embedding from gene priors.</summary>
    public static PriorLinearModel LinearPrior(PriorModelOptions? options = null) => new(options);

    /// <summary>The linear model with the perturbation embedding learned on another screen (<paramref name="source"/>).</summary>
    public static LinearTransferModel LinearTransfer(TransferSource source, PriorModelOptions? options = null) => new(source, options);

    /// <summary>The names accepted by <see cref="Create"/> (besides <c>linear-transfer:CATALOG-ID</c>, which names its source screen).</summary>
    public static IReadOnlyList<string> Names { get; } = ["control-mean", "cell-mean", "non-control-mean", "linear", "additive", "crispr-mean", "linear-prior", "prior-ridge", "prior-mlp"];

    /// <summary>Creates a baseline by its report name (as used by <c>dcell benchmark --models</c>).</summary>
    /// <exception cref="DigitalCellException">Unknown name; the message lists the known ones.</exception>
    public static IPerturbationModel Create(string name) => name.Trim().ToLowerInvariant() switch
    {
        "control-mean" or "control" or "no-change" => ControlMean(),
        "cell-mean" or "mean" => CellMean(),
        "non-control-mean" or "nonctl-mean" => NonControlMean(),
        "linear" => Linear(),
        "additive" => Additive(),
        "crispr-mean" => CrisprMean(),
        "linear-prior" => LinearPrior(),
        "prior-ridge" => PriorRidge(),
        "prior-mlp" => PriorMlp(),
        var n when n.StartsWith("linear-transfer", StringComparison.Ordinal) => LinearTransferModel.FromName(name.Trim()),
        _ => throw new DigitalCellException($"Unknown baseline '{name}'. Known: {string.Join(", ", Names)}, linear-transfer:CATALOG-ID."),
    };

    /// <summary>Registers the loaders of every baseline with <see cref="PerturbationModels"/>.</summary>
    internal static void RegisterLoaders()
    {
        PerturbationModels.Register(ControlMeanModel.Architecture, ControlMeanModel.Load);
        PerturbationModels.Register(CellMeanModel.Architecture, CellMeanModel.Load);
        PerturbationModels.Register(NonControlMeanModel.Architecture, NonControlMeanModel.Load);
        PerturbationModels.Register(LinearModel.Architecture, LinearModel.Load);
        PerturbationModels.Register(AdditiveModel.Architecture, AdditiveModel.Load);
        PerturbationModels.Register(CrisprMeanModel.Architecture, CrisprMeanModel.Load);
        PerturbationModels.Register(PriorLinearModel.Architecture, PriorLinearModel.Load);
        PerturbationModels.Register(LinearTransferModel.Architecture, LinearTransferModel.Load);
        PerturbationModels.Register(PriorRidgeModel.Architecture, PriorRidgeModel.Load);
        PerturbationModels.Register(PriorMlpModel.Architecture, PriorMlpModel.Load);
    }
}
