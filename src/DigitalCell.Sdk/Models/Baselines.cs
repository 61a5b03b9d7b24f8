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

    /// <summary>The names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["control-mean", "cell-mean", "non-control-mean", "linear", "additive"];

    /// <summary>Creates a baseline by its report name (as used by <c>dcell benchmark --models</c>).</summary>
    /// <exception cref="DigitalCellException">Unknown name; the message lists the known ones.</exception>
    public static IPerturbationModel Create(string name) => name.Trim().ToLowerInvariant() switch
    {
        "control-mean" or "control" or "no-change" => ControlMean(),
        "cell-mean" or "mean" => CellMean(),
        "non-control-mean" or "nonctl-mean" => NonControlMean(),
        "linear" => Linear(),
        "additive" => Additive(),
        _ => throw new DigitalCellException($"Unknown baseline '{name}'. Known: {string.Join(", ", Names)}."),
    };

    /// <summary>Registers the loaders of every baseline with <see cref="PerturbationModels"/>.</summary>
    internal static void RegisterLoaders()
    {
        PerturbationModels.Register(ControlMeanModel.Architecture, ControlMeanModel.Load);
        PerturbationModels.Register(CellMeanModel.Architecture, CellMeanModel.Load);
        PerturbationModels.Register(NonControlMeanModel.Architecture, NonControlMeanModel.Load);
        PerturbationModels.Register(LinearModel.Architecture, LinearModel.Load);
        PerturbationModels.Register(AdditiveModel.Architecture, AdditiveModel.Load);
    }
}
