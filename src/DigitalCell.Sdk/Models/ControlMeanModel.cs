using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The "no change" baseline: every perturbation is predicted to look like the control cells. The floor any model
/// must beat on delta metrics (Ahlmann-Eltze et al. 2025's "no change"; cell-eval's control reference).
/// </summary>
public sealed class ControlMeanModel : BaselineModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "baseline/control-mean";

    /// <summary>Creates an unfitted control-mean baseline.</summary>
    public ControlMeanModel() : base("control-mean", Architecture, "Predicts the mean of the control cells for every perturbation (no change).") { }

    /// <summary>Loads a saved control-mean baseline.</summary>
    public static ControlMeanModel Load(string directory) => Load(directory, _ => new ControlMeanModel());

    private protected override void FitCore(TrainingProfiles profiles) { }

    private protected override double[] PredictDelta(Perturbation perturbation) => new double[Genes.Length];

    private protected override IReadOnlyList<NamedTensor> Parameters() => Array.Empty<NamedTensor>();

    private protected override void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path) { }
}
