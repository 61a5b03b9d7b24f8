using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// One context as one side of a VCC 2026 comparison: the groups of its perturbations and the control group they are
/// measured against (the origin of effects and the reference group of the DE test), with the DE table of brief §3.
/// </summary>
internal sealed class Vcc2026Side(IReadOnlyList<Vcc2026Group> units, Vcc2026Group control)
{
    /// <summary>The brief's per-cell <c>target_sum</c> of the DE values: counts per million.</summary>
    public const double DeTargetSum = 1e6;

    /// <summary>The fold-change ε of brief §3.</summary>
    public const double Epsilon = 1e-9;

    private (int[] Genes, Vcc2026DeTable[] Tables)? _de;

    /// <summary>The perturbations' groups, in scoring order.</summary>
    public IReadOnlyList<Vcc2026Group> Units { get; } = units;

    /// <summary>The control group.</summary>
    public Vcc2026Group Control { get; } = control;

    /// <summary>
    /// Brief §3 on the genes <paramref name="genes"/> (those passing the reference control's 5 CPM filter): each unit's
    /// cells against the control by two-sided Wilcoxon rank-sum on per-cell CPM (normal approximation, tie and
    /// continuity correction as pdex/scipy), BH within the unit over these genes only, and
    /// lfc = log2((m_unit + ε)/(m_control + ε)) of arithmetic CPM means.
    /// </summary>
    public Vcc2026DeTable[] DifferentialExpression(int[] genes, IReadOnlyList<string> geneNames)
    {
        if (_de is { } cached && ReferenceEquals(cached.Genes, genes)) return cached.Tables;
        var builder = new SparseRowBuilder(genes.Length);
        var labels = new List<string?>();
        var row = new float[Control.Sum.Length];
        var indices = new int[genes.Length];
        var values = new float[genes.Length];
        void Add(Vcc2026Group group, string label)
        {
            for (int r = 0; r < group.CellCount; r++)
            {
                group.ReadCounts(r, row);
                double scale = group.Totals[r] > 0 ? DeTargetSum / group.Totals[r] : 0;
                int k = 0;
                for (int j = 0; j < genes.Length; j++)
                    if (row[genes[j]] != 0f) { indices[k] = j; values[k++] = (float)(row[genes[j]] * scale); }
                builder.AddRow(indices.AsSpan(0, k), values.AsSpan(0, k));
                labels.Add(label);
            }
        }
        const string control = "\u0001control";
        var unitLabels = Enumerable.Range(0, Units.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < Units.Count; i++) Add(Units[i], unitLabels[i]);
        Add(Control, control);
        var names = genes.Select(g => geneNames[g]).ToArray();
        var result = DifferentialExpressionAnalysis.Run(builder.Build(), labels, names, control,
            DifferentialExpressionOptions.CellEval with { Groups = unitLabels });
        var tables = unitLabels.Select(l =>
        {
            var g = result.For(l);
            var lfc = new double[genes.Length];
            for (int j = 0; j < lfc.Length; j++) lfc[j] = Math.Log2((g.MeanGroup[j] + Epsilon) / (g.MeanReference[j] + Epsilon));
            return new Vcc2026DeTable(genes, g.PValue, g.AdjustedPValue, lfc);
        }).ToArray();
        _de = (genes, tables);
        return tables;
    }
}

/// <summary>One unit's DE table over the filtered genes (positions into the full gene list in <paramref name="Genes"/>).</summary>
internal sealed record Vcc2026DeTable(int[] Genes, double[] PValue, double[] AdjustedPValue, double[] Log2FoldChange)
{
    /// <summary>The brief's α: significant when p_adj &lt; 0.05.</summary>
    public const double Alpha = 0.05;

    /// <summary>True when filtered gene <paramref name="j"/> is significant.</summary>
    public bool Significant(int j) => AdjustedPValue[j] < Alpha;
}
