namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// One prior vector per gene: the derived features of <see cref="GenePriors"/> concatenated in the documented layout
/// (docs/gene-knowledge.md): GO spectral embedding, regulon embedding as TF and as target, PROGENy weights, Hallmark
/// membership, log1p Geneformer median and coverage flags. Every column is divided by its root-mean-square over the
/// genes that have the block, so blocks weigh alike; a gene absent from a prior has zeros in that block.
/// </summary>
public sealed class GeneFeatureTable
{
    private readonly Dictionary<string, int> _index;
    private readonly double[] _values;

    private GeneFeatureTable(GenePriors priors, GeneFeatureOptions options, string[] genes, double[] values, IReadOnlyList<GeneFeatureBlock> layout)
    {
        Priors = priors;
        Options = options;
        Genes = genes;
        _values = values;
        Layout = layout;
        Dimensions = layout.Sum(b => b.Length);
        _index = new Dictionary<string, int>(genes.Length, StringComparer.Ordinal);
        for (int i = 0; i < genes.Length; i++) _index[genes[i]] = i;
    }

    /// <summary>The priors the table was derived from.</summary>
    public GenePriors Priors { get; }

    /// <summary>The options it was built with.</summary>
    public GeneFeatureOptions Options { get; }

    /// <summary>Canonical symbols of every gene with at least one prior, ordinal order.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>Length of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>The blocks in vector order.</summary>
    public IReadOnlyList<GeneFeatureBlock> Layout { get; }

    /// <summary>The prior vector of a gene (any identifier the map resolves), or null when no prior covers it.</summary>
    public double[]? Vector(string gene)
    {
        if (!_index.TryGetValue(Priors.Genes.Canonical(gene), out int i)) return null;
        return _values.AsSpan(i * Dimensions, Dimensions).ToArray();
    }

    /// <summary>The vectors of many genes as rows (zeros for uncovered genes, which are listed in the mapping's warning).</summary>
    public double[][] Vectors(IReadOnlyList<string> genes, out GeneMapping coverage)
    {
        var rows = new double[genes.Count][];
        var mapped = new Dictionary<string, GeneRecord>(StringComparer.Ordinal);
        var unmapped = new List<string>();
        for (int g = 0; g < genes.Count; g++)
        {
            rows[g] = Vector(genes[g]) ?? new double[Dimensions];
            if (Priors.Genes.Find(genes[g]) is { } r && _index.ContainsKey(r.Symbol)) mapped[genes[g]] = r;
            else if (!_index.ContainsKey(Priors.Genes.Canonical(genes[g]))) unmapped.Add(genes[g]);
        }
        coverage = new GeneMapping(mapped, unmapped);
        return rows;
    }

    /// <summary>A one-line description of the layout for model cards, e.g. <c>go_spectral:32,regulon_tf:16,…</c>.</summary>
    public string LayoutDescription => string.Join(",", Layout.Select(b => $"{b.Name}:{b.Length}"));

    internal static GeneFeatureTable Build(GenePriors priors, GeneFeatureOptions options, CancellationToken cancellationToken)
    {
        var ids = priors.Genes;
        var blocks = new List<(GeneFeatureBlock Block, Dictionary<string, double[]> Rows)>();
        void Add(GenePriorBlocks flag, string name, string source, Dictionary<string, double[]> rows, int length)
        {
            if (options.Blocks.HasFlag(flag)) blocks.Add((new GeneFeatureBlock(name, 0, length, source), rows));
        }

        if (options.Blocks.HasFlag(GenePriorBlocks.GoSpectral) || options.Blocks.HasFlag(GenePriorBlocks.Coverage))
        {
            var spectral = priors.Derived(("go_spectral", options.GoMinimumJaccard, options.GoNeighbours, options.GoSpectralDimensions, options.Seed), () =>
            {
                var graph = GoGraph.Build(priors.GoBiologicalProcess, ids, options.GoMinimumJaccard, options.GoNeighbours);
                var (_, embedding) = graph.SpectralEmbedding(options.GoSpectralDimensions, options.Seed, cancellationToken);
                return graph.Genes.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => embedding[x.i], StringComparer.Ordinal);
            });
            Add(GenePriorBlocks.GoSpectral, "go_spectral", GenePriors.GoBiologicalProcessFile, spectral, options.GoSpectralDimensions);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var (asTf, asTarget) = priors.Derived(("regulons", options.RegulonConfidence, options.RegulonDimensions, options.Seed), () =>
            Tuple.Create(RegulonEmbedding(priors.Dorothea.WithConfidence(options.RegulonConfidence), ids, options.RegulonDimensions, options.Seed, cancellationToken))).Item1;
        Add(GenePriorBlocks.RegulonAsTf, "regulon_tf", GenePriors.DorotheaFile, asTf, options.RegulonDimensions);
        Add(GenePriorBlocks.RegulonAsTarget, "regulon_target", GenePriors.DorotheaFile, asTarget, options.RegulonDimensions);

        var progeny = priors.Progeny;
        var progenyRows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var e in progeny.Entries)
        {
            string g = ids.Canonical(e.Gene);
            if (!progenyRows.TryGetValue(g, out var row)) progenyRows[g] = row = new double[progeny.Pathways.Count];
            row[IndexOf(progeny.Pathways, e.Source)] = e.Weight;
        }
        Add(GenePriorBlocks.Progeny, "progeny", GenePriors.ProgenyFile, progenyRows, progeny.Pathways.Count);

        var hallmark = priors.Hallmark;
        var hallmarkRows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int s = 0; s < hallmark.Sets.Count; s++)
            foreach (var gene in hallmark.Sets[s].Genes)
            {
                string g = ids.Canonical(gene);
                if (!hallmarkRows.TryGetValue(g, out var row)) hallmarkRows[g] = row = new double[hallmark.Sets.Count];
                row[s] = 1;
            }
        Add(GenePriorBlocks.Hallmark, "hallmark", GenePriors.HallmarkFile, hallmarkRows, hallmark.Sets.Count);

        var medianRows = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var r in ids.Records) medianRows.TryAdd(r.Symbol, [Math.Log(1 + r.Median)]);
        Add(GenePriorBlocks.GeneformerMedian, "geneformer_median", GenePriors.GeneformerFile, medianRows, 1);

        // Coverage: whether each prior knows the gene at all (distinguishes "no effect" from "no information").
        var sources = blocks.ToArray();
        var universe = blocks.SelectMany(b => b.Rows.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (options.Blocks.HasFlag(GenePriorBlocks.Coverage))
        {
            var coverage = universe.ToDictionary(g => g, g => sources.Select(b => b.Rows.ContainsKey(g) ? 1.0 : 0.0).ToArray(), StringComparer.Ordinal);
            blocks.Add((new GeneFeatureBlock("coverage", 0, sources.Length, string.Join("+", sources.Select(b => b.Block.Name))), coverage));
        }

        int dims = blocks.Sum(b => b.Block.Length);
        var values = new double[(long)universe.Length * dims];
        var layout = new List<GeneFeatureBlock>();
        int offset = 0;
        var position = universe.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        foreach (var (block, rows) in blocks)
        {
            layout.Add(block with { Offset = offset });
            for (int c = 0; c < block.Length; c++)
            {
                double ss = rows.Values.Sum(r => r[c] * r[c]);
                double scale = ss > 0 ? Math.Sqrt(rows.Count / ss) : 0;
                foreach (var (g, r) in rows) values[(long)position[g] * dims + offset + c] = r[c] * scale;
            }
            offset += block.Length;
        }
        return new GeneFeatureTable(priors, options, universe, values, layout);
    }

    /// <summary>
    /// Both regulon blocks from one truncated SVD of the signed TF × target matrix M (mode of regulation as entries):
    /// a TF's features are its row of U·S, a target's its row of V·S = MᵀU, from the top eigenpairs of MMᵀ.
    /// </summary>
    private static (Dictionary<string, double[]> AsTf, Dictionary<string, double[]> AsTarget) RegulonEmbedding(
        Regulons regulons, GeneIdentifierMap ids, int dimensions, int seed, CancellationToken cancellationToken)
    {
        var tfs = new Dictionary<string, int>(StringComparer.Ordinal);
        var targets = new Dictionary<string, int>(StringComparer.Ordinal);
        var edges = new List<(int Tf, int Target, double Mor)>(regulons.Edges.Count);
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        string Canon(string g) => canonical.TryGetValue(g, out var c) ? c : canonical[g] = ids.Canonical(g);
        foreach (var e in regulons.Edges)
        {
            string tf = Canon(e.Tf), target = Canon(e.Target);
            if (!tfs.TryGetValue(tf, out int i)) tfs[tf] = i = tfs.Count;
            if (!targets.TryGetValue(target, out int j)) targets[target] = j = targets.Count;
            edges.Add((i, j, e.Mor));
        }
        int d = Math.Min(dimensions, tfs.Count);
        var (values, u) = SymmetricEigen.Top(tfs.Count, (x, y) =>
        {
            var mt = new double[targets.Count];
            foreach (var (tf, target, mor) in edges) mt[target] += mor * x[tf];
            Array.Clear(y);
            foreach (var (tf, target, mor) in edges) y[tf] += mor * mt[target];
        }, d, seed, cancellationToken);
        var asTf = tfs.ToDictionary(kv => kv.Key, kv => Enumerable.Range(0, dimensions).Select(c => c < d ? u[c][kv.Value] * Math.Sqrt(Math.Max(values[c], 0)) : 0).ToArray(), StringComparer.Ordinal);
        var targetRows = new double[targets.Count][];
        for (int j = 0; j < targetRows.Length; j++) targetRows[j] = new double[dimensions];
        foreach (var (tf, target, mor) in edges)
            for (int c = 0; c < d; c++) targetRows[target][c] += mor * u[c][tf];
        var asTarget = targets.ToDictionary(kv => kv.Key, kv => targetRows[kv.Value], StringComparer.Ordinal);
        return (asTf, asTarget);
    }

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }
}

/// <summary>One block of the prior vector.</summary>
/// <param name="Name">Block name (<c>go_spectral</c>, <c>regulon_tf</c>, <c>regulon_target</c>, <c>progeny</c>, <c>hallmark</c>, <c>geneformer_median</c>, <c>coverage</c>).</param>
/// <param name="Offset">First position of the block in the vector.</param>
/// <param name="Length">Number of positions.</param>
/// <param name="Source">The prior file(s) it derives from.</param>
public sealed record GeneFeatureBlock(string Name, int Offset, int Length, string Source);
