namespace DigitalCell.Sdk.Data;

/// <summary>A dense row-major float32 matrix: small X, obsm/varm embeddings, pseudobulk profiles.</summary>
public sealed class DenseCellMatrix : CellMatrix
{
    private readonly float[] _values;

    /// <summary>Wraps row-major <paramref name="values"/> (not copied) as a <paramref name="rowCount"/> × <paramref name="columnCount"/> matrix.</summary>
    public DenseCellMatrix(int rowCount, int columnCount, float[] values) : base(rowCount, columnCount)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.LongLength != (long)rowCount * columnCount)
            throw new DigitalCellException($"Dense matrix of {rowCount} × {columnCount} needs {(long)rowCount * columnCount} values, got {values.LongLength}.");
        _values = values;
    }

    /// <summary>A zero matrix.</summary>
    public static DenseCellMatrix Zeros(int rowCount, int columnCount) =>
        rowCount < 0 || columnCount < 0
            ? throw new DigitalCellException($"Matrix shape must be non-negative, got {rowCount} × {columnCount}.")
            : new(rowCount, columnCount, new float[(long)rowCount * columnCount]);

    /// <summary>Builds a matrix from a 2-D array.</summary>
    public static DenseCellMatrix From(float[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var flat = new float[(long)r * c];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(float));
        return new DenseCellMatrix(r, c, flat);
    }

    /// <summary>The row-major values (read-only view).</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The underlying row-major array, for high-performance code in the SDK.</summary>
    internal float[] RawValues => _values;

    /// <summary>One row as a read-only span.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        if ((uint)row >= (uint)RowCount) throw new DigitalCellException($"row index {row} is out of range for {RowCount} rows.");
        return _values.AsSpan(row * ColumnCount, ColumnCount);
    }

    /// <inheritdoc />
    public override long StoredCount => _values.LongLength;

    /// <inheritdoc />
    public override bool IsSparse => false;

    /// <inheritdoc />
    public override float this[int row, int column]
    {
        get
        {
            // Row-major storage: an unchecked column past the end would silently read the next row.
            if ((uint)row >= (uint)RowCount || (uint)column >= (uint)ColumnCount)
                throw new DigitalCellException($"({row}, {column}) is outside the {RowCount} × {ColumnCount} matrix.");
            return _values[(long)row * ColumnCount + column];
        }
    }

    /// <inheritdoc />
    public override void CopyRow(int row, Span<float> destination) => Row(row).CopyTo(destination);

    /// <inheritdoc />
    public override CellMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        CheckIndices(rows, RowCount, "row");
        var result = new float[(long)rows.Length * ColumnCount];
        for (int i = 0; i < rows.Length; i++)
            Array.Copy(_values, (long)rows[i] * ColumnCount, result, (long)i * ColumnCount, ColumnCount);
        return new DenseCellMatrix(rows.Length, ColumnCount, result);
    }

    /// <inheritdoc />
    public override CellMatrix SelectColumns(ReadOnlySpan<int> columns)
    {
        CheckIndices(columns, ColumnCount, "column");
        var result = new float[(long)RowCount * columns.Length];
        for (int r = 0; r < RowCount; r++)
        {
            long src = (long)r * ColumnCount, dst = (long)r * columns.Length;
            for (int j = 0; j < columns.Length; j++) result[dst + j] = _values[src + columns[j]];
        }
        return new DenseCellMatrix(RowCount, columns.Length, result);
    }

    /// <inheritdoc />
    public override DenseCellMatrix ToDense() => this;

    /// <inheritdoc />
    public override SparseCellMatrix ToSparse()
    {
        var indptr = new int[RowCount + 1];
        var indices = new List<int>();
        var data = new List<float>();
        for (int r = 0; r < RowCount; r++)
        {
            var row = Row(r);
            for (int c = 0; c < row.Length; c++)
                if (row[c] != 0f) { indices.Add(c); data.Add(row[c]); }
            indptr[r + 1] = indices.Count;
        }
        return new SparseCellMatrix(RowCount, ColumnCount, indptr, indices.ToArray(), data.ToArray());
    }

    /// <inheritdoc />
    public override CellMatrix MapStored(Func<float, float> transform)
    {
        var result = new float[_values.LongLength];
        for (long i = 0; i < result.LongLength; i++) result[i] = transform(_values[i]);
        return new DenseCellMatrix(RowCount, ColumnCount, result);
    }
}
