using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.Parquet;

namespace DigitalCell.Sdk.Collections;

/// <summary>A wide-layout Parquet shard: obs from the annotation columns, rows one row group at a time.</summary>
internal sealed class WideParquetShard : CellShard
{
    private WideParquetShard(string path, int cells, string[] genes) : base(path, cells, genes) { }

    public override ShardLayout Layout => ShardLayout.ParquetWide;

    public static WideParquetShard Open(string path) => ParquetShardFile.Use(path, reader =>
    {
        var columns = WideParquetColumns.Describe(path, reader);
        return Task.FromResult(new WideParquetShard(System.IO.Path.GetFullPath(path), ParquetShardFile.RowCount(reader),
            columns.Genes.Select(f => f.Name).ToArray()));
    });

    public override AnnotationTable ReadObs() =>
        ParquetShardFile.Use(Path, reader => WideParquetColumns.Describe(Path, reader).ReadObsAsync(reader, CancellationToken.None));

    internal override IEnumerable<CellMatrix> ReadBlocks(int rowsPerBlock) =>
        ParquetShardFile.RowGroups<SparseCellMatrix>(Path, reader =>
        {
            var columns = WideParquetColumns.Describe(Path, reader);
            return g => columns.ReadRowGroupAsync(reader, g);
        });
}
