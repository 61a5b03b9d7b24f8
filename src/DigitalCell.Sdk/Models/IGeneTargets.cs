namespace DigitalCell.Sdk.Models;

/// <summary>
/// A model that can perturb genes it does not measure: a prior model acts on every gene of its prior table, the base
/// model on every gene of its token vocabulary and every gene with a gene prior. Screens take their <c>all</c>
/// candidates from here (plus the measured genes).
/// </summary>
public interface IGeneTargets
{
    /// <summary>The genes the fitted model can take as perturbation targets, beyond the genes it predicts.</summary>
    IReadOnlyCollection<string> TargetGenes { get; }
}
