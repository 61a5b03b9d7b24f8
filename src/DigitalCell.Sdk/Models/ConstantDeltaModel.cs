using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// A baseline that predicts the same change from control for every perturbation: the mean delta of the training
/// perturbations, weighted by perturbation (<see cref="CellMeanModel"/>) or by cell (<see cref="NonControlMeanModel"/>).
/// </summary>
public abstract class ConstantDeltaModel : BaselineModel
{
    private double[]? _delta;

    /// <summary>Creates an unfitted constant-delta baseline.</summary>
    private protected ConstantDeltaModel(string name, string architecture, string description) : base(name, architecture, description) { }

    /// <summary>The weight of one training perturbation in the average.</summary>
    private protected abstract double Weight(TrainingProfile profile);

    private protected override void FitCore(TrainingProfiles profiles)
    {
        var delta = new double[profiles.Genes.Length];
        double total = profiles.Perturbations.Sum(Weight);
        foreach (var p in profiles.Perturbations)
        {
            double w = Weight(p) / total;
            // Changes from each profile's own context control, so that a context's control mean can be added back at prediction time.
            for (int g = 0; g < delta.Length; g++) delta[g] += w * p.Delta[g];
        }
        _delta = delta;
    }

    private protected override double[] PredictDelta(Perturbation perturbation) => _delta!;

    private protected override IReadOnlyList<NamedTensor> Parameters() => [new("delta", [Genes.Length], _delta!)];

    private protected override void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path) =>
        _delta = Vector(tensors, "delta", Genes.Length, path);
}

/// <summary>
/// The Virtual Cell Challenge "cell-mean" baseline: the mean over training perturbations of their mean profiles
/// (each perturbation weighs the same), predicted for every perturbation — cell-eval's <c>build_base_mean_adata</c>.
/// The overall VCC score is scaled against this model.
/// </summary>
public sealed class CellMeanModel : ConstantDeltaModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "baseline/cell-mean";

    /// <summary>Creates an unfitted cell-mean baseline.</summary>
    public CellMeanModel() : base("cell-mean", Architecture,
        "Mean over training perturbations of their pseudobulk means (Virtual Cell Challenge baseline, cell-eval _baseline.py).") { }

    /// <summary>Loads a saved cell-mean baseline.</summary>
    public static CellMeanModel Load(string directory) => Load(directory, _ => new CellMeanModel());

    private protected override double Weight(TrainingProfile profile) => 1.0;
}

/// <summary>
/// Systema's "non-control mean" baseline (Viñas Torné et al., Nature Biotechnology 2025): the mean of all perturbed
/// training cells (each cell weighs the same, so large perturbations weigh more), predicted for every perturbation.
/// It captures the systematic perturbed-vs-control shift and is the strongest trivial competitor.
/// </summary>
public sealed class NonControlMeanModel : ConstantDeltaModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "baseline/non-control-mean";

    /// <summary>Creates an unfitted non-control-mean baseline.</summary>
    public NonControlMeanModel() : base("non-control-mean", Architecture,
        "Mean of all perturbed training cells (Systema, mlbio-epfl/systema run_nonctl-mean.py).") { }

    /// <summary>Loads a saved non-control-mean baseline.</summary>
    public static NonControlMeanModel Load(string directory) => Load(directory, _ => new NonControlMeanModel());

    private protected override double Weight(TrainingProfile profile) => profile.Cells;
}
