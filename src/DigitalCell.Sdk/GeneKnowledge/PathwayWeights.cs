namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// PROGENy's pathway-responsive genes (Schubert et al., Nat. Commun. 9, 20, 2018): for each of 14 signalling
/// pathways the 100 genes whose expression responds most to it, with signed weights. Read from a TSV with columns
/// <c>gene</c>, <c>pathway</c>, <c>weight</c>.
/// </summary>
public sealed class PathwayWeights
{
    private PathwayWeights(IReadOnlyList<string> pathways, IReadOnlyList<WeightedGene> entries)
    {
        Pathways = pathways;
        Entries = entries;
    }

    /// <summary>Pathway names in file order (EGFR, Hypoxia, JAK-STAT, …).</summary>
    public IReadOnlyList<string> Pathways { get; }

    /// <summary>Every (pathway, gene, weight) row.</summary>
    public IReadOnlyList<WeightedGene> Entries { get; }

    /// <summary>The weighted genes of one pathway.</summary>
    public IEnumerable<WeightedGene> Of(string pathway) => Entries.Where(e => e.Source == pathway);

    /// <summary>Reads the PROGENy TSV (plain or <c>.gz</c>).</summary>
    /// <exception cref="DigitalCellException">Missing file, wrong header or a weight that is not a number.</exception>
    public static PathwayWeights Read(string path)
    {
        var entries = new List<WeightedGene>();
        var pathways = new List<string>();
        foreach (var (f, line) in PriorText.TsvRows(path, "gene", "pathway", "weight"))
        {
            if (!pathways.Contains(f[1])) pathways.Add(f[1]);
            entries.Add(new WeightedGene(f[1], f[0], PriorText.Number(path, line, "weight", f[2])));
        }
        return new PathwayWeights(pathways, entries);
    }
}

/// <summary>One signed source → gene weight: a PROGENy pathway footprint gene or a DoRothEA TF → target edge.</summary>
/// <param name="Source">The pathway or transcription factor.</param>
/// <param name="Gene">The responsive (target) gene.</param>
/// <param name="Weight">The weight (PROGENy) or mode of regulation, +1 activation / −1 repression (DoRothEA).</param>
public sealed record WeightedGene(string Source, string Gene, double Weight);
