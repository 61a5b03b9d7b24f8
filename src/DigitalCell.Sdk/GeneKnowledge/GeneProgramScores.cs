using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// Per-cell scores of gene programs on X (log-normalised expression): scanpy's <c>score_genes</c> for any gene set,
/// and decoupler's univariate linear model (<c>ulm</c>) for weighted networks — PROGENy pathways, DoRothEA regulons or
/// Hallmark sets (weight 1).
/// </summary>
public static class GeneProgramScores
{
    /// <summary>
    /// scanpy's <c>tl.score_genes</c> (Tirosh et al., Science 352, 189–196, 2016; scanpy <c>_score_genes.py</c>): the
    /// mean expression of the set minus the mean of control genes drawn from the same expression bins. Genes are ranked
    /// by mean expression over all cells (rank method "min"), cut into bins of round(pool / (bins − 1)) genes, and from
    /// every bin that holds a set gene <see cref="ScoreGenesOptions.ControlSize"/> genes are drawn (all when fewer);
    /// with <see cref="ScoreGenesOptions.ControlAsReference"/> (scanpy's default) set genes are drawn and then removed.
    /// </summary>
    /// <remarks>Sampling uses .NET's seeded <see cref="Random"/>, not numpy's generator, so the control genes equal scanpy's
    /// only when every bin is taken whole (ControlSize ≥ bin size); <see cref="GeneSetScore.ControlGenes"/> says which were used.</remarks>
    /// <exception cref="DigitalCellException">No gene of the set is in the data, or no control gene could be found.</exception>
    public static GeneSetScore ScoreGenes(this CellDataset data, IEnumerable<string> genes, ScoreGenesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(genes);
        options ??= new ScoreGenesOptions();
        if (options.Bins < 2) throw new DigitalCellException($"ScoreGenes: bins must be ≥ 2, got {options.Bins}.");
        var index = GeneIndex(data);
        var requested = genes.Distinct(StringComparer.Ordinal).ToArray();
        var ignored = requested.Where(g => !index.ContainsKey(g)).ToArray();
        var set = requested.Where(index.ContainsKey).Select(g => index[g]).ToHashSet();
        if (set.Count == 0)
            throw new DigitalCellException($"ScoreGenes: none of the {requested.Length} genes is in var_names (e.g. {string.Join(", ", requested.Take(5))}).");
        var pool = options.GenePool is null ? Enumerable.Range(0, data.GeneCount).ToArray()
            : options.GenePool.Where(index.ContainsKey).Select(g => index[g]).Distinct().ToArray();
        if (pool.Length == 0) throw new DigitalCellException("ScoreGenes: no gene of the gene pool is in var_names.");

        var means = ColumnMeans(data.X);
        var finite = pool.Where(g => double.IsFinite(means[g])).ToArray();
        int perBin = Math.Max(1, (int)Math.Round(finite.Length / (double)(options.Bins - 1), MidpointRounding.ToEven));
        var cut = MinRankBins(finite, means, perBin);
        var rng = new Random(options.Seed);
        var controls = new SortedSet<int>();
        foreach (int bin in set.Where(cut.ContainsKey).Select(g => cut[g]).Distinct().Order())
        {
            var candidates = finite.Where(g => cut[g] == bin && (options.ControlAsReference || !set.Contains(g))).ToArray();
            if (options.ControlSize < candidates.Length)
            {
                for (int i = 0; i < options.ControlSize; i++)
                {
                    int j = rng.Next(i, candidates.Length);
                    (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
                }
                candidates = candidates[..options.ControlSize];
            }
            foreach (int g in candidates) if (!set.Contains(g)) controls.Add(g);
        }
        if (controls.Count == 0)
            throw new DigitalCellException("ScoreGenes: no control genes found in any expression bin" + (options.ControlAsReference ? "; try ControlAsReference = false." : "."));

        var setColumns = set.Order().ToArray();
        var controlColumns = controls.ToArray();
        var scores = new double[data.CellCount];
        var row = new float[data.GeneCount];
        for (int c = 0; c < scores.Length; c++)
        {
            data.X.CopyRow(c, row);
            scores[c] = Mean(row, setColumns) - Mean(row, controlColumns);
        }
        return new GeneSetScore(scores, setColumns.Select(g => data.GeneNames[g]).ToArray(), controlColumns.Select(g => data.GeneNames[g]).ToArray(), ignored);
    }

    /// <summary>
    /// decoupler's <c>ulm</c> (Badia-i-Mompel et al., Bioinform. Adv. 2, vbac016, 2022): for each cell and source, the
    /// t-value of the slope of a linear model of the cell's expression on the source's weights (0 for genes the source
    /// does not touch), over the genes shared by the data and the network: t = r·√(df / ((1 − r)(1 + r))), df = genes − 2,
    /// r the Pearson correlation. Sources with fewer than <paramref name="minimumTargets"/> measured targets are dropped (decoupler's <c>tmin</c>).
    /// </summary>
    /// <param name="data">Cells; X should be log-normalised.</param>
    /// <param name="network">Source → gene weights (e.g. <see cref="PathwayWeights.Entries"/> or <see cref="Regulons.AsWeights"/>).</param>
    /// <param name="minimumTargets">Smallest number of measured targets a source needs (decoupler default 5).</param>
    /// <param name="ids">Optional identifier map: genes of data and network then meet on canonical symbols.</param>
    /// <exception cref="DigitalCellException">No source keeps enough measured targets.</exception>
    public static SourceActivity Ulm(this CellDataset data, IReadOnlyList<WeightedGene> network, int minimumTargets = 5, GeneIdentifierMap? ids = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(network);
        Func<string, string> key = ids is null ? g => g : ids.Canonical;
        var columnOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < data.GeneCount; g++) columnOf.TryAdd(key(data.GeneNames[g]), g);
        var edges = network.Select(e => (e.Source, Column: columnOf.GetValueOrDefault(key(e.Gene), -1), e.Weight)).Where(e => e.Column >= 0).ToArray();
        var features = edges.Select(e => e.Column).Distinct().Order().ToArray();
        var position = features.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i);
        var sources = edges.GroupBy(e => e.Source, StringComparer.Ordinal)
            .Where(s => s.Select(e => e.Column).Distinct().Count() >= minimumTargets)
            .Select(s => (Name: s.Key, Weights: Weights(s, position, features.Length))).ToArray();
        if (sources.Length == 0)
            throw new DigitalCellException($"Ulm: no source has ≥ {minimumTargets} targets among the {data.GeneCount} measured genes ({features.Length} network genes measured).");
        int n = features.Length, df = n - 2;
        var t = new double[data.CellCount, sources.Length];
        // Centre each weight column once; the correlation then needs one dot product per cell and source.
        var centred = sources.Select(s => Centre(s.Weights)).ToArray();
        var norms = centred.Select(w => Math.Sqrt(w.Sum(v => v * v))).ToArray();
        Parallel.For(0, data.CellCount, () => (Row: new float[data.GeneCount], Y: new double[n]), (c, _, scratch) =>
        {
            data.X.CopyRow(c, scratch.Row);
            for (int i = 0; i < n; i++) scratch.Y[i] = scratch.Row[features[i]];
            var y = Centre(scratch.Y);
            double yNorm = Math.Sqrt(y.Sum(v => v * v));
            for (int s = 0; s < sources.Length; s++)
            {
                double dot = 0;
                var w = centred[s];
                for (int i = 0; i < n; i++) dot += w[i] * y[i];
                double r = yNorm == 0 || norms[s] == 0 ? double.NaN : dot / (norms[s] * yNorm);
                t[c, s] = r * Math.Sqrt(df / ((1 - r) * (1 + r)));
            }
            return scratch;
        }, _ => { });
        return new SourceActivity(sources.Select(s => s.Name).ToArray(), data.CellNames.ToArray(), t);
    }

    /// <summary>PROGENy pathway activity per cell (ulm on the 14 pathways' top-100 weights).</summary>
    public static SourceActivity PathwayActivity(this CellDataset data, GenePriors priors, int minimumTargets = 5) =>
        data.Ulm(priors.Progeny.Entries, minimumTargets, priors.Genes);

    /// <summary>DoRothEA TF activity per cell (ulm on the signed regulons of the given confidence levels, "ABC" by default as is common).</summary>
    public static SourceActivity TfActivity(this CellDataset data, GenePriors priors, string confidence = "ABC", int minimumTargets = 5) =>
        data.Ulm(priors.Dorothea.WithConfidence(confidence).AsWeights(), minimumTargets, priors.Genes);

    /// <summary>Hallmark activity per cell (ulm with weight 1 for each member, as decoupler scores MSigDB sets).</summary>
    public static SourceActivity HallmarkActivity(this CellDataset data, GenePriors priors, int minimumTargets = 5) =>
        data.Ulm(priors.Hallmark.Sets.SelectMany(s => s.Genes.Select(g => new WeightedGene(s.Name, g, 1))).ToArray(), minimumTargets, priors.Genes);

    private static Dictionary<string, int> GeneIndex(CellDataset data)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int g = 0; g < data.GeneCount; g++) index.TryAdd(data.GeneNames[g], g);
        return index;
    }

    private static double[] ColumnMeans(CellMatrix x)
    {
        var sums = new double[x.ColumnCount];
        var row = new float[x.ColumnCount];
        for (int c = 0; c < x.RowCount; c++)
        {
            x.CopyRow(c, row);
            for (int g = 0; g < sums.Length; g++) sums[g] += row[g];
        }
        for (int g = 0; g < sums.Length; g++) sums[g] /= x.RowCount;
        return sums;
    }

    /// <summary>pandas <c>rank(method="min") // perBin</c>: tied genes share the lowest rank.</summary>
    private static Dictionary<int, int> MinRankBins(int[] genes, double[] means, int perBin)
    {
        var order = genes.OrderBy(g => means[g]).ToArray();
        var cut = new Dictionary<int, int>(order.Length);
        int rank = 1;
        for (int i = 0; i < order.Length; i++)
        {
            if (i == 0 || means[order[i]] != means[order[i - 1]]) rank = i + 1;
            cut[order[i]] = rank / perBin;
        }
        return cut;
    }

    private static double Mean(float[] row, int[] columns)
    {
        double s = 0;
        foreach (int g in columns) s += row[g];
        return s / columns.Length;
    }

    private static double[] Weights(IEnumerable<(string Source, int Column, double Weight)> edges, Dictionary<int, int> position, int n)
    {
        var w = new double[n];
        foreach (var e in edges) w[position[e.Column]] = e.Weight; // a repeated edge keeps its last weight, as decoupler's pivot
        return w;
    }

    private static double[] Centre(double[] v)
    {
        double mean = v.Average();
        return v.Select(x => x - mean).ToArray();
    }
}

/// <summary>Options of <see cref="GeneProgramScores.ScoreGenes"/> (scanpy's defaults).</summary>
/// <param name="ControlSize">Control genes drawn per expression bin (scanpy <c>ctrl_size</c>, 50).</param>
/// <param name="Bins">Number of expression bins (scanpy <c>n_bins</c>, 25).</param>
/// <param name="Seed">Seed of the control-gene draw.</param>
/// <param name="ControlAsReference">Allow set genes to be drawn (then removed), scanpy's <c>ctrl_as_ref</c> default.</param>
/// <param name="GenePool">Genes to draw controls from (null: all genes).</param>
public sealed record ScoreGenesOptions(int ControlSize = 50, int Bins = 25, int Seed = 0, bool ControlAsReference = true, IReadOnlyList<string>? GenePool = null);

/// <summary>A gene-set score per cell.</summary>
/// <param name="Scores">One score per cell, in cell order.</param>
/// <param name="Genes">The set's genes found in the data.</param>
/// <param name="ControlGenes">The control genes used.</param>
/// <param name="IgnoredGenes">Set genes not in var_names (scanpy warns about them).</param>
public sealed record GeneSetScore(IReadOnlyList<double> Scores, IReadOnlyList<string> Genes, IReadOnlyList<string> ControlGenes, IReadOnlyList<string> IgnoredGenes);

/// <summary>Activity t-values per cell and source (<see cref="GeneProgramScores.Ulm"/>).</summary>
/// <param name="Sources">Source (pathway, TF, set) names in column order.</param>
/// <param name="Cells">Cell names in row order.</param>
/// <param name="Values">cells × sources t-values (NaN for a cell whose shared genes are all equal).</param>
public sealed record SourceActivity(IReadOnlyList<string> Sources, IReadOnlyList<string> Cells, double[,] Values)
{
    /// <summary>The activity of one source in every cell.</summary>
    /// <exception cref="DigitalCellException">Unknown source.</exception>
    public double[] Of(string source)
    {
        int s = Sources.ToList().IndexOf(source);
        if (s < 0) throw new DigitalCellException($"No activity for '{source}'. Sources: {string.Join(", ", Sources.Take(10))}{(Sources.Count > 10 ? ", …" : "")}.");
        return Enumerable.Range(0, Cells.Count).Select(c => Values[c, s]).ToArray();
    }
}
