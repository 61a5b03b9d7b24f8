namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// What a metric compares (cell-eval's <c>metric_type</c>, finer): the scoring-input builder prepares exactly the parts
/// the requested metrics declare, so a metric made on the fly (<c>Metrics.OverlapAt(7)</c>) gets its DE tables.
/// </summary>
[Flags]
public enum MetricNeeds
{
    /// <summary>Pseudobulk mean profiles and each side's control means (always prepared).</summary>
    Means = 1,

    /// <summary>Differential-expression tables of real and predicted data.</summary>
    DifferentialExpression = 2,

    /// <summary>Individual cells of every perturbation and control.</summary>
    Cells = 4,

    /// <summary>GEARS' top-20 DE genes of each perturbation (t-test on the real data).</summary>
    TopDifferentiallyExpressedGenes = 8,

    /// <summary>Systema's perturbed reference: the mean of the training perturbations' centroids.</summary>
    PerturbedReference = 16,

    /// <summary>The VCC 2026 reference: counts of every cell, the reference DE, and each context's baseline and split-half replicate anchors.</summary>
    Vcc2026Anchors = 32,
}
