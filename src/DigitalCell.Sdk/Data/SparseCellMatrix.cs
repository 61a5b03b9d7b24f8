namespace DigitalCell.Sdk.Data;

/// <summary>
/// A compressed sparse row (CSR) float32 matrix, the layout of scipy's <c>csr_matrix</c> and anndata's default X:
/// row <c>r</c> holds <see cref="ColumnIndices"/>[<see cref="RowPointers"/>[r]..<see cref="RowPointers"/>[r+1]].
/// Column indices are sorted within each row (unsorted input is sorted on construction).
/// </summary>
public sealed class SparseCellMatrix : CellMatrix
{
    private readonly int[] _indptr;
    private readonly int[] _indices;
    private readonly float[] _data;

    /// <summary>
    /// Wraps CSR arrays (taken over, not copied) after checking them: <paramref name="indptr"/> has
    /// <paramref name="rowCount"/> + 1 non-decreasing entries starting at 0 and ending at the number of stored values,
    /// and every column index lies in [0, <paramref name="columnCount"/>).
    /// </summary>
    /// <exception cref="DigitalCellException">The arrays do not describe a valid CSR matrix.</exception>
    public SparseCellMatrix(int rowCount, int columnCount, int[] indptr, int[] indices, float[] data)
        : base(rowCount, columnCount)
    {
        ArgumentNullException.ThrowIfNull(indptr);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(data);
        var problem = Validate(rowCount, columnCount, indptr, indices, data);
        if (problem is not null) throw new DigitalCellException(problem);
        _indptr = indptr;
        _indices = indices;
        _data = data;
        SortRowsInPlace();
    }

    /// <summary>
    /// Checks CSR arrays and returns a description of the first problem, or null when they are valid.
    /// File readers use this to raise an error naming the file and element.
    /// </summary>
    public static string? Validate(int rowCount, int columnCount, ReadOnlySpan<int> indptr, ReadOnlySpan<int> indices, ReadOnlySpan<float> data)
    {
        if (indptr.Length != rowCount + 1)
            return $"indptr has {indptr.Length} entries but the matrix has {rowCount} rows (expected {rowCount + 1})";
        if (indices.Length != data.Length)
            return $"indices has {indices.Length} entries but data has {data.Length}";
        if (indptr[0] != 0) return $"indptr[0] is {indptr[0]}, expected 0";
        if (indptr[rowCount] != data.Length)
            return $"indptr[{rowCount}] is {indptr[rowCount]} but there are {data.Length} stored values";
        for (int r = 0; r < rowCount; r++)
            if (indptr[r + 1] < indptr[r]) return $"indptr decreases at row {r} ({indptr[r]} > {indptr[r + 1]})";
        int bad = columnCount == 0 ? (indices.IsEmpty ? -1 : 0) : indices.IndexOfAnyExceptInRange(0, columnCount - 1); // vectorised
        return bad < 0 ? null : $"column index {indices[bad]} at position {bad} is out of range for {columnCount} columns";
    }

    /// <summary>An all-zero sparse matrix.</summary>
    public static SparseCellMatrix Empty(int rowCount, int columnCount) =>
        new(rowCount, columnCount, new int[rowCount + 1], [], []);

    /// <summary>Row pointers (length rows + 1).</summary>
    public ReadOnlySpan<int> RowPointers => _indptr;

    /// <summary>Column index of each stored value.</summary>
    public ReadOnlySpan<int> ColumnIndices => _indices;

    /// <summary>The stored values.</summary>
    public ReadOnlySpan<float> StoredValues => _data;

    internal int[] RawRowPointers => _indptr;
    internal int[] RawColumnIndices => _indices;
    internal float[] RawValues => _data;

    /// <summary>The column indices of row <paramref name="row"/>'s stored values.</summary>
    public ReadOnlySpan<int> RowIndices(int row) => _indices.AsSpan(_indptr[row], _indptr[row + 1] - _indptr[row]);

    /// <summary>The stored values of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> RowValues(int row) => _data.AsSpan(_indptr[row], _indptr[row + 1] - _indptr[row]);

    /// <inheritdoc />
    public override long StoredCount => _data.LongLength;

    /// <inheritdoc />
    public override bool IsSparse => true;

    /// <inheritdoc />
    public override float this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)RowCount || (uint)column >= (uint)ColumnCount)
                throw new DigitalCellException($"({row}, {column}) is outside the {RowCount} × {ColumnCount} matrix.");
            int k = RowIndices(row).BinarySearch(column);
            return k >= 0 ? _data[_indptr[row] + k] : 0f;
        }
    }

    /// <inheritdoc />
    public override void CopyRow(int row, Span<float> destination)
    {
        destination[..ColumnCount].Clear();
        var idx = RowIndices(row);
        var val = RowValues(row);
        for (int k = 0; k < idx.Length; k++) destination[idx[k]] = val[k];
    }

    /// <inheritdoc />
    public override CellMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        CheckIndices(rows, RowCount, "row");
        var indptr = new int[rows.Length + 1];
        long total = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            total += _indptr[rows[i] + 1] - _indptr[rows[i]];
            if (total > Array.MaxLength) throw new DigitalCellException("Row selection has too many stored values for one in-memory matrix; use backed access.");
            indptr[i + 1] = (int)total;
        }
        var indices = new int[total];
        var data = new float[total];
        for (int i = 0; i < rows.Length; i++)
        {
            int start = _indptr[rows[i]], len = _indptr[rows[i] + 1] - start;
            Array.Copy(_indices, start, indices, indptr[i], len);
            Array.Copy(_data, start, data, indptr[i], len);
        }
        return Trusted(rows.Length, ColumnCount, indptr, indices, data);
    }

    /// <inheritdoc />
    public override CellMatrix SelectColumns(ReadOnlySpan<int> columns)
    {
        CheckIndices(columns, ColumnCount, "column");
        // old column -> new positions (a column may be selected more than once)
        var positions = new List<int>?[ColumnCount];
        for (int j = 0; j < columns.Length; j++) (positions[columns[j]] ??= []).Add(j);
        var indptr = new int[RowCount + 1];
        var indices = new List<int>();
        var data = new List<float>();
        var rowBuffer = new List<(int Col, float Value)>();
        for (int r = 0; r < RowCount; r++)
        {
            rowBuffer.Clear();
            for (int k = _indptr[r]; k < _indptr[r + 1]; k++)
                if (positions[_indices[k]] is { } targets)
                    foreach (var t in targets) rowBuffer.Add((t, _data[k]));
            rowBuffer.Sort((a, b) => a.Col.CompareTo(b.Col));
            foreach (var (col, value) in rowBuffer) { indices.Add(col); data.Add(value); }
            indptr[r + 1] = indices.Count;
        }
        return Trusted(RowCount, columns.Length, indptr, indices.ToArray(), data.ToArray());
    }

    /// <inheritdoc />
    public override DenseCellMatrix ToDense()
    {
        var values = new float[(long)RowCount * ColumnCount];
        for (int r = 0; r < RowCount; r++)
            for (int k = _indptr[r]; k < _indptr[r + 1]; k++)
                values[(long)r * ColumnCount + _indices[k]] = _data[k];
        return new DenseCellMatrix(RowCount, ColumnCount, values);
    }

    /// <inheritdoc />
    public override SparseCellMatrix ToSparse() => this;

    /// <inheritdoc />
    public override CellMatrix MapStored(Func<float, float> transform)
    {
        var data = new float[_data.Length];
        for (int k = 0; k < data.Length; k++) data[k] = transform(_data[k]);
        return Trusted(RowCount, ColumnCount, _indptr, _indices, data);
    }

    /// <summary>The transpose as CSR (equivalently, this matrix in CSC layout).</summary>
    /// <remarks>
    /// Large matrices are transposed by blocks of rows in parallel: each block counts its entries per column, the
    /// counts give every (block, column) pair its own slice of the output, and each block scatters into its slices.
    /// Within a column rows stay in ascending order, so the result is the sequential transpose's, while the scatter
    /// (random writes, the slow part) runs on every core.
    /// </remarks>
    public SparseCellMatrix Transpose()
    {
        int blocks = (int)Math.Clamp(_data.LongLength / (1 << 20), 1, Math.Min(Environment.ProcessorCount, Math.Max(1, RowCount)));
        var next = new int[blocks][];
        Parallel.For(0, blocks, b =>
        {
            var counts = new int[ColumnCount];
            for (int k = _indptr[BlockStart(b)]; k < _indptr[BlockStart(b + 1)]; k++) counts[_indices[k]]++;
            next[b] = counts;
        });
        var indptr = BlockSlices(next, ColumnCount);
        var indices = new int[_data.Length];
        var data = new float[_data.Length];
        Parallel.For(0, blocks, b =>
        {
            var cursor = next[b];
            for (int r = BlockStart(b); r < BlockStart(b + 1); r++)
                for (int k = _indptr[r]; k < _indptr[r + 1]; k++)
                {
                    int dst = cursor[_indices[k]]++;
                    indices[dst] = r;
                    data[dst] = _data[k];
                }
        });
        return Trusted(ColumnCount, RowCount, indptr, indices, data);

        int BlockStart(int b) => (int)((long)RowCount * b / blocks);
    }

    /// <summary>
    /// Turns per-block counts of entries per column (<c>counts[block][column]</c>) into each (block, column) pair's own
    /// output slice: returns the columns' start offsets (length <paramref name="columns"/> + 1) and overwrites every count
    /// with its block's write cursor, blocks in order within a column.
    /// </summary>
    internal static int[] BlockSlices(int[][] counts, int columns)
    {
        var start = new int[columns + 1];
        int offset = 0;
        for (int c = 0; c < columns; c++)
        {
            start[c] = offset;
            foreach (var block in counts)
            {
                int count = block[c];
                block[c] = offset;
                offset += count;
            }
        }
        start[columns] = offset;
        return start;
    }

    /// <summary>Builds a CSR matrix from CSC arrays (scipy <c>csc_matrix</c> / anndata <c>csc_matrix</c>), validating them.</summary>
    public static SparseCellMatrix FromCsc(int rowCount, int columnCount, int[] indptr, int[] indices, float[] data) =>
        new SparseCellMatrix(columnCount, rowCount, indptr, indices, data).Transpose();

    /// <summary>
    /// Wraps CSR arrays that already passed <see cref="Validate"/> (file readers check first to name the element),
    /// sorting rows whose column indices are out of order, without validating a second time.
    /// </summary>
    internal static SparseCellMatrix Validated(int rowCount, int columnCount, int[] indptr, int[] indices, float[] data)
    {
        var matrix = Trusted(rowCount, columnCount, indptr, indices, data);
        matrix.SortRowsInPlace();
        return matrix;
    }

    /// <summary>Wraps arrays the SDK itself produced (already valid and sorted) without re-checking.</summary>
    internal static SparseCellMatrix Trusted(int rowCount, int columnCount, int[] indptr, int[] indices, float[] data) =>
        new(rowCount, columnCount, indptr, indices, data, trusted: true);

    private SparseCellMatrix(int rowCount, int columnCount, int[] indptr, int[] indices, float[] data, bool trusted)
        : base(rowCount, columnCount)
    {
        _ = trusted;
        _indptr = indptr;
        _indices = indices;
        _data = data;
    }

    /// <summary>Stored values above which rows are checked on all cores (a 200k-cell file has about 20 M).</summary>
    private const int ParallelSortThreshold = 1 << 20;

    private void SortRowsInPlace()
    {
        void SortRows(int first, int last)
        {
            for (int r = first; r < last; r++)
            {
                int start = _indptr[r], end = _indptr[r + 1];
                if (!IsSorted(_indices.AsSpan(start, end - start))) Array.Sort(_indices, _data, start, end - start);
            }
        }

        if (_data.Length < ParallelSortThreshold) SortRows(0, RowCount);
        else Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, RowCount, Math.Max(1, RowCount / (4 * Environment.ProcessorCount))), range => SortRows(range.Item1, range.Item2));
    }

    private static bool IsSorted(ReadOnlySpan<int> values)
    {
        int k = 1, width = System.Numerics.Vector<int>.Count;
        if (System.Numerics.Vector.IsHardwareAccelerated)
            for (; k + width <= values.Length; k += width)
                if (System.Numerics.Vector.LessThanAny(new System.Numerics.Vector<int>(values[k..]), new System.Numerics.Vector<int>(values[(k - 1)..]))) return false;
        for (; k < values.Length; k++)
            if (values[k] < values[k - 1]) return false;
        return true;
    }
}
