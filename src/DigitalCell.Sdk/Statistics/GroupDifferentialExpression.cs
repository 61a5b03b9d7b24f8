namespace DigitalCell.Sdk.Statistics;

/// <summary>The test results of one group against the reference, as columns in gene order.</summary>
public sealed class GroupDifferentialExpression
{
    internal GroupDifferentialExpression(string group, int cellCount, int geneCount)
    {
        Group = group;
        CellCount = cellCount;
        Statistic = new double[geneCount];
        PValue = new double[geneCount];
        AdjustedPValue = new double[geneCount];
        Log2FoldChange = new double[geneCount];
        MeanGroup = new double[geneCount];
        MeanReference = new double[geneCount];
    }

    /// <summary>The group tested.</summary>
    public string Group { get; }

    /// <summary>Number of cells in the group.</summary>
    public int CellCount { get; }

    /// <summary>
    /// Wilcoxon: the signed z-score of the group's rank sum (scanpy's <c>scores</c>; continuity-corrected towards 0 when
    /// that option is on, so that p = 2·Φ(−|z|) exactly). t-test: Welch's t. Positive means higher in the group.
    /// </summary>
    public double[] Statistic { get; }

    /// <summary>Two-sided p-value (1 where the test is undefined: constant gene, t-test group of one cell).</summary>
    public double[] PValue { get; }

    /// <summary>Benjamini–Hochberg adjusted p-value (scope set by <see cref="DifferentialExpressionOptions.FdrScope"/>).</summary>
    public double[] AdjustedPValue { get; }

    /// <summary>log2 fold change, convention set by <see cref="DifferentialExpressionOptions.FoldChange"/>.</summary>
    public double[] Log2FoldChange { get; }

    /// <summary>Arithmetic mean of X over the group's cells.</summary>
    public double[] MeanGroup { get; }

    /// <summary>Arithmetic mean of X over the reference cells.</summary>
    public double[] MeanReference { get; }
}
