using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// An h5ad file opened with <see cref="H5adFile.OpenBacked"/>: annotations (<see cref="Obs"/>, <see cref="Var"/>,
/// <see cref="Uns"/>, <see cref="Obsm"/>) are in memory, X and the layers stay on disk and are read by rows on demand.
/// Dispose to close the file; matrices read from it stay valid after that, the backed matrices do not.
/// </summary>
public sealed class BackedCellDataset : IDisposable
{
    private readonly H5adReader _reader;
    private readonly Dictionary<string, BackedCellMatrix> _layers;

    internal BackedCellDataset(H5adReader reader)
    {
        _reader = reader;
        bool legacy = LegacyLayout.Applies(reader);
        (Obs, Var, Uns, Obsm) = legacy ? LegacyLayout.ReadAnnotations(reader) : AnnDataLayout.ReadBackedAnnotations(reader);
        X = BackedCellMatrix.Open(reader, reader.Child(reader.Root, "X", "/"), "/X");
        AnnDataLayout.CheckAxes(reader, X.RowCount, X.ColumnCount, Obs.RowCount, Var.RowCount);
        _layers = [];
        if (!legacy && reader.OptionalChild(reader.Root, "layers", "/") is PureHDF.IH5Group layers)
            foreach (var child in reader.Guard("/layers", () => layers.Children().ToList()))
            {
                string path = "/layers/" + child.Name;
                var layer = BackedCellMatrix.Open(reader, child, path);
                AnnDataLayout.CheckShape(reader, path, layer.RowCount, layer.ColumnCount, Obs.RowCount, Var.RowCount);
                _layers[child.Name] = layer;
            }
    }

    /// <summary>The file.</summary>
    public string Source => _reader.FilePath;

    /// <summary>Per-cell annotations.</summary>
    public AnnotationTable Obs { get; }

    /// <summary>Per-gene annotations.</summary>
    public AnnotationTable Var { get; }

    /// <summary>Unstructured metadata.</summary>
    public IReadOnlyDictionary<string, object> Uns { get; }

    /// <summary>Per-cell embeddings (small: cells × k), loaded in memory.</summary>
    public IReadOnlyDictionary<string, DenseCellMatrix> Obsm { get; }

    /// <summary>The main matrix, on disk.</summary>
    public BackedCellMatrix X { get; }

    /// <summary>The layers, on disk.</summary>
    public IReadOnlyDictionary<string, BackedCellMatrix> Layers => _layers;

    /// <summary>Number of cells.</summary>
    public int CellCount => X.RowCount;

    /// <summary>Number of genes.</summary>
    public int GeneCount => X.ColumnCount;

    /// <summary>The layer named <paramref name="name"/>.</summary>
    /// <exception cref="DigitalCellException">No such layer; the message lists the available ones.</exception>
    public BackedCellMatrix Layer(string name) => _layers.TryGetValue(name, out var m) ? m
        : throw new DigitalCellException(Source, "/layers", $"no layer '{name}'. Available: {(_layers.Count == 0 ? "(none)" : string.Join(", ", _layers.Keys))}.");

    /// <summary>The cells at the given positions as an in-memory dataset (X rows read from disk; layers and obsm included).</summary>
    public CellDataset ReadCells(ReadOnlySpan<int> cells)
    {
        var rows = cells.ToArray();
        return new CellDataset(X.ReadRows(rows), Obs.SelectRows(rows), Var,
            layers: _layers.ToDictionary(kv => kv.Key, kv => kv.Value.ReadRows(rows)),
            obsm: Obsm.ToDictionary(kv => kv.Key, kv => (DenseCellMatrix)kv.Value.SelectRows(rows)),
            uns: Uns, source: Source);
    }

    /// <inheritdoc />
    public override string ToString() => $"Backed CellDataset with {CellCount} cells × {GeneCount} genes ({Source})";

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
