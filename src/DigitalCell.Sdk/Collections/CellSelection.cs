namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Some cells of a <see cref="CellCollection"/>: for each shard, the selected row positions in ascending order. A
/// selection from a metadata query (DigitalCell.Sdk.Query's <c>SelectCells</c>) feeds the streaming readers, which
/// then read only the shards that hold selected cells.
/// </summary>
public sealed class CellSelection
{
    private readonly int[][] _rows;

    private CellSelection(int[][] rows)
    {
        _rows = rows;
        Count = rows.Sum(r => (long)r.Length);
    }

    /// <summary>Number of selected cells.</summary>
    public long Count { get; }

    /// <summary>Number of shards the selection covers (including those with no selected cell).</summary>
    public int ShardCount => _rows.Length;

    /// <summary>The selected rows of shard <paramref name="shard"/>, ascending.</summary>
    public ReadOnlySpan<int> RowsOf(int shard) => _rows[shard];

    /// <summary>Every cell of the collection.</summary>
    public static CellSelection All(CellCollection collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return new CellSelection(collection.Shards.Select(s => Enumerable.Range(0, s.CellCount).ToArray()).ToArray());
    }

    /// <summary>The given (shard, row) pairs, in any order; repeats count once.</summary>
    /// <exception cref="DigitalCellException">A shard or row is outside the collection.</exception>
    public static CellSelection FromRows(CellCollection collection, IEnumerable<(int Shard, int Row)> cells)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(cells);
        var lists = collection.Shards.Select(_ => new List<int>()).ToArray();
        foreach (var (shard, row) in cells)
        {
            if ((uint)shard >= (uint)lists.Length)
                throw new DigitalCellException($"Cell selection: shard {shard} is outside the collection's {lists.Length} shards.");
            if ((uint)row >= (uint)collection.Shards[shard].CellCount)
                throw new DigitalCellException($"Cell selection: row {row} is outside shard {collection.Shards[shard].Name}'s {collection.Shards[shard].CellCount} cells.");
            lists[shard].Add(row);
        }
        return new CellSelection(lists.Select(l => l.Distinct().Order().ToArray()).ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => $"{Count} cells in {_rows.Count(r => r.Length > 0)} of {_rows.Length} shards";
}
