using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Figures;

/// <summary>
/// The figures a single-cell analysis reaches for first (they display in notebooks and save with
/// <see cref="Figure.Save"/>).
/// </summary>
public static class Plots
{
    // Conventional volcano colours: red up, blue down, grey for the rest.
    private static readonly Dictionary<string, string> VolcanoColors = new()
    {
        ["up"] = "#d62728", ["down"] = "#1f77b4", ["not significant"] = "#b0b0b0",
    };

    /// <summary>Cells on two components of an embedding (<c>obsm</c>), one colour per group.</summary>
    /// <param name="data">The dataset holding the embedding.</param>
    /// <param name="embedding">The <c>obsm</c> key, e.g. <c>X_pca</c> from <c>data.Pca(...)</c>.</param>
    /// <param name="colorBy">An obs column whose labels colour the cells (categorical or string); null for one colour.</param>
    /// <param name="maxCells">Cells drawn at most; a seeded random subset keeps notebooks small and figures fast.</param>
    /// <param name="seed">Seed of the subset.</param>
    /// <param name="components">Which two components (0-based) go on the x and y axes.</param>
    /// <exception cref="DigitalCellException">The embedding or column is missing, or the column is numeric.</exception>
    public static Figure Embedding(this CellDataset data, string embedding = "X_pca", string? colorBy = null,
        int maxCells = 5000, int seed = 0, (int X, int Y)? components = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Obsm.TryGetValue(embedding, out var coordinates))
            throw new DigitalCellException($"obsm has no embedding '{embedding}'; it has: {string.Join(", ", data.Obsm.Keys)}.");
        var (cx, cy) = components ?? (0, 1);
        if (Math.Max(cx, cy) >= coordinates.ColumnCount)
            throw new DigitalCellException($"obsm '{embedding}' has {coordinates.ColumnCount} components; cannot plot component {Math.Max(cx, cy) + 1}.");
        var column = colorBy is null ? null : data.Obs[colorBy];
        if (column is NumericColumn<double> or NumericColumn<float> or NumericColumn<int> or NumericColumn<long>)
            throw new DigitalCellException($"obs column '{colorBy}' is numeric; colour by a categorical or string column.");
        int[] cells = Subset(data.CellCount, maxCells, seed);
        var groups = cells.GroupBy(c => column?.GetText(c) ?? "cells").OrderBy(g => g.Key, StringComparer.Ordinal);
        string prefix = embedding.StartsWith("X_", StringComparison.Ordinal) ? embedding[2..].ToUpperInvariant() : embedding;
        var chart = new Figure(groups.Select(g => Trace.Scatter(
            x: g.Select(c => (double)coordinates[c, cx]), y: g.Select(c => (double)coordinates[c, cy]), name: g.Key).With("opacity", 0.7)));
        string subtitle = cells.Length < data.CellCount ? $" ({cells.Length:N0} of {data.CellCount:N0} cells)" : "";
        return Styled(chart, $"{prefix}{(colorBy is null ? "" : $" by {colorBy}")}{subtitle}", $"{prefix}{cx + 1}", $"{prefix}{cy + 1}");
    }

    /// <summary>A volcano plot: log2 fold change against −log10 adjusted p-value, genes passing both thresholds
    /// coloured as up or down; hovering a point shows the gene.</summary>
    /// <param name="genes">Gene names.</param>
    /// <param name="log2FoldChange">log2 fold change per gene (same order).</param>
    /// <param name="adjustedPValue">Adjusted p-value per gene (same order); zeros are drawn at 1e-300.</param>
    /// <param name="title">Figure title, e.g. the group compared with its reference.</param>
    /// <param name="fdr">Adjusted p-value threshold.</param>
    /// <param name="minAbsLog2FoldChange">Fold-change threshold (absolute log2).</param>
    public static Figure Volcano(IReadOnlyList<string> genes, IReadOnlyList<double> log2FoldChange,
        IReadOnlyList<double> adjustedPValue, string title, double fdr = 0.05, double minAbsLog2FoldChange = 1.0)
    {
        if (genes.Count != log2FoldChange.Count || genes.Count != adjustedPValue.Count)
            throw new DigitalCellException($"Volcano plot: {genes.Count} genes but {log2FoldChange.Count} fold changes and {adjustedPValue.Count} p-values.");
        string Class(int g) =>
            !(adjustedPValue[g] < fdr) || !(Math.Abs(log2FoldChange[g]) >= minAbsLog2FoldChange) ? "not significant"
            : log2FoldChange[g] > 0 ? "up" : "down";
        var traces = Enumerable.Range(0, genes.Count).Where(g => double.IsFinite(log2FoldChange[g]) && !double.IsNaN(adjustedPValue[g]))
            .GroupBy(Class).OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => Trace.Scatter(
                x: t.Select(g => log2FoldChange[g]),
                y: t.Select(g => -Math.Log10(Math.Max(adjustedPValue[g], 1e-300))),
                name: $"{t.Key} ({t.Count()})",
                text: t.Select(g => genes[g]),
                color: VolcanoColors[t.Key]));
        return Styled(new Figure(traces), title, "log2 fold change", "−log10 adjusted p-value");
    }

    /// <summary>The volcano plot of one group of a differential-expression result against its reference.</summary>
    /// <param name="result">The result of <c>data.DifferentialExpression(...)</c>.</param>
    /// <param name="group">The group to draw.</param>
    /// <param name="fdr">Adjusted p-value threshold.</param>
    /// <param name="minAbsLog2FoldChange">Fold-change threshold (absolute log2).</param>
    public static Figure Volcano(this DifferentialExpressionResult result, string group, double fdr = 0.05, double minAbsLog2FoldChange = 1.0)
    {
        ArgumentNullException.ThrowIfNull(result);
        var g = result.For(group);
        return Volcano(result.Genes, g.Log2FoldChange, g.AdjustedPValue, $"{group} vs {result.Reference} ({g.CellCount:N0} vs {result.ReferenceCellCount:N0} cells)",
            fdr, minAbsLog2FoldChange);
    }

    /// <summary>Seeded subset of <paramref name="count"/> rows, at most <paramref name="max"/>, in row order.</summary>
    internal static int[] Subset(int count, int max, int seed)
    {
        var rows = Enumerable.Range(0, count).ToArray();
        if (count <= max) return rows;
        new Random(seed).Shuffle(rows);
        var subset = rows[..max];
        Array.Sort(subset);
        return subset;
    }

    private static Figure Styled(Figure figure, string title, string xTitle, string yTitle) =>
        figure.WithTitle(title).WithXAxis(xTitle).WithYAxis(yTitle).WithSize(760, 520);
}
