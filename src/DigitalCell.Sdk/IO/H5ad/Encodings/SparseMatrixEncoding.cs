using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// <c>csr_matrix</c> / <c>csc_matrix</c> 0.1.0: a group with a <c>shape</c> attribute and <c>data</c>, <c>indices</c>,
/// <c>indptr</c> datasets, as scipy stores them. CSC is transposed to CSR on read. Values become float32.
/// </summary>
internal sealed class SparseMatrixEncoding(string encodingType) : IH5adEncoding
{
    /// <summary>Stored values above which indices and data are read on two threads.</summary>
    private const ulong ParallelThreshold = 1 << 20;

    public string EncodingType => encodingType;

    public IReadOnlyList<string> Versions { get; } = ["0.1.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Group group) throw reader.Fail(path, $"a {encodingType} must be a group, found a dataset.");
        var shape = reader.Guard(path, () => H5Values.IntegerArrayAttribute(group, "shape"));
        return ReadArrays(reader, group, path, shape, encodingType == "csc_matrix");
    }

    /// <summary>Reads and validates the three CSR/CSC arrays of <paramref name="group"/> (shared with the legacy h5sparse layout).</summary>
    public static SparseCellMatrix ReadArrays(H5adReader reader, IH5Group group, string path, long[] shape, bool csc)
    {
        if (shape.Length != 2 || shape[0] < 0 || shape[1] < 0 || shape[0] > int.MaxValue || shape[1] > int.MaxValue)
            throw reader.Fail(path, $"invalid shape [{string.Join(", ", shape)}].");
        int rows = (int)shape[0], cols = (int)shape[1];
        int major = csc ? cols : rows, minor = csc ? rows : cols;
        string indptrPath = H5adReader.Join(path, "indptr"), indicesPath = H5adReader.Join(path, "indices"), dataPath = H5adReader.Join(path, "data");
        // Lengths come from the dataset headers, checked against the shape before anything is allocated.
        var indptrDataset = reader.ChildDataset(group, "indptr", path);
        ulong indptrLength = reader.VectorLength(indptrDataset, indptrPath);
        if (indptrLength != (ulong)major + 1)
            throw reader.Fail(indptrPath, $"has {indptrLength} entries but the matrix has {major} {(csc ? "columns" : "rows")} (expected {major + 1}).");
        var indicesDataset = reader.ChildDataset(group, "indices", path);
        var dataDataset = reader.ChildDataset(group, "data", path);
        ulong stored = reader.VectorLength(dataDataset, dataPath);
        if (reader.VectorLength(indicesDataset, indicesPath) != stored)
            throw reader.Fail(indicesPath, $"has {reader.VectorLength(indicesDataset, indicesPath)} entries but data has {stored}.");
        if (stored > (ulong)rows * (ulong)cols)
            throw reader.Fail(dataPath, $"has {stored} stored values, more than the {rows} × {cols} matrix has cells.");
        var indptr = reader.Guard(indptrPath, () => reader.ReadInt32(indptrDataset, indptrPath));
        // indices and data are the bulk of the file: read them side by side.
        var indicesTask = reader.ReadAside(stored >= ParallelThreshold,
            own => own.Guard(indicesPath, () => own.ReadInt32(ReferenceEquals(own, reader) ? indicesDataset : (IH5Dataset)own.OptionalElement(indicesPath)!, indicesPath)));
        var data = reader.Guard(dataPath, () => reader.ReadFloats(dataDataset, dataPath));
        var indices = indicesTask.GetAwaiter().GetResult();
        var problem = SparseCellMatrix.Validate(major, minor, indptr, indices, data);
        if (problem is not null)
        {
            string where = problem.StartsWith("indptr", StringComparison.Ordinal) ? indptrPath
                : problem.StartsWith("column index", StringComparison.Ordinal) ? indicesPath : path;
            throw reader.Fail(where, csc ? problem.Replace("column index", "row index", StringComparison.Ordinal).Replace("columns", "rows", StringComparison.Ordinal) : problem);
        }
        var matrix = SparseCellMatrix.Validated(major, minor, indptr, indices, data);
        return csc ? matrix.Transpose() : matrix;
    }

    /// <summary>A CSR matrix group, or with <paramref name="csc"/> a CSC one (the arrays of the transpose).</summary>
    public static H5Group Write(H5adWriter writer, SparseCellMatrix matrix, bool csc = false)
    {
        var major = csc ? matrix.Transpose() : matrix;
        return new()
        {
            Attributes = H5adWriter.Encoding(csc ? "csc_matrix" : "csr_matrix", "0.1.0", new() { ["shape"] = new long[] { matrix.RowCount, matrix.ColumnCount } }),
            ["data"] = writer.Dataset(major.RawValues),
            ["indices"] = writer.Dataset(major.RawColumnIndices),
            ["indptr"] = writer.Dataset(major.RawRowPointers),
        };
    }
}
