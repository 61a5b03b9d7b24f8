using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad.Encodings;
using PureHDF;
using PureHDF.Selections;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// A cells × genes matrix left on disk in an h5ad file (CSR or dense), read by row range, row selection or in chunks.
/// Memory use is proportional to the rows requested, never to the whole matrix, so larger-than-memory data can be
/// streamed through <see cref="ICellMatrixSource.ReadChunks"/>. Valid while its <see cref="BackedCellDataset"/> is open.
/// </summary>
public sealed class BackedCellMatrix : ICellMatrixSource
{
    private readonly H5adReader _reader;
    private readonly string _path;
    private readonly IH5Dataset? _dense;
    private readonly IH5Dataset? _indptr, _indices, _data;

    private BackedCellMatrix(H5adReader reader, string path, int rows, int columns, IH5Dataset? dense, IH5Group? csr)
    {
        _reader = reader;
        _path = path;
        RowCount = rows;
        ColumnCount = columns;
        _dense = dense;
        if (csr is not null)
        {
            _indptr = reader.ChildDataset(csr, "indptr", path);
            _indices = reader.ChildDataset(csr, "indices", path);
            _data = reader.ChildDataset(csr, "data", path);
            long indptrLength = (long)_indptr.Space.Dimensions[0];
            if (indptrLength != rows + 1L)
                throw reader.Fail(H5adReader.Join(path, "indptr"), $"has {indptrLength} entries but the matrix has {rows} rows (expected {rows + 1}).");
        }
    }

    /// <summary>Opens the matrix element at <paramref name="path"/> without reading its values.</summary>
    internal static BackedCellMatrix Open(H5adReader reader, IH5Object element, string path)
    {
        string type = reader.EncodingTypeOf(element, path);
        return reader.Guard(path, () =>
        {
            switch (type)
            {
                case "array" when element is IH5Dataset dataset && dataset.Space.Rank == 2:
                    var dims = dataset.Space.Dimensions;
                    return new BackedCellMatrix(reader, path, checked((int)dims[0]), checked((int)dims[1]), dataset, null);
                case "csr_matrix" when element is IH5Group group:
                    var shape = H5Values.IntegerArrayAttribute(group, "shape");
                    return new BackedCellMatrix(reader, path, checked((int)shape[0]), checked((int)shape[1]), null, group);
                case LegacySparseEncoding.TypeName when element is IH5Group legacy && H5Values.StringAttribute(legacy, "h5sparse_format") == "csr":
                    var legacyShape = H5Values.IntegerArrayAttribute(legacy, "h5sparse_shape");
                    return new BackedCellMatrix(reader, path, checked((int)legacyShape[0]), checked((int)legacyShape[1]), null, legacy);
                case "csc_matrix" or LegacySparseEncoding.TypeName:
                    throw reader.Fail(path, "is stored column-major (CSC), which cannot be streamed by rows. Convert it to CSR first: "
                        + "H5adFile.Write(H5adFile.Read(path), newPath) if it fits in memory, or in Python adata.X = adata.X.tocsr(); adata.write_h5ad(...).");
                default:
                    throw reader.Fail(path, $"encoding-type '{type}' cannot be opened as a backed matrix (expected csr_matrix or a 2-D array).");
            }
        });
    }

    /// <summary>Number of rows (cells).</summary>
    public int RowCount { get; }

    /// <summary>Number of columns (genes).</summary>
    public int ColumnCount { get; }

    /// <summary>True when stored as CSR on disk (chunks are then <see cref="SparseCellMatrix"/>), false when dense.</summary>
    public bool IsSparse => _dense is null;

    /// <summary>The anndata encoding on disk: <c>csr_matrix</c> or <c>array</c> (dense).</summary>
    public string Encoding => IsSparse ? "csr_matrix" : "array";

    /// <summary>The numpy dtype of the stored values on disk (e.g. <c>float32</c>, <c>int64</c>); reads are converted to float32.</summary>
    public string StoredType => H5Values.DescribeType((_dense ?? _data)!.Type);

    /// <summary>Number of stored values: for CSR the last row pointer (read alone, X is not loaded), for dense rows × columns.</summary>
    public long StoredCount => _indptr is null ? (long)RowCount * ColumnCount
        : _reader.Guard(H5adReader.Join(_path, "indptr"), () =>
            Convert.ToInt64(H5Values.ReadArray(_indptr, new HyperslabSelection(start: (ulong)RowCount, block: 1)).GetValue(0), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Reads rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    /// <exception cref="DigitalCellException">The range is outside the matrix or the stored data are malformed.</exception>
    public CellMatrix ReadRows(int start, int count)
    {
        if (start < 0 || count < 0 || (long)start + count > RowCount)
            throw _reader.Fail(_path, $"rows {start}..{(long)start + count} are outside the {RowCount} rows.");
        return _dense is not null ? ReadDense(_dense, start, count) : ReadSparse(start, count);
    }

    /// <summary>Reads the given rows, in the given order (repeats allowed); contiguous runs are read in one go each.</summary>
    /// <exception cref="DigitalCellException">A row is outside the matrix.</exception>
    public CellMatrix ReadRows(ReadOnlySpan<int> rows)
    {
        foreach (int r in rows)
            if ((uint)r >= (uint)RowCount) throw _reader.Fail(_path, $"row {r} is outside the {RowCount} rows.");
        var distinct = rows.ToArray().Distinct().Order().ToArray();
        var blocks = new List<CellMatrix>();
        for (int i = 0; i < distinct.Length;)
        {
            int j = i + 1;
            while (j < distinct.Length && distinct[j] == distinct[j - 1] + 1) j++;
            blocks.Add(ReadRows(distinct[i], j - i));
            i = j;
        }
        var stacked = Stack(blocks, ColumnCount, IsSparse);
        var position = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++) position[i] = Array.BinarySearch(distinct, rows[i]);
        return stacked.SelectRows(position);
    }

    /// <inheritdoc />
    public IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize)
    {
        if (rowsPerChunk <= 0) throw new DigitalCellException($"rowsPerChunk must be positive, got {rowsPerChunk}.");
        for (int start = 0; start < RowCount; start += rowsPerChunk)
            yield return new RowChunk(start, ReadRows(start, Math.Min(rowsPerChunk, RowCount - start)));
    }

    /// <summary>Reads the whole matrix into memory.</summary>
    public CellMatrix Load() => ReadRows(0, RowCount);

    /// <inheritdoc />
    public override string ToString() => $"{RowCount} × {ColumnCount} {(IsSparse ? "sparse" : "dense")} (on disk)";

    private DenseCellMatrix ReadDense(IH5Dataset dataset, int start, int count)
    {
        if (count == 0 || ColumnCount == 0) return DenseCellMatrix.Zeros(count, ColumnCount);
        var selection = new HyperslabSelection(rank: 2, starts: [(ulong)start, 0], blocks: [(ulong)count, (ulong)ColumnCount]);
        var values = _reader.Guard(_path, () => H5Values.ReadFloats(dataset, selection, [(ulong)count * (ulong)ColumnCount]));
        return new DenseCellMatrix(count, ColumnCount, values);
    }

    private SparseCellMatrix ReadSparse(int start, int count)
    {
        string indptrPath = H5adReader.Join(_path, "indptr");
        var indptr = _reader.Guard(indptrPath, () => H5Values.ReadInt32(_indptr!, new HyperslabSelection((ulong)start, (ulong)count + 1)));
        int first = indptr[0], last = indptr[^1];
        long stored = (long)_data!.Space.Dimensions[0];
        if (first < 0 || last < first || last > stored)
            throw _reader.Fail(indptrPath, $"entries {start}..{start + count} point to stored values {first}..{last}, outside 0..{stored}.");
        for (int i = 0; i < indptr.Length; i++) indptr[i] -= first;
        int nnz = last - first;
        int[] indices = [];
        float[] data = [];
        if (nnz > 0)
        {
            var selection = new HyperslabSelection((ulong)first, (ulong)nnz);
            indices = _reader.Guard(H5adReader.Join(_path, "indices"), () => H5Values.ReadInt32(_indices!, selection));
            data = _reader.Guard(H5adReader.Join(_path, "data"), () => H5Values.ReadFloats(_data, selection));
        }
        var problem = SparseCellMatrix.Validate(count, ColumnCount, indptr, indices, data);
        if (problem is not null)
            throw _reader.Fail(problem.StartsWith("column index", StringComparison.Ordinal) ? H5adReader.Join(_path, "indices") : indptrPath,
                $"{problem} (in rows {start}..{start + count}).");
        return SparseCellMatrix.Validated(count, ColumnCount, indptr, indices, data);
    }

    private static CellMatrix Stack(List<CellMatrix> blocks, int columns, bool sparse)
    {
        int rows = blocks.Sum(b => b.RowCount);
        if (!sparse)
        {
            var values = new float[(long)rows * columns];
            long offset = 0;
            foreach (DenseCellMatrix block in blocks)
            {
                block.Values.CopyTo(values.AsSpan((int)offset));
                offset += block.Values.Length;
            }
            return new DenseCellMatrix(rows, columns, values);
        }
        var parts = blocks.Cast<SparseCellMatrix>().ToList();
        var indptr = new int[rows + 1];
        var indices = new int[parts.Sum(p => p.ColumnIndices.Length)];
        var data = new float[indices.Length];
        int row = 0, at = 0;
        foreach (var part in parts)
        {
            for (int r = 0; r < part.RowCount; r++) indptr[row + r + 1] = at + part.RowPointers[r + 1];
            part.ColumnIndices.CopyTo(indices.AsSpan(at));
            part.StoredValues.CopyTo(data.AsSpan(at));
            row += part.RowCount;
            at += part.ColumnIndices.Length;
        }
        return SparseCellMatrix.Trusted(rows, columns, indptr, indices, data);
    }
}
