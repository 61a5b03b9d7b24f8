namespace DigitalCell.Sdk.Data;

/// <summary>
/// Rows of a cells × genes matrix delivered in consecutive chunks, so an algorithm can stream a matrix that does not
/// fit in memory (a backed h5ad) the same way it walks an in-memory one.
/// </summary>
public interface ICellMatrixSource
{
    /// <summary>Number of rows (cells).</summary>
    int RowCount { get; }

    /// <summary>Number of columns (genes).</summary>
    int ColumnCount { get; }

    /// <summary>The rows in order, <paramref name="rowsPerChunk"/> at a time (the last chunk may be shorter).</summary>
    IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize);
}

/// <summary>A block of consecutive rows starting at row <see cref="Start"/>.</summary>
/// <param name="Start">Index of the chunk's first row in the whole matrix.</param>
/// <param name="Rows">The rows themselves (row 0 here is row <see cref="Start"/> there).</param>
public readonly record struct RowChunk(int Start, CellMatrix Rows)
{
    /// <summary>Default number of rows per chunk: large enough to amortise IO, small enough for bounded memory.</summary>
    public const int DefaultSize = 8192;
}
