namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// Settings of <see cref="DifferentialExpressionAnalysis.DifferentialExpression"/>. The defaults reproduce scanpy's
/// <c>rank_genes_groups(method="wilcoxon", tie_correct=True, reference=…)</c>; for pdex / cell-eval parity use
/// <see cref="CellEval"/>.
/// </summary>
public sealed record DifferentialExpressionOptions
{
    /// <summary>The test (default Wilcoxon rank-sum).</summary>
    public DifferentialExpressionMethod Method { get; init; } = DifferentialExpressionMethod.Wilcoxon;

    /// <summary>Correct the rank-sum variance for ties (scipy and pdex always do; scanpy only with <c>tie_correct=True</c>). Default true.</summary>
    public bool TieCorrection { get; init; } = true;

    /// <summary>
    /// Apply the 0.5 continuity correction to the rank-sum z-score. Default false (scanpy); true reproduces scipy's
    /// <c>mannwhitneyu</c> default and pdex / cell-eval.
    /// </summary>
    public bool ContinuityCorrection { get; init; }

    /// <summary>How log2 fold changes are computed (default scanpy's 1e-9 pseudocount).</summary>
    public FoldChangeConvention FoldChange { get; init; } = FoldChangeConvention.Scanpy;

    /// <summary>Whether Benjamini–Hochberg runs per group (default) or over all group × gene rows.</summary>
    public FdrScope FdrScope { get; init; } = FdrScope.PerGroup;

    /// <summary>The groups to test; null means every group except the reference.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Maximum number of threads; null or ≤ 0 uses all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// pdex 0.2.5 as current cell-eval runs it: Wilcoxon with tie and continuity correction, ε = 0 fold changes,
    /// BH per perturbation.
    /// </summary>
    public static DifferentialExpressionOptions CellEval { get; } = new()
    {
        ContinuityCorrection = true,
        FoldChange = FoldChangeConvention.Pdex,
        FdrScope = FdrScope.PerGroup,
    };

    /// <summary>
    /// pdex 0.1.x as the Virtual Cell Challenge 2025 leaderboard ran it: scipy <c>mannwhitneyu</c> with tie and continuity
    /// correction, fold change clipped at 20, one BH over all rows.
    /// </summary>
    public static DifferentialExpressionOptions Vcc2025 { get; } = new()
    {
        ContinuityCorrection = true,
        FoldChange = FoldChangeConvention.Vcc2025,
        FdrScope = FdrScope.Global,
    };
}
