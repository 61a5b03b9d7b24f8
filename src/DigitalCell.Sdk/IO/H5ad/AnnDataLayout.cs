using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// The top level of an anndata ≥ 0.7 file (<c>encoding-type: anndata</c>): X, obs, var, layers, obsm, varm, obsp,
/// varp, uns. Shapes are checked here so a mismatch names the offending element rather than the whole dataset.
/// </summary>
internal static class AnnDataLayout
{
    /// <summary>Reads everything but X: obs, var, obsm, varm, obsp, varp, uns.</summary>
    public static (AnnotationTable Obs, AnnotationTable Var, IReadOnlyDictionary<string, object> Uns) ReadAnnotations(H5adReader reader)
    {
        var obs = reader.ReadDataFrame(reader.Child(reader.Root, "obs", "/"), "/obs");
        var var = reader.ReadDataFrame(reader.Child(reader.Root, "var", "/"), "/var");
        var uns = ReadDict<object>(reader, "uns", (_, v) => v);
        if (reader.OptionalChild(reader.Root, "raw", "/") is { } raw) reader.ReadElement(raw, "/raw");
        return (obs, var, uns);
    }

    /// <summary>What a backed dataset keeps in memory: obs, var, uns and obsm.</summary>
    public static (AnnotationTable, AnnotationTable, IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, DenseCellMatrix>) ReadBackedAnnotations(H5adReader reader)
    {
        var (obs, var, uns) = ReadAnnotations(reader);
        return (obs, var, uns, ReadDict(reader, "obsm", (path, v) => Embedding(reader, path, v, obs.RowCount, "cells")));
    }

    /// <summary>Reads the whole file.</summary>
    public static CellDataset Read(H5adReader reader)
    {
        // The obs/var string indexes and X are the slow parts of a big file; read them side by side.
        if (reader.Options.ReadRaw) return ReadRaw(reader);
        var annotations = reader.ReadAside(large: true, ReadAnnotations);
        var xElement = reader.OptionalChild(reader.Root, "X", "/");
        if (xElement is not null) CheckDeclaredAxes(reader, xElement);
        var xRead = xElement is null ? null : reader.ReadMatrix(xElement, "/X");
        var (obs, var, uns) = annotations.GetAwaiter().GetResult();
        int cells = obs.RowCount, genes = var.RowCount;
        var x = xRead ?? SparseCellMatrix.Empty(cells, genes);
        CheckAxes(reader, x.RowCount, x.ColumnCount, cells, genes);
        return new CellDataset(
            x, obs, var,
            layers: ReadDict(reader, "layers", (path, v) => CheckShape(reader, path, AsMatrix(reader, path, v), cells, genes)),
            obsm: ReadDict(reader, "obsm", (path, v) => Embedding(reader, path, v, cells, "cells")),
            varm: ReadDict(reader, "varm", (path, v) => Embedding(reader, path, v, genes, "genes")),
            obsp: ReadDict(reader, "obsp", (path, v) => CheckShape(reader, path, AsMatrix(reader, path, v), cells, cells)),
            varp: ReadDict(reader, "varp", (path, v) => CheckShape(reader, path, AsMatrix(reader, path, v), genes, genes)),
            uns: uns,
            source: reader.FilePath);
    }

    /// <summary>Reads <c>/raw/X</c> and <c>/raw/var</c> as X and var, with the file's obs, obsm, obsp and uns (<see cref="H5adReadOptions.ReadRaw"/>).</summary>
    private static CellDataset ReadRaw(H5adReader reader)
    {
        if (reader.OptionalChild(reader.Root, "raw", "/") is not IH5Group raw)
            throw reader.Fail("/raw", "is absent (or not a group), so there is no .raw matrix to read; read X instead.");
        var obs = reader.ReadDataFrame(reader.Child(reader.Root, "obs", "/"), "/obs");
        var var = reader.ReadDataFrame(reader.Child(raw, "var", "/raw"), "/raw/var");
        var x = reader.ReadMatrix(reader.Child(raw, "X", "/raw"), "/raw/X");
        CheckAxes(reader, x.RowCount, x.ColumnCount, obs.RowCount, var.RowCount);
        foreach (var name in new[] { "X", "layers", "varm", "varp" })
            if (reader.OptionalChild(reader.Root, name, "/") is not null) reader.Skip("/" + name, "shaped to X's genes, not .raw's (read with ReadRaw).");
        return new CellDataset(
            x, obs, var,
            obsm: ReadDict(reader, "obsm", (path, v) => Embedding(reader, path, v, obs.RowCount, "cells")),
            obsp: ReadDict(reader, "obsp", (path, v) => CheckShape(reader, path, AsMatrix(reader, path, v), obs.RowCount, obs.RowCount)),
            uns: ReadDict<object>(reader, "uns", (_, v) => v),
            source: reader.FilePath);
    }

    /// <summary>Reads the dict group <paramref name="name"/> under the root (empty when absent), converting each entry.</summary>
    public static Dictionary<string, T> ReadDict<T>(H5adReader reader, string name, Func<string, object, T?> convert) where T : class
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        string path = "/" + name;
        if (reader.OptionalChild(reader.Root, name, "/") is not { } element) return result;
        if (element is not IH5Group group) throw reader.Fail(path, "expected a group, found a dataset.");
        foreach (var child in reader.Guard(path, () => group.Children().ToList()))
        {
            string childPath = H5adReader.Join(path, child.Name);
            if (reader.ReadElement(child, childPath) is { } value && convert(childPath, value) is { } converted)
                result[child.Name] = converted;
        }
        return result;
    }

    /// <summary>Fails, naming obs or var, when X's shape disagrees with the annotation tables.</summary>
    public static void CheckAxes(H5adReader reader, int xRows, int xColumns, int cells, int genes)
    {
        if (xRows != cells) throw reader.Fail("/obs", $"has {cells} rows but X has {xRows} rows.");
        if (xColumns != genes) throw reader.Fail("/var", $"has {genes} rows but X has {xColumns} columns.");
    }

    /// <summary>
    /// Compares X's declared shape (its <c>shape</c> attribute or dataset dimensions) with the lengths of the obs and
    /// var indexes, all read from headers, so a file whose X disagrees fails before X is read and allocated.
    /// </summary>
    private static void CheckDeclaredAxes(H5adReader reader, IH5Object x)
    {
        var shape = reader.Guard("/X", () => x switch
        {
            IH5Group g when g.AttributeExists("shape") => H5Values.IntegerArrayAttribute(g, "shape"),
            IH5Dataset d when d.Space.Rank == 2 => d.Space.Dimensions.Select(v => v > long.MaxValue ? -1 : (long)v).ToArray(),
            _ => null,
        });
        if (shape is not [var rows, var columns] || DeclaredRows(reader, "obs") is not { } cells || DeclaredRows(reader, "var") is not { } genes) return;
        if (rows != cells) throw reader.Fail("/obs", $"has {cells} rows but X has {rows} rows.");
        if (columns != genes) throw reader.Fail("/var", $"has {genes} rows but X has {columns} columns.");
    }

    /// <summary>The length of a dataframe's index dataset, from its header; null when the element is not laid out that way.</summary>
    private static long? DeclaredRows(H5adReader reader, string name) => reader.Guard("/" + name, () =>
        reader.Root.LinkExists(name) && reader.Root.Get(name) is IH5Group frame && H5Values.StringAttribute(frame, "_index") is { } index
        && frame.LinkExists(index) && frame.Get(index) is IH5Dataset { Space.Rank: 1 } dataset && dataset.Space.Dimensions[0] <= long.MaxValue
            ? (long)dataset.Space.Dimensions[0] : (long?)null);

    private static CellMatrix AsMatrix(H5adReader reader, string path, object value) =>
        value as CellMatrix ?? throw reader.Fail(path, $"expected a matrix, found {H5adReader.Describe(value)}.");

    /// <summary>Fails unless <paramref name="matrix"/> is <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    public static CellMatrix CheckShape(H5adReader reader, string path, CellMatrix matrix, int rows, int columns)
    {
        CheckShape(reader, path, matrix.RowCount, matrix.ColumnCount, rows, columns);
        return matrix;
    }

    /// <summary>Fails unless a <paramref name="actualRows"/> × <paramref name="actualColumns"/> element is <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    public static void CheckShape(H5adReader reader, string path, int actualRows, int actualColumns, int rows, int columns)
    {
        if (actualRows != rows || actualColumns != columns)
            throw reader.Fail(path, $"shape is {actualRows} × {actualColumns} but obs/var give {rows} × {columns}.");
    }

    private static DenseCellMatrix? Embedding(H5adReader reader, string path, object value, int rows, string what)
    {
        if (value is not CellMatrix matrix)
        {
            reader.Skip(path, $"only matrices are supported here, found {H5adReader.Describe(value)}.");
            return null;
        }
        if (matrix.RowCount != rows) throw reader.Fail(path, $"has {matrix.RowCount} rows but there are {rows} {what}.");
        return matrix.ToDense();
    }
}
