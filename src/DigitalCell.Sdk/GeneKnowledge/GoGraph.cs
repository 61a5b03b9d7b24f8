namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// GEARS's gene–gene graph from GO annotations (Roohani et al., Nat. Biotechnol. 2023; <c>gears/utils.py</c>
/// <c>get_GO_edge_list</c> and <c>get_similarity_network</c>): two genes are linked by the Jaccard index of their GO
/// term sets when it exceeds a threshold (0.1), and each gene keeps its k + 1 strongest links, itself included (k = 20).
/// </summary>
/// <remarks>
/// GEARS downloads its own GO release (<c>gene2go_all.pkl</c>); this graph is built from Enrichr's GO Biological
/// Process 2021 library, so neighbours differ in detail. Ties are broken by neighbour symbol (ordinal) so that the
/// graph is reproducible; pandas' <c>nlargest</c> keeps file order instead.
/// </remarks>
public sealed class GoGraph
{
    private readonly Dictionary<string, int> _index;

    private GoGraph(string[] genes, GoEdge[][] neighbours)
    {
        Genes = genes;
        Neighbours = neighbours;
        _index = new Dictionary<string, int>(genes.Length, StringComparer.Ordinal);
        for (int i = 0; i < genes.Length; i++) _index[genes[i]] = i;
    }

    /// <summary>Canonical symbols of the annotated genes (the graph's nodes), ordinal order.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>For each node, its kept links (self first, then by Jaccard descending).</summary>
    public IReadOnlyList<GoEdge[]> Neighbours { get; }

    /// <summary>The links of a gene (canonical symbol), or an empty list when it has no GO annotation.</summary>
    public IReadOnlyList<GoEdge> Of(string canonicalSymbol) =>
        _index.TryGetValue(canonicalSymbol, out int i) ? Neighbours[i] : Array.Empty<GoEdge>();

    /// <summary>Node index of a canonical symbol, or −1.</summary>
    internal int IndexOf(string canonicalSymbol) => _index.TryGetValue(canonicalSymbol, out int i) ? i : -1;

    /// <summary>Builds the graph from a GO gene-set library, naming genes by <paramref name="ids"/>' canonical symbols.</summary>
    public static GoGraph Build(GeneSetLibrary go, GeneIdentifierMap ids, double minimumJaccard = 0.1, int neighbours = 20)
    {
        ArgumentNullException.ThrowIfNull(go);
        ArgumentNullException.ThrowIfNull(ids);
        if (neighbours < 1) throw new DigitalCellException($"GO graph: neighbours must be ≥ 1, got {neighbours}.");
        var canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        var terms = go.Sets.Select(s => s.Genes.Select(g => canonical.TryGetValue(g, out var c) ? c : canonical[g] = ids.Canonical(g))
            .Distinct(StringComparer.Ordinal).ToArray()).ToArray();
        var genes = terms.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = genes.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        var members = terms.Select(t => t.Select(g => index[g]).ToArray()).ToArray();
        var termsOf = new List<int>[genes.Length];
        for (int g = 0; g < genes.Length; g++) termsOf[g] = [];
        for (int t = 0; t < members.Length; t++) foreach (int g in members[t]) termsOf[g].Add(t);

        var result = new GoEdge[genes.Length][];
        Parallel.For(0, genes.Length, () => (Counts: new int[genes.Length], Touched: new List<int>()), (g, _, scratch) =>
        {
            var (counts, touched) = scratch;
            foreach (int t in termsOf[g])
                foreach (int h in members[t])
                    if (counts[h]++ == 0) touched.Add(h);
            var edges = new List<GoEdge>(touched.Count);
            foreach (int h in touched)
            {
                double jaccard = counts[h] / (double)(termsOf[g].Count + termsOf[h].Count - counts[h]);
                if (jaccard > minimumJaccard) edges.Add(new GoEdge(genes[h], h, jaccard));
                counts[h] = 0;
            }
            touched.Clear();
            // The self link has Jaccard 1 and sorts first; ties after it go by symbol for reproducibility.
            result[g] = edges.OrderByDescending(e => e.Jaccard).ThenBy(e => e.Node == g ? 0 : 1).ThenBy(e => e.Gene, StringComparer.Ordinal)
                .Take(neighbours + 1).ToArray();
            return scratch;
        }, _ => { });
        return new GoGraph(genes, result);
    }

    /// <summary>
    /// The spectral embedding of the graph's largest connected component: eigenvectors 2 … d + 1 of the normalised
    /// adjacency D^−½AD^−½ (A symmetrised, self links dropped), i.e. the Laplacian eigenmap, each scaled to unit
    /// root-mean-square over the component; genes outside it get zero rows. Also returns the d + 1 eigenvalues.
    /// </summary>
    internal (double[] Eigenvalues, double[][] Rows) SpectralEmbedding(int dimensions, int seed, CancellationToken cancellationToken)
    {
        int n = Genes.Count;
        var adjacency = new Dictionary<int, double>[n];
        for (int i = 0; i < n; i++) adjacency[i] = [];
        for (int i = 0; i < n; i++)
            foreach (var e in Neighbours[i])
                if (e.Node != i)
                {
                    adjacency[i][e.Node] = Math.Max(adjacency[i].GetValueOrDefault(e.Node), e.Jaccard);
                    adjacency[e.Node][i] = Math.Max(adjacency[e.Node].GetValueOrDefault(i), e.Jaccard);
                }
        var component = LargestComponent(adjacency);
        var local = new int[n];
        Array.Fill(local, -1);
        for (int i = 0; i < component.Length; i++) local[component[i]] = i;
        int m = component.Length;
        var rows = new (int[] Cols, double[] Values)[m];
        var invSqrtDegree = new double[m];
        for (int i = 0; i < m; i++)
        {
            var a = adjacency[component[i]];
            rows[i] = (a.Keys.Select(k => local[k]).ToArray(), a.Values.ToArray());
            invSqrtDegree[i] = 1 / Math.Sqrt(a.Values.Sum());
        }
        int d = Math.Min(dimensions, m - 2);
        var (values, vectors) = SymmetricEigen.Top(m, (x, y) =>
        {
            for (int i = 0; i < m; i++)
            {
                var (cols, values) = rows[i];
                double s = 0;
                for (int c = 0; c < cols.Length; c++) s += values[c] * invSqrtDegree[cols[c]] * x[cols[c]];
                y[i] = s * invSqrtDegree[i];
            }
        }, d + 1, seed, cancellationToken);
        var embedding = new double[n][];
        for (int i = 0; i < n; i++) embedding[i] = new double[dimensions];
        double scale = Math.Sqrt(m);
        for (int c = 1; c < vectors.Length; c++)
            for (int i = 0; i < m; i++) embedding[component[i]][c - 1] = vectors[c][i] * scale;
        return (values, embedding);
    }

    private static int[] LargestComponent(Dictionary<int, double>[] adjacency)
    {
        var label = new int[adjacency.Length];
        Array.Fill(label, -1);
        int best = -1, bestSize = 0;
        var stack = new Stack<int>();
        for (int start = 0; start < adjacency.Length; start++)
        {
            if (label[start] >= 0) continue;
            int size = 0;
            label[start] = start;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int v = stack.Pop();
                size++;
                foreach (int w in adjacency[v].Keys)
                    if (label[w] < 0) { label[w] = start; stack.Push(w); }
            }
            if (size > bestSize) (best, bestSize) = (start, size);
        }
        return Enumerable.Range(0, adjacency.Length).Where(i => label[i] == best).ToArray();
    }
}

/// <summary>One kept GO-graph link.</summary>
/// <param name="Gene">The neighbour's canonical symbol.</param>
/// <param name="Node">The neighbour's node index.</param>
/// <param name="Jaccard">Jaccard index of the two genes' GO term sets.</param>
public sealed record GoEdge(string Gene, int Node, double Jaccard);
