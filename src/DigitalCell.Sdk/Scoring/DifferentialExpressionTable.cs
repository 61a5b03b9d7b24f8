namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The differential-expression result of one perturbation against control, as the DE metrics consume it: per gene
/// (in the evaluation's gene order) the log2 fold change and the BH-adjusted p-value (FDR).
/// </summary>
/// <param name="Log2FoldChange">log2 fold change per gene (±∞ allowed, cell-eval convention).</param>
/// <param name="Fdr">Benjamini–Hochberg adjusted p-value per gene.</param>
public sealed record DifferentialExpressionTable(double[] Log2FoldChange, double[] Fdr)
{
    /// <summary>cell-eval's significance threshold: a gene is differentially expressed when FDR &lt; 0.05 (strict).</summary>
    public const double SignificanceThreshold = 0.05;

    /// <summary>
    /// True when gene <paramref name="g"/> is significant. cell-eval casts FDR to float32 before comparing (polars
    /// <c>Float32</c> column), so the comparison is made in float32 to agree at the threshold.
    /// </summary>
    public bool IsSignificant(int g) => (float)Fdr[g] < (float)SignificanceThreshold;

    /// <summary>
    /// The significant genes ordered by |log2FC| descending (cell-eval <c>get_top_genes</c>: ordinal rank, ties in gene
    /// order; log2FC is compared as float32 like cell-eval's Float32 column).
    /// </summary>
    public int[] SignificantByAbsoluteFoldChange() =>
        Enumerable.Range(0, Fdr.Length).Where(IsSignificant)
            .OrderByDescending(g => Math.Abs((float)Log2FoldChange[g]))
            .ToArray();
}
