namespace DigitalCell.Sdk.Data;

/// <summary>
/// A cells × genes (rows × columns) matrix of float32 values, stored sparse (<see cref="SparseCellMatrix"/>, CSR)
/// or dense (<see cref="DenseCellMatrix"/>, row-major). Matrices are treated as immutable: operations return new ones.
/// </summary>
/// <remarks>
/// Values are float32, as scanpy keeps X by default. Float64 and integer data read from files are converted
/// (integers are exact up to 2^24, float64 rounds to the nearest float32).
/// </remarks>
public abstract class CellMatrix : ICellMatrixSource
{
    /// <summary>Creates a matrix shape.</summary>
    protected CellMatrix(int rowCount, int columnCount)
    {
        if (rowCount < 0 || columnCount < 0)
            throw new DigitalCellException($"Matrix shape must be non-negative, got {rowCount} × {columnCount}.");
        RowCount = rowCount;
        ColumnCount = columnCount;
    }

    /// <summary>Number of rows (cells).</summary>
    public int RowCount { get; }

    /// <summary>Number of columns (genes or features).</summary>
    public int ColumnCount { get; }

    /// <summary>Number of stored values (for dense matrices, all of them).</summary>
    public abstract long StoredCount { get; }

    /// <summary>True when the matrix is stored sparse (CSR).</summary>
    public abstract bool IsSparse { get; }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public abstract float this[int row, int column] { get; }

    /// <summary>Writes row <paramref name="row"/> into <paramref name="destination"/> (length <see cref="ColumnCount"/>), zeros included.</summary>
    public abstract void CopyRow(int row, Span<float> destination);

    /// <summary>A new matrix holding the given rows, in the given order (repeats allowed).</summary>
    public abstract CellMatrix SelectRows(ReadOnlySpan<int> rows);

    /// <summary>A new matrix holding the given columns, in the given order.</summary>
    public abstract CellMatrix SelectColumns(ReadOnlySpan<int> columns);

    /// <summary>The same values as a dense matrix.</summary>
    public abstract DenseCellMatrix ToDense();

    /// <summary>The same values as a CSR matrix (explicit zeros dropped when converting from dense).</summary>
    public abstract SparseCellMatrix ToSparse();

    /// <summary>A copy with every stored value passed through <paramref name="transform"/>; for sparse matrices implicit zeros stay zero.</summary>
    public abstract CellMatrix MapStored(Func<float, float> transform);

    /// <summary>A new matrix holding rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public virtual CellMatrix SliceRows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > RowCount)
            throw new DigitalCellException($"Rows {start}..{start + count} are outside the {RowCount} rows.");
        var rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = start + i;
        return SelectRows(rows);
    }

    /// <inheritdoc />
    public IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize)
    {
        if (rowsPerChunk <= 0) throw new DigitalCellException($"rowsPerChunk must be positive, got {rowsPerChunk}.");
        for (int start = 0; start < RowCount; start += rowsPerChunk)
            yield return new RowChunk(start, SliceRows(start, Math.Min(rowsPerChunk, RowCount - start)));
    }

    /// <summary>Shape as text, e.g. <c>20729 × 299</c>.</summary>
    public override string ToString() => $"{RowCount} × {ColumnCount} {(IsSparse ? "sparse" : "dense")} ({StoredCount} stored)";

    /// <summary>Throws a clear error when an index list points outside <paramref name="count"/>.</summary>
    protected static void CheckIndices(ReadOnlySpan<int> indices, int count, string axis)
    {
        foreach (var i in indices)
            if ((uint)i >= (uint)count)
                throw new DigitalCellException($"{axis} index {i} is out of range for {count} {axis}s.");
    }
}
