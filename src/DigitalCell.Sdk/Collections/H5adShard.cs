using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.Collections;

/// <summary>An h5ad shard, opened backed for every read so that X stays on disk and no file handle outlives a read.</summary>
internal sealed class H5adShard : CellShard
{
    private H5adShard(string path, int cells, string[] genes) : base(path, cells, genes) { }

    public override ShardLayout Layout => ShardLayout.H5ad;

    public static H5adShard Open(string path)
    {
        using var backed = H5adFile.OpenBacked(path);
        return new H5adShard(System.IO.Path.GetFullPath(path), backed.CellCount, backed.Var.Index.ToArray());
    }

    public override AnnotationTable ReadObs()
    {
        using var backed = H5adFile.OpenBacked(Path);
        return backed.Obs;
    }

    internal override IEnumerable<CellMatrix> ReadBlocks(int rowsPerBlock)
    {
        using var backed = H5adFile.OpenBacked(Path);
        foreach (var chunk in backed.X.ReadChunks(rowsPerBlock)) yield return chunk.Rows;
    }
}
