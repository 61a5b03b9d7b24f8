namespace DigitalCell.Sdk.Data;

/// <summary>
/// The SDK's one currency, the equivalent of an AnnData object: a cells × genes matrix <see cref="X"/> with
/// per-cell annotations <see cref="Obs"/>, per-gene annotations <see cref="Var"/>, extra matrices of the same shape
/// (<see cref="Layers"/>), per-cell and per-gene embeddings (<see cref="Obsm"/>, <see cref="Varm"/>), pairwise graphs
/// (<see cref="Obsp"/>, <see cref="Varp"/>) and free-form metadata (<see cref="Uns"/>).
/// Datasets are immutable: every operation returns a new dataset sharing unchanged parts.
/// </summary>
public sealed class CellDataset
{
    private static readonly IReadOnlyDictionary<string, CellMatrix> NoMatrices = new Dictionary<string, CellMatrix>();
    private static readonly IReadOnlyDictionary<string, DenseCellMatrix> NoEmbeddings = new Dictionary<string, DenseCellMatrix>();
    private static readonly IReadOnlyDictionary<string, object> NoUns = new Dictionary<string, object>();

    /// <summary>Creates a dataset after checking that every part agrees on the numbers of cells and genes.</summary>
    /// <exception cref="DigitalCellException">A shape disagrees; the message names the part.</exception>
    public CellDataset(
        CellMatrix x,
        AnnotationTable obs,
        AnnotationTable var,
        IReadOnlyDictionary<string, CellMatrix>? layers = null,
        IReadOnlyDictionary<string, DenseCellMatrix>? obsm = null,
        IReadOnlyDictionary<string, DenseCellMatrix>? varm = null,
        IReadOnlyDictionary<string, CellMatrix>? obsp = null,
        IReadOnlyDictionary<string, CellMatrix>? varp = null,
        IReadOnlyDictionary<string, object>? uns = null,
        string? source = null)
    {
        X = x ?? throw new ArgumentNullException(nameof(x));
        Obs = obs ?? throw new ArgumentNullException(nameof(obs));
        Var = var ?? throw new ArgumentNullException(nameof(var));
        Layers = layers ?? NoMatrices;
        Obsm = obsm ?? NoEmbeddings;
        Varm = varm ?? NoEmbeddings;
        Obsp = obsp ?? NoMatrices;
        Varp = varp ?? NoMatrices;
        Uns = uns ?? NoUns;
        Source = source;
        Check();
    }

    /// <summary>Creates a dataset from a matrix alone, naming cells <c>0, 1, …</c> and genes <c>gene0, gene1, …</c> unless names are given.</summary>
    public static CellDataset FromMatrix(CellMatrix x, string[]? cellNames = null, string[]? geneNames = null) =>
        new(x,
            new AnnotationTable("obs", cellNames ?? Enumerable.Range(0, x.RowCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()),
            new AnnotationTable("var", geneNames ?? Enumerable.Range(0, x.ColumnCount).Select(i => "gene" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));

    /// <summary>The main cells × genes matrix.</summary>
    public CellMatrix X { get; }

    /// <summary>Per-cell annotations (anndata <c>obs</c>).</summary>
    public AnnotationTable Obs { get; }

    /// <summary>Per-gene annotations (anndata <c>var</c>).</summary>
    public AnnotationTable Var { get; }

    /// <summary>Other cells × genes matrices, e.g. raw <c>counts</c> kept beside normalised X.</summary>
    public IReadOnlyDictionary<string, CellMatrix> Layers { get; }

    /// <summary>Per-cell embeddings such as <c>X_pca</c> (cells × k).</summary>
    public IReadOnlyDictionary<string, DenseCellMatrix> Obsm { get; }

    /// <summary>Per-gene embeddings such as PCA loadings <c>PCs</c> (genes × k).</summary>
    public IReadOnlyDictionary<string, DenseCellMatrix> Varm { get; }

    /// <summary>Cell × cell matrices such as neighbour graphs.</summary>
    public IReadOnlyDictionary<string, CellMatrix> Obsp { get; }

    /// <summary>Gene × gene matrices.</summary>
    public IReadOnlyDictionary<string, CellMatrix> Varp { get; }

    /// <summary>Unstructured metadata: strings, numbers, booleans, arrays and nested dictionaries.</summary>
    public IReadOnlyDictionary<string, object> Uns { get; }

    /// <summary>Where the data came from (a file path or catalog id), for provenance; null for data made in memory.</summary>
    public string? Source { get; }

    /// <summary>Number of cells (rows).</summary>
    public int CellCount => X.RowCount;

    /// <summary>Number of genes (columns).</summary>
    public int GeneCount => X.ColumnCount;

    /// <summary>Cell names (obs index).</summary>
    public IReadOnlyList<string> CellNames => Obs.Index;

    /// <summary>Gene names (var index).</summary>
    public IReadOnlyList<string> GeneNames => Var.Index;

    /// <summary>The layer named <paramref name="name"/>.</summary>
    /// <exception cref="DigitalCellException">No such layer; the message lists the available ones.</exception>
    public CellMatrix Layer(string name) => Layers.TryGetValue(name, out var m) ? m
        : throw new DigitalCellException($"The dataset has no layer '{name}'. Available: {(Layers.Count == 0 ? "(none)" : string.Join(", ", Layers.Keys))}.");

    /// <summary>The cells at the given positions, in order.</summary>
    public CellDataset SelectCells(ReadOnlySpan<int> cells)
    {
        var rows = cells.ToArray();
        return new CellDataset(
            X.SelectRows(rows), Obs.SelectRows(rows), Var,
            Layers.ToDictionary(kv => kv.Key, kv => kv.Value.SelectRows(rows)),
            Obsm.ToDictionary(kv => kv.Key, kv => (DenseCellMatrix)kv.Value.SelectRows(rows)),
            Varm,
            Obsp.ToDictionary(kv => kv.Key, kv => kv.Value.SelectRows(rows).SelectColumns(rows)),
            Varp, Uns, Source);
    }

    /// <summary>The cells where <paramref name="mask"/> is true.</summary>
    public CellDataset SelectCells(IReadOnlyList<bool> mask) => SelectCells(MaskToIndices(mask, CellCount, "cell"));

    /// <summary>The cells where <paramref name="mask"/> is true, e.g. <c>data[data.Obs["cell_type"] == "k562"]</c>.</summary>
    public CellDataset this[IReadOnlyList<bool> mask] => SelectCells(mask);

    /// <summary>The cells with the given names, in order.</summary>
    /// <exception cref="DigitalCellException">A name is not a cell of this dataset.</exception>
    public CellDataset SelectCells(IEnumerable<string> names) => SelectCells(Obs.IndicesOf(names));

    /// <summary>The genes at the given positions, in order.</summary>
    public CellDataset SelectGenes(ReadOnlySpan<int> genes)
    {
        var cols = genes.ToArray();
        return new CellDataset(
            X.SelectColumns(cols), Obs, Var.SelectRows(cols),
            Layers.ToDictionary(kv => kv.Key, kv => kv.Value.SelectColumns(cols)),
            Obsm,
            Varm.ToDictionary(kv => kv.Key, kv => (DenseCellMatrix)kv.Value.SelectRows(cols)),
            Obsp,
            Varp.ToDictionary(kv => kv.Key, kv => kv.Value.SelectRows(cols).SelectColumns(cols)),
            Uns, Source);
    }

    /// <summary>The genes where <paramref name="mask"/> is true.</summary>
    public CellDataset SelectGenes(IReadOnlyList<bool> mask) => SelectGenes(MaskToIndices(mask, GeneCount, "gene"));

    /// <summary>The genes with the given names, in order.</summary>
    /// <exception cref="DigitalCellException">A name is not a gene of this dataset.</exception>
    public CellDataset SelectGenes(IEnumerable<string> names) => SelectGenes(Var.IndicesOf(names));

    /// <summary>A copy with another main matrix (same shape).</summary>
    public CellDataset WithX(CellMatrix x) => new(x, Obs, Var, Layers, Obsm, Varm, Obsp, Varp, Uns, Source);

    /// <summary>A copy with other obs annotations (same cells).</summary>
    public CellDataset WithObs(AnnotationTable obs) => new(X, obs, Var, Layers, Obsm, Varm, Obsp, Varp, Uns, Source);

    /// <summary>A copy with other var annotations (same genes).</summary>
    public CellDataset WithVar(AnnotationTable var) => new(X, Obs, var, Layers, Obsm, Varm, Obsp, Varp, Uns, Source);

    /// <summary>A copy with the layer <paramref name="name"/> added or replaced.</summary>
    public CellDataset WithLayer(string name, CellMatrix layer) => new(X, Obs, Var, With(Layers, name, layer), Obsm, Varm, Obsp, Varp, Uns, Source);

    /// <summary>A copy with the per-cell embedding <paramref name="name"/> added or replaced.</summary>
    public CellDataset WithObsm(string name, DenseCellMatrix embedding) => new(X, Obs, Var, Layers, With(Obsm, name, embedding), Varm, Obsp, Varp, Uns, Source);

    /// <summary>A copy with the per-gene embedding <paramref name="name"/> added or replaced.</summary>
    public CellDataset WithVarm(string name, DenseCellMatrix embedding) => new(X, Obs, Var, Layers, Obsm, With(Varm, name, embedding), Obsp, Varp, Uns, Source);

    /// <summary>A copy with the metadata entry <paramref name="key"/> added or replaced.</summary>
    public CellDataset WithUns(string key, object value) => new(X, Obs, Var, Layers, Obsm, Varm, Obsp, Varp, With(Uns, key, value), Source);

    /// <summary>A copy that records where the data came from.</summary>
    public CellDataset WithSource(string? source) => new(X, Obs, Var, Layers, Obsm, Varm, Obsp, Varp, Uns, source);

    /// <summary>A one-line summary, like AnnData's repr.</summary>
    public override string ToString() =>
        $"CellDataset with {CellCount} cells × {GeneCount} genes" +
        $"{Describe("obs", Obs.ColumnNames)}{Describe("var", Var.ColumnNames)}{Describe("layers", Layers.Keys)}" +
        $"{Describe("obsm", Obsm.Keys)}{Describe("varm", Varm.Keys)}{Describe("obsp", Obsp.Keys)}{Describe("uns", Uns.Keys)}";

    private static string Describe(string name, IEnumerable<string> keys)
    {
        var list = keys.ToList();
        return list.Count == 0 ? "" : $"; {name}: {string.Join(", ", list)}";
    }

    private static Dictionary<string, T> With<T>(IReadOnlyDictionary<string, T> source, string key, T value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var copy = source.ToDictionary(kv => kv.Key, kv => kv.Value);
        copy[key] = value;
        return copy;
    }

    private static int[] MaskToIndices(IReadOnlyList<bool> mask, int expected, string axis)
    {
        if (mask.Count != expected)
            throw new DigitalCellException($"The {axis} mask has {mask.Count} entries but the dataset has {expected} {axis}s.");
        var result = new List<int>();
        for (int i = 0; i < mask.Count; i++) if (mask[i]) result.Add(i);
        return result.ToArray();
    }

    private void Check()
    {
        void Fail(string what) => throw new DigitalCellException($"Inconsistent dataset{(Source is null ? "" : $" ({Source})")}: {what}.");
        if (Obs.RowCount != X.RowCount) Fail($"X has {X.RowCount} rows but obs has {Obs.RowCount}");
        if (Var.RowCount != X.ColumnCount) Fail($"X has {X.ColumnCount} columns but var has {Var.RowCount}");
        foreach (var (k, m) in Layers)
            if (m.RowCount != X.RowCount || m.ColumnCount != X.ColumnCount) Fail($"layer '{k}' is {m.RowCount} × {m.ColumnCount}, X is {X.RowCount} × {X.ColumnCount}");
        foreach (var (k, m) in Obsm)
            if (m.RowCount != X.RowCount) Fail($"obsm '{k}' has {m.RowCount} rows for {X.RowCount} cells");
        foreach (var (k, m) in Varm)
            if (m.RowCount != X.ColumnCount) Fail($"varm '{k}' has {m.RowCount} rows for {X.ColumnCount} genes");
        foreach (var (k, m) in Obsp)
            if (m.RowCount != X.RowCount || m.ColumnCount != X.RowCount) Fail($"obsp '{k}' is {m.RowCount} × {m.ColumnCount}, expected {X.RowCount} × {X.RowCount}");
        foreach (var (k, m) in Varp)
            if (m.RowCount != X.ColumnCount || m.ColumnCount != X.ColumnCount) Fail($"varp '{k}' is {m.RowCount} × {m.ColumnCount}, expected {X.ColumnCount} × {X.ColumnCount}");
    }
}
