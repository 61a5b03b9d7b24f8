namespace DigitalCell.Sdk.Data;

/// <summary>
/// Builds a CSR matrix row by row (or block by block), for readers and streams that assemble rows from several
/// sources. Rows must arrive with sorted column indices; explicit zeros are dropped.
/// </summary>
internal sealed class SparseRowBuilder(int columnCount)
{
    private readonly List<int> _indptr = [0];
    private readonly List<int> _indices = [];
    private readonly List<float> _values = [];

    public int ColumnCount { get; } = columnCount;

    /// <summary>Rows added so far.</summary>
    public int RowCount => _indptr.Count - 1;

    /// <summary>Stored values added so far.</summary>
    public int StoredCount => _values.Count;

    /// <summary>Adds one row from its non-zero column indices (sorted) and values.</summary>
    public void AddRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        if (indices.Length != values.Length) throw new ArgumentException($"A row has {indices.Length} column indices but {values.Length} values.", nameof(values));
        // rows without explicit zeros (nearly all) are appended whole rather than value by value
        if (HasZero(values))
        {
            for (int k = 0; k < indices.Length; k++)
            {
                if (values[k] == 0f) continue;
                _indices.Add(indices[k]);
                _values.Add(values[k]);
            }
        }
        else
        {
            _indices.AddRange(indices);
            _values.AddRange(values);
        }
        if ((long)_values.Count > Array.MaxLength) throw new DigitalCellException("Too many stored values for one in-memory matrix; use smaller chunks.");
        _indptr.Add(_values.Count);
    }

    /// <summary>Adds row <paramref name="row"/> of <paramref name="block"/>, whose columns must already be in this builder's order.</summary>
    public void AddRow(CellMatrix block, int row, float[] scratch)
    {
        if (block is SparseCellMatrix s)
        {
            AddRow(s.RowIndices(row), s.RowValues(row));
            return;
        }
        block.CopyRow(row, scratch);
        for (int j = 0; j < block.ColumnCount; j++)
            if (scratch[j] != 0f) { _indices.Add(j); _values.Add(scratch[j]); }
        _indptr.Add(_values.Count);
    }

    private static bool HasZero(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (v == 0f) return true;
        return false;
    }

    /// <summary>The rows added so far as a matrix; the builder starts empty again.</summary>
    public SparseCellMatrix Build()
    {
        var matrix = SparseCellMatrix.Trusted(RowCount, ColumnCount, _indptr.ToArray(), _indices.ToArray(), _values.ToArray());
        _indptr.Clear();
        _indptr.Add(0);
        _indices.Clear();
        _values.Clear();
        return matrix;
    }
}
