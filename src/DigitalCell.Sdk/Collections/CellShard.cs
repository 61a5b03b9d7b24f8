using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// One file of a <see cref="CellCollection"/>. Opening a shard reads only what locates its cells and genes (counts,
/// names); <see cref="ReadObs"/> reads the annotations without X, and the rows stream in bounded blocks.
/// </summary>
public abstract class CellShard
{
    private protected CellShard(string path, int cellCount, string[] genes)
    {
        Path = path;
        CellCount = cellCount;
        GeneNames = genes;
    }

    /// <summary>The shard's file (full path).</summary>
    public string Path { get; }

    /// <summary>The file name, which identifies the shard in queries and outputs.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>How the shard stores its cells.</summary>
    public abstract ShardLayout Layout { get; }

    /// <summary>Number of cells.</summary>
    public int CellCount { get; }

    /// <summary>The shard's genes, in its own column order.</summary>
    public IReadOnlyList<string> GeneNames { get; private set; }

    /// <summary>Replaces the gene names with an equal list another shard holds, so that shards of one gene space share one copy.</summary>
    internal void ShareGeneNames(IReadOnlyList<string> equal) => GeneNames = equal;

    /// <summary>The shard's per-cell annotations (index = cell names). X is not read.</summary>
    public abstract AnnotationTable ReadObs();

    /// <summary>The shard's rows in order, in consecutive blocks of bounded size (a row group or a chunk), in the shard's gene order.</summary>
    internal abstract IEnumerable<CellMatrix> ReadBlocks(int rowsPerBlock);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {CellCount} cells × {GeneNames.Count} genes ({Layout})";

    /// <summary>Opens a shard, choosing the reader from the file name and, for Parquet, from its columns.</summary>
    /// <param name="path">The shard file.</param>
    /// <param name="options">The collection's options.</param>
    /// <param name="vocabulary">Reads (once per collection) the token vocabulary of Tahoe-layout shards.</param>
    internal static CellShard OpenByLayout(string path, CellCollectionOptions options, Func<string, TahoeGeneTokens> vocabulary)
    {
        string name = System.IO.Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".h5ad", StringComparison.Ordinal)) return H5adShard.Open(path);
        if (name.EndsWith(".long.parquet", StringComparison.Ordinal)) return LongParquetShard.Open(path);
        if (name.EndsWith(".parquet", StringComparison.Ordinal))
            return TahoeParquetShard.Applies(path) ? TahoeParquetShard.Open(path, options, vocabulary) : WideParquetShard.Open(path);
        throw new DigitalCellException(path, null, "is not a shard the collection can read (.h5ad, .parquet, .long.parquet)");
    }
}
