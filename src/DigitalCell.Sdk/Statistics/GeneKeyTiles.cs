using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// The tests' input (<see cref="IGeneKeys"/>) from a matrix in memory, a tile of genes at a time: the sort keys (<see cref="RankSumTest.Key"/>) of every non-zero
/// value of a cell with a slot (<c>cellSlot</c> ≥ 0), grouped by gene and in cell order within a gene. Explicit zeros
/// and cells outside every slot are dropped on the way.
/// </summary>
/// <remarks>
/// All genes' keys at once cost 8 bytes per stored value — 5 GB for a screen of Virtual Cell Challenge size, written
/// to memory once and read back once. A tile of a few million keys is still in cache when its genes are tested, and
/// its buffer is reused by the next tile. Built like <see cref="SparseCellMatrix.Transpose"/>: blocks of cells are
/// counted once, then each tile's keys are scattered in parallel into each block's own slice; every row keeps a read
/// cursor across tiles, so each stored value is still read once in all.
/// </remarks>
internal sealed class GeneKeyTiles : IGeneKeys
{
    /// <summary>Keys per tile: 32 MB, about a core complex's L3.</summary>
    public const int DefaultTileKeys = 1 << 22;

    /// <summary>At most this many genes per tile: their write cursors stay in L2 while a row is scattered.</summary>
    private const int MaxTileGenes = 2048;

    private readonly SparseCellMatrix _x;
    private readonly int[] _cellSlot;
    private readonly ParallelOptions _parallel;
    private readonly int[][] _counts; // [block][gene]: non-zeros of the block's slotted cells
    private readonly int[][] _position; // [block][row − block start]: the row's next stored value to scatter
    private readonly int[] _blockStart;
    private readonly int _tileKeys;
    private readonly ulong[] _buffer;
    private int _nextGene;

    /// <summary>Counts every gene's keys per block of cells (one pass over the matrix).</summary>
    public GeneKeyTiles(SparseCellMatrix x, int[] cellSlot, ParallelOptions parallel, int tileKeys = DefaultTileKeys)
    {
        _x = x;
        _cellSlot = cellSlot;
        _parallel = parallel;
        int rows = x.RowCount, genes = x.ColumnCount;
        int threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int blocks = (int)Math.Clamp(x.StoredCount / (1 << 20), 1, Math.Min(threads, Math.Max(1, rows)));
        _blockStart = Enumerable.Range(0, blocks + 1).Select(b => (int)((long)rows * b / blocks)).ToArray();
        _counts = new int[blocks][];
        _position = new int[blocks][];
        int[] indptr = x.RawRowPointers, indices = x.RawColumnIndices;
        float[] data = x.RawValues;
        Parallel.For(0, blocks, parallel, b =>
        {
            var counts = new int[genes];
            for (int r = _blockStart[b]; r < _blockStart[b + 1]; r++)
            {
                if (cellSlot[r] < 0) continue;
                for (int k = indptr[r]; k < indptr[r + 1]; k++)
                    if (data[k] != 0f) counts[indices[k]]++;
            }
            _counts[b] = counts;
            _position[b] = indptr.AsSpan(_blockStart[b], _blockStart[b + 1] - _blockStart[b]).ToArray();
        });
        long largest = 0;
        for (int g = 0; g < genes; g++) largest = Math.Max(largest, GeneKeys(g));
        LargestGene = (int)largest;
        _tileKeys = (int)Math.Max(tileKeys, largest);
        _buffer = new ulong[Math.Min(_tileKeys, _counts.Sum(c => c.Sum(v => (long)v)))];
    }

    /// <inheritdoc />
    public int LargestGene { get; }

    /// <summary>The tiles, as gene ranges [First, End) in gene order, each holding at most the tile's key budget.</summary>
    public IEnumerable<(int First, int End)> Tiles()
    {
        int genes = _x.ColumnCount;
        for (int first = 0; first < genes;)
        {
            int end = first;
            long keys = 0;
            while (end < genes && end - first < MaxTileGenes && (end == first || keys + GeneKeys(end) <= _tileKeys))
                keys += GeneKeys(end++);
            yield return (first, end);
            first = end;
        }
    }

    /// <summary>Scatters the keys of genes [<paramref name="first"/>, <paramref name="end"/>) into the shared buffer; tiles must be filled in order.</summary>
    public (int[] Start, ulong[] Keys) Fill(int first, int end)
    {
        if (first != _nextGene) throw new InvalidOperationException($"Gene tiles are filled in order: expected gene {_nextGene}, got {first}.");
        _nextGene = end;
        int blocks = _counts.Length;
        var start = new int[end - first + 1];
        var cursor = new int[blocks][];
        for (int b = 0; b < blocks; b++) cursor[b] = new int[end - first];
        int offset = 0;
        for (int g = first; g < end; g++)
        {
            start[g - first] = offset;
            for (int b = 0; b < blocks; b++)
            {
                cursor[b][g - first] = offset;
                offset += _counts[b][g];
            }
        }
        start[^1] = offset;
        int[] indptr = _x.RawRowPointers, indices = _x.RawColumnIndices;
        float[] data = _x.RawValues;
        var keys = _buffer;
        Parallel.For(0, blocks, _parallel, b =>
        {
            var next = cursor[b];
            var position = _position[b];
            int firstRow = _blockStart[b];
            for (int r = firstRow; r < _blockStart[b + 1]; r++)
            {
                int slot = _cellSlot[r];
                if (slot < 0) continue;
                int k = position[r - firstRow], stop = indptr[r + 1];
                for (; k < stop && indices[k] < end; k++)
                    if (data[k] != 0f) keys[next[indices[k] - first]++] = RankSumTest.Key(data[k], slot);
                position[r - firstRow] = k;
            }
        });
        return (start, keys);
    }

    private long GeneKeys(int gene)
    {
        long n = 0;
        foreach (var block in _counts) n += block[gene];
        return n;
    }
}
