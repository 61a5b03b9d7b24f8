namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>How <see cref="ParquetCells"/> lays out the files it writes.</summary>
public sealed record ParquetCellsOptions
{
    /// <summary>
    /// Cells per Parquet row group. Readers (ours included) hold one row group in memory at a time, so this bounds
    /// their memory. Null chooses automatically: as many cells as keep one row group near 16 million values
    /// (64 MB of float32), between 1 and 65,536 cells.
    /// </summary>
    public int? CellsPerRowGroup { get; init; }

    internal int RowGroupSize(long valuesPerCell)
    {
        if (CellsPerRowGroup is { } n)
            return n > 0 ? n : throw new DigitalCellException($"CellsPerRowGroup must be positive, got {n}.");
        return (int)Math.Clamp((1L << 24) / Math.Max(1, valuesPerCell), 1, 65_536);
    }
}
