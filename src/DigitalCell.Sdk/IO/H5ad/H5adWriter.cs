using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad.Encodings;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Builds the HDF5 object tree of an h5ad file (anndata 0.8 on-disk spec) and writes it. Each value goes through the
/// encoding matching its .NET type; datasets are chunked and deflated when gzip is on.
/// </summary>
internal sealed class H5adWriter(H5adWriteOptions options)
{
    /// <summary>Elements per chunk of compressed 1-D datasets (h5py uses similar sizes); clamped to the dataset size (SPIKE-NOTES gotcha 3).</summary>
    private const int ChunkElements = 65536;

    private readonly bool _gzip = options.Compression == H5adCompression.Gzip;
    private readonly bool _geneMajor = options.GeneMajor;

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/> atomically (PureHDF leaves a corrupt file when a write fails).</summary>
    public void Write(CellDataset data, string path)
    {
        var file = new H5File();
        AddAnnData(file, data);
        AtomicFile.Write(path, temp =>
        {
            try
            {
                file.Write(temp);
            }
            catch (Exception e) when (e is not DigitalCellException)
            {
                throw new DigitalCellException(path, null, $"cannot write h5ad: {e.Message}", e);
            }
        });
    }

    /// <summary>
    /// Fills <paramref name="group"/> with the elements and attributes of an AnnData (the root of an h5ad file, or one
    /// modality of an h5mu file).
    /// </summary>
    public void AddAnnData(H5Group group, CellDataset data)
    {
        group.Attributes = Encoding("anndata", "0.1.0");
        group["X"] = _geneMajor && data.X is not DenseCellMatrix ? SparseMatrixEncoding.Write(this, data.X.ToSparse(), csc: true) : Matrix(data.X);
        group["obs"] = DataFrameEncoding.Write(this, data.Obs);
        group["var"] = DataFrameEncoding.Write(this, data.Var);
        group["layers"] = Dict(data.Layers.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        group["obsm"] = Dict(data.Obsm.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        group["varm"] = Dict(data.Varm.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        group["obsp"] = Dict(data.Obsp.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        group["varp"] = Dict(data.Varp.ToDictionary(kv => kv.Key, kv => (object)kv.Value));
        group["uns"] = Dict(data.Uns);
    }

    /// <summary>The <c>encoding-type</c>/<c>encoding-version</c> attributes, plus any extra ones.</summary>
    public static Dictionary<string, object> Encoding(string type, string version, Dictionary<string, object>? extra = null)
    {
        var attributes = extra ?? [];
        attributes["encoding-type"] = type;
        attributes["encoding-version"] = version;
        return attributes;
    }

    /// <summary>A dataset of <paramref name="values"/> (flat, with optional N-D <paramref name="dims"/>), optionally tagged with an encoding.</summary>
    public H5Dataset Dataset(Array values, ulong[]? dims = null, string? encodingType = null, string? encodingVersion = null)
    {
        dims ??= [(ulong)values.LongLength];
        var dataset = _gzip && values.LongLength > 0
            ? new H5Dataset(values, chunks: ChunkShape(dims), fileDims: dims, datasetCreation: new H5DatasetCreation(Filters: [DeflateFilter.Id]))
            : new H5Dataset(values, fileDims: dims);
        if (encodingType is not null) dataset.Attributes = Encoding(encodingType, encodingVersion!);
        return dataset;
    }

    /// <summary>A scalar dataset (string or number) with its encoding.</summary>
    private static H5Dataset Scalar(object value, string encodingType) => new(value) { Attributes = Encoding(encodingType, "0.2.0") };

    /// <summary>Booleans in h5py's enum representation.</summary>
    public static H5Bool[] ToH5Bool(IReadOnlyList<bool> values)
    {
        var result = new H5Bool[values.Count];
        for (int i = 0; i < result.Length; i++) result[i] = values[i] ? H5Bool.TRUE : H5Bool.FALSE;
        return result;
    }

    /// <summary>A matrix element: CSR group or dense 2-D array.</summary>
    public object Matrix(CellMatrix matrix) => matrix switch
    {
        SparseCellMatrix s => SparseMatrixEncoding.Write(this, s),
        DenseCellMatrix d => ArrayEncoding.Write(this, d),
        _ => SparseMatrixEncoding.Write(this, matrix.ToSparse()),
    };

    /// <summary>A dataframe column through its encoding.</summary>
    public object Column(AnnotationColumn column)
    {
        switch (column)
        {
            case CategoricalColumn c:
                return CategoricalEncoding.Write(this, c);
            case StringColumn s when s.Values.Any(v => v is null):
                // h5py cannot store a missing variable-length string; pandas would make this a categorical with NaN anyway.
                return CategoricalEncoding.Write(this, CategoricalColumn.FromLabels(s.Name, s.Values));
            case StringColumn s:
                return StringArrayEncoding.Write(this, s.Values.ToArray());
            case BooleanColumn b when b.Missing is { } missing:
                return NullableEncoding.Write(this, "nullable-boolean", b.Values.ToArray(), missing);
            case BooleanColumn b:
                return ArrayEncoding.Write(this, b.Values.ToArray());
        }
        var (values, mask) = Columns.NumericValues(column);
        if (mask is null) return ArrayEncoding.Write(this, values);
        if (values is float[] or double[])
        {
            // anndata has no nullable float encoding: pandas represents missing floats as NaN.
            var copy = values is float[] f ? (Array)f.Select((v, i) => mask[i] ? float.NaN : v).ToArray() : ((double[])values).Select((v, i) => mask[i] ? double.NaN : v).ToArray();
            return ArrayEncoding.Write(this, copy);
        }
        return NullableEncoding.Write(this, "nullable-integer", values, mask);
    }

    /// <summary>A dict group of arbitrary values.</summary>
    public H5Group Dict(IEnumerable<KeyValuePair<string, object>> entries)
    {
        var group = new H5Group { Attributes = Encoding("dict", "0.1.0") };
        foreach (var (key, value) in entries) group[key] = Element(value, key);
        return group;
    }

    /// <summary>Any uns value: nested dicts, strings, numbers, booleans, arrays, matrices, tables, columns.</summary>
    private object Element(object value, string key) => value switch
    {
        string s => Scalar(s, "string"),
        bool b => Scalar(b ? H5Bool.TRUE : H5Bool.FALSE, "numeric-scalar"),
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double => Scalar(value, "numeric-scalar"),
        string?[] s => StringArrayEncoding.Write(this, s),
        Array a when a.Rank == 1 && a.GetType().GetElementType()!.IsPrimitive => ArrayEncoding.Write(this, a),
        CellMatrix m => Matrix(m),
        AnnotationTable t => DataFrameEncoding.Write(this, t),
        AnnotationColumn c => Column(c),
        IEnumerable<KeyValuePair<string, object>> d => Dict(d),
        IEnumerable<string> s => StringArrayEncoding.Write(this, s.ToArray()),
        _ => throw new DigitalCellException($"uns entry '{key}' of type {value.GetType().Name} cannot be written to h5ad (supported: strings, numbers, booleans, 1-D arrays, matrices, tables and nested dictionaries)."),
    };

    private static uint[] ChunkShape(ulong[] dims)
    {
        if (dims.Length == 1) return [(uint)Math.Min(dims[0], ChunkElements)];
        // Row blocks spanning all columns, so a row range decompresses whole chunks only.
        ulong cols = Math.Max(1, dims[1]);
        ulong rows = Math.Clamp(ChunkElements / cols, 1, dims[0]);
        return [(uint)rows, (uint)Math.Min(cols, ChunkElements)];
    }
}
