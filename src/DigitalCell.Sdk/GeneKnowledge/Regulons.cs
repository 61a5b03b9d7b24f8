namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// DoRothEA transcription-factor regulons (Garcia-Alonso et al., Genome Res. 29, 1363–1375, 2019), the
/// <b>non-academic</b> release: signed TF → target edges with a per-TF confidence level A (best) … E. Read from a TSV
/// with columns <c>tf</c>, <c>confidence</c>, <c>target</c>, <c>mor</c>.
/// </summary>
public sealed class Regulons
{
    private Regulons(IReadOnlyList<RegulonEdge> edges) => Edges = edges;

    /// <summary>Every edge in file order.</summary>
    public IReadOnlyList<RegulonEdge> Edges { get; }

    /// <summary>The edges whose TF has one of the given confidence levels (e.g. <c>"ABC"</c>, the common choice).</summary>
    public Regulons WithConfidence(string levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return new Regulons(Edges.Where(e => levels.Contains(e.Confidence, StringComparison.Ordinal)).ToArray());
    }

    /// <summary>The edges as signed source → gene weights (mode of regulation as the weight), for activity scores.</summary>
    public IReadOnlyList<WeightedGene> AsWeights() => Edges.Select(e => new WeightedGene(e.Tf, e.Target, e.Mor)).ToArray();

    /// <summary>Reads the DoRothEA TSV (plain or <c>.gz</c>).</summary>
    /// <exception cref="DigitalCellException">Missing file, wrong header, or a bad confidence or mode of regulation.</exception>
    public static Regulons Read(string path)
    {
        var edges = new List<RegulonEdge>();
        foreach (var (f, line) in PriorText.TsvRows(path, "tf", "confidence", "target", "mor"))
        {
            if (f[1].Length != 1 || f[1][0] is < 'A' or > 'E')
                throw new DigitalCellException(path, $"line {line}", $"confidence must be one of A–E, found '{f[1]}'.");
            int mor = (int)PriorText.Number(path, line, "mor", f[3]);
            if (mor is not (1 or -1)) throw new DigitalCellException(path, $"line {line}", $"mor must be 1 or -1, found '{f[3]}'.");
            edges.Add(new RegulonEdge(f[0], f[1], f[2], mor));
        }
        return new Regulons(edges);
    }
}

/// <summary>One TF → target edge.</summary>
/// <param name="Tf">The transcription factor.</param>
/// <param name="Confidence">The TF's confidence level, A … E.</param>
/// <param name="Target">The regulated gene.</param>
/// <param name="Mor">Mode of regulation: +1 activation, −1 repression.</param>
public sealed record RegulonEdge(string Tf, string Confidence, string Target, int Mor);
