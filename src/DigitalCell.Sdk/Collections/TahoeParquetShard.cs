using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>A Tahoe-layout Parquet shard (see <see cref="ShardLayout.ParquetTahoe"/>); its genes are the token vocabulary's.</summary>
internal sealed class TahoeParquetShard : CellShard
{
    private readonly TahoeGeneTokens _tokens;

    private TahoeParquetShard(string path, int cells, TahoeGeneTokens tokens) : base(path, cells, tokens.Names) => _tokens = tokens;

    public override ShardLayout Layout => ShardLayout.ParquetTahoe;

    /// <summary>Whether the file has Tahoe's gene and expression list columns (footer only).</summary>
    public static bool Applies(string path) => ParquetShardFile.Use(path, reader => Task.FromResult(TahoeColumns.Applies(reader.Schema)));

    public static TahoeParquetShard Open(string path, CellCollectionOptions options, Func<string, TahoeGeneTokens> vocabulary) =>
        ParquetShardFile.Use(path, reader =>
        {
            TahoeColumns.Describe(path, reader);
            return Task.FromResult(new TahoeParquetShard(System.IO.Path.GetFullPath(path), ParquetShardFile.RowCount(reader),
                vocabulary(TahoeGeneTokens.Locate(path, options))));
        });

    public override AnnotationTable ReadObs() =>
        ParquetShardFile.Use(Path, reader => TahoeColumns.Describe(Path, reader).ReadObsAsync(reader, Name));

    internal override IEnumerable<CellMatrix> ReadBlocks(int rowsPerBlock) =>
        ParquetShardFile.RowGroups<SparseCellMatrix>(Path, reader =>
        {
            var columns = TahoeColumns.Describe(Path, reader);
            var buffers = new TahoeColumns.RowGroupBuffers(_tokens.Names.Length);
            return g => columns.ReadRowGroupAsync(reader, g, _tokens, buffers);
        });
}
