namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// What stays fixed for every submission scored on one context (brief §0, §3): its units, their target genes (the
/// label's <c>+</c>-separated parts that name a measured gene), the panel's target genes, and the genes passing the
/// reference control's 5 CPM filter.
/// </summary>
internal sealed class Vcc2026Panel
{
    /// <summary>The brief's <c>filter_gene_min_cpm_cell</c>: a gene is tested when its mean CPM in the control exceeds 5.</summary>
    public const double MinControlCpm = 5;

    private readonly HashSet<int>[] _targets;
    private readonly HashSet<int> _panelTargets;

    public Vcc2026Panel(string? context, IReadOnlyList<ScoringUnit> units, IReadOnlyList<string> genes, Vcc2026Group control)
    {
        Context = context;
        Units = units;
        Genes = genes;
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < genes.Count; g++) position.TryAdd(genes[g], g);
        _targets = units.Select(u => u.Perturbation.Split('+', StringSplitOptions.TrimEntries)
            .Where(position.ContainsKey).Select(t => position[t]).ToHashSet()).ToArray();
        _panelTargets = _targets.SelectMany(t => t).ToHashSet();
        // The mean of per-cell CPM over the control's cells (the DE values of §3), read from the reference alone.
        var cpm = new double[genes.Count];
        var row = new float[genes.Count];
        for (int r = 0; r < control.CellCount; r++)
        {
            if (control.Totals[r] <= 0) continue;
            control.ReadCounts(r, row);
            for (int g = 0; g < cpm.Length; g++) cpm[g] += row[g] * Vcc2026Side.DeTargetSum / control.Totals[r] / control.CellCount;
        }
        FilteredGenes = Enumerable.Range(0, genes.Count).Where(g => cpm[g] > MinControlCpm).ToArray();
    }

    /// <summary>The context (null without a context column).</summary>
    public string? Context { get; }

    /// <summary>The context's units, in scoring order.</summary>
    public IReadOnlyList<ScoringUnit> Units { get; }

    /// <summary>All gene names.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>Positions of the genes the DE metrics test.</summary>
    public int[] FilteredGenes { get; }

    /// <summary>True when gene <paramref name="gene"/> is a target of unit <paramref name="unit"/>.</summary>
    public bool IsTarget(int unit, int gene) => _targets[unit].Contains(gene);

    /// <summary>The number of unit <paramref name="unit"/>'s targets among the genes.</summary>
    public int TargetCount(int unit) => _targets[unit].Count;

    /// <summary>True when gene <paramref name="gene"/> is a target of any unit of the context (removed from PDS).</summary>
    public bool IsPanelTarget(int gene) => _panelTargets.Contains(gene);
}
