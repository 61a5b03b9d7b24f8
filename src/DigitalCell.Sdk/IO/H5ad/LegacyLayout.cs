using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// The pre-0.7 anndata layout (no <c>encoding-type</c> attributes): obs, var, obsm and varm are compound (record)
/// datasets, a categorical column stores its codes in the record and its categories in <c>uns/&lt;column&gt;_categories</c>,
/// sparse matrices carry <c>h5sparse_format</c>, strings are fixed-length bytes. The result matches what anndata 0.8
/// makes of such a file: categories are consumed from uns, one-element string arrays in uns become strings, and
/// <c>uns/neighbors/{distances,connectivities}</c> move to obsp.
/// </summary>
internal static class LegacyLayout
{
    /// <summary>Whether the file uses the legacy layout (obs stored as a dataset, not a dataframe group).</summary>
    public static bool Applies(H5adReader reader) => reader.OptionalChild(reader.Root, "obs", "/") is IH5Dataset;

    /// <summary>Reads obs, var, uns and obsm of a legacy file.</summary>
    public static (AnnotationTable, AnnotationTable, IReadOnlyDictionary<string, object>, IReadOnlyDictionary<string, DenseCellMatrix>) ReadAnnotations(H5adReader reader)
    {
        var (obs, var, uns, obsm, _, _) = ReadParts(reader);
        return (obs, var, uns, obsm);
    }

    /// <summary>Reads a legacy file.</summary>
    public static CellDataset Read(H5adReader reader)
    {
        if (reader.Options.ReadRaw) throw reader.Fail("/raw", "reading .raw is supported for anndata ≥ 0.7 files only; this file predates it (convert it with anndata).");
        var (obs, var, uns, obsm, varm, obsp) = ReadParts(reader);
        var x = reader.ReadMatrix(reader.Child(reader.Root, "X", "/"), "/X");
        AnnDataLayout.CheckAxes(reader, x.RowCount, x.ColumnCount, obs.RowCount, var.RowCount);
        return new CellDataset(x, obs, var, obsm: obsm, varm: varm, obsp: obsp, uns: uns, source: reader.FilePath);
    }

    private static (AnnotationTable, AnnotationTable, Dictionary<string, object>, Dictionary<string, DenseCellMatrix>, Dictionary<string, DenseCellMatrix>, Dictionary<string, CellMatrix>) ReadParts(H5adReader reader)
    {
        var uns = reader.OptionalChild(reader.Root, "uns", "/") is { } unsElement
            ? (Dictionary<string, object>)reader.ReadElement(unsElement, "/uns")!
            : new Dictionary<string, object>();
        var usedCategories = new HashSet<string>(StringComparer.Ordinal);
        var obs = ReadTable(reader, "obs", uns, usedCategories);
        var var = ReadTable(reader, "var", uns, usedCategories);
        foreach (var key in usedCategories) uns.Remove(key);
        FixLegacyUns(uns);
        var obsp = new Dictionary<string, CellMatrix>(StringComparer.Ordinal);
        if (uns.GetValueOrDefault("neighbors") is Dictionary<string, object> neighbors)
            foreach (var key in new[] { "distances", "connectivities" })
                if (neighbors.Remove(key, out var graph) && graph is CellMatrix m)
                    obsp[key] = AnnDataLayout.CheckShape(reader, "/uns/neighbors/" + key, m, obs.RowCount, obs.RowCount);
        if (reader.OptionalChild(reader.Root, "raw", "/") is not null) reader.Skip("/raw", "the raw (pre-filtering) matrix has no place in a CellDataset.");
        return (obs, var, uns, ReadEmbeddings(reader, "obsm", obs.RowCount), ReadEmbeddings(reader, "varm", var.RowCount), obsp);
    }

    /// <summary>anndata 0.8 returns one-element byte-string arrays of legacy files as plain strings.</summary>
    private static void FixLegacyUns(Dictionary<string, object> uns)
    {
        foreach (var (key, value) in uns.ToList())
        {
            if (value is string[] { Length: 1 } single) uns[key] = single[0];
            else if (value is Dictionary<string, object> nested) FixLegacyUns(nested);
        }
    }

    private static Dictionary<string, object>[] ReadRecords(H5adReader reader, IH5Dataset dataset, string path)
    {
        if (dataset.Type.Class != H5DataTypeClass.Compound) throw reader.Fail(path, $"expected a compound (record) dataset, found {H5Values.DescribeType(dataset.Type)}.");
        return reader.Guard(path, () => dataset.Read<Dictionary<string, object>[]>());
    }

    private static AnnotationTable ReadTable(H5adReader reader, string axis, Dictionary<string, object> uns, HashSet<string> usedCategories)
    {
        string path = "/" + axis;
        var dataset = reader.ChildDataset(reader.Root, axis, "/");
        var members = dataset.Type.Compound.Members.Select(m => m.Name).ToList();
        var records = ReadRecords(reader, dataset, path);
        string indexName = members.FirstOrDefault(m => m is "index" or "_index") ?? throw reader.Fail(path, "the record dataset has no 'index' field.");
        var index = records.Select(r => Convert.ToString(r[indexName], System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
        var columns = new List<AnnotationColumn>();
        foreach (var name in members.Where(m => m != indexName))
        {
            var values = Gather(records, name);
            string categoriesKey = name + "_categories";
            if (uns.GetValueOrDefault(categoriesKey) is string[] categories)
            {
                usedCategories.Add(categoriesKey);
                var codes = values.Cast<object>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                for (int i = 0; i < codes.Length; i++)
                    if (codes[i] < -1 || codes[i] >= categories.Length)
                        throw reader.Fail($"{path}/{name}", $"code {codes[i]} at row {i} is out of range for {categories.Length} categories in /uns/{categoriesKey}.");
                columns.Add(new CategoricalColumn(name, codes, categories));
            }
            else columns.Add(Columns.FromArray(name, values));
        }
        return new AnnotationTable(axis, index, columns, indexName);
    }

    private static Array Gather(Dictionary<string, object>[] records, string member)
    {
        var type = records.Length > 0 ? records[0][member].GetType() : typeof(double);
        var result = Array.CreateInstance(type, records.Length);
        for (int i = 0; i < records.Length; i++) result.SetValue(records[i][member], i);
        return result;
    }

    private static Dictionary<string, DenseCellMatrix> ReadEmbeddings(H5adReader reader, string name, int rows)
    {
        var result = new Dictionary<string, DenseCellMatrix>(StringComparer.Ordinal);
        if (reader.OptionalChild(reader.Root, name, "/") is not IH5Dataset dataset) return result;
        string path = "/" + name;
        var records = ReadRecords(reader, dataset, path);
        if (records.Length != rows) throw reader.Fail(path, $"has {records.Length} rows but there are {rows}.");
        foreach (var member in dataset.Type.Compound.Members)
        {
            int width = rows == 0 ? 0 : ((Array)records[0][member.Name]).Length;
            var values = new float[(long)rows * width];
            for (int r = 0; r < rows; r++)
            {
                var row = (Array)records[r][member.Name];
                for (int c = 0; c < width; c++) values[(long)r * width + c] = Convert.ToSingle(row.GetValue(c), System.Globalization.CultureInfo.InvariantCulture);
            }
            result[member.Name] = new DenseCellMatrix(rows, width, values);
        }
        return result;
    }
}
