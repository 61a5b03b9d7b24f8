using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// The selected cells of a collection as one <see cref="ICellMatrixSource"/>: shard blocks re-cut into chunks of
/// exactly the requested size across shard boundaries, so any chunked computation sees the same chunks as on the
/// concatenated matrix in memory.
/// </summary>
internal sealed class CollectionMatrix(CellCollection collection, CellSelection? selection) : ICellMatrixSource
{
    public int RowCount { get; } = (selection?.Count ?? collection.CellCount) is var n && n <= int.MaxValue ? (int)n
        : throw new DigitalCellException($"{collection.Location}: {n} cells exceed one stream's int row index; select fewer cells or stream shard by shard.");

    public int ColumnCount => collection.GeneNames.Count;

    public IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize)
    {
        if (rowsPerChunk <= 0) throw new DigitalCellException($"rowsPerChunk must be positive, got {rowsPerChunk}.");
        var builder = new SparseRowBuilder(ColumnCount);
        int start = 0;
        for (int s = 0; s < collection.Shards.Count; s++)
        {
            int[]? rows = selection?.RowsOf(s).ToArray();
            foreach (var block in collection.ReadShardBlocks(s, rows, rowsPerChunk))
            {
                var x = block.X;
                for (int r = 0; r < x.RowCount; r++)
                {
                    builder.AddRow(x.RowIndices(r), x.RowValues(r));
                    if (builder.RowCount == rowsPerChunk)
                    {
                        yield return new RowChunk(start, builder.Build());
                        start += rowsPerChunk;
                    }
                }
            }
        }
        if (builder.RowCount > 0) yield return new RowChunk(start, builder.Build());
    }
}
