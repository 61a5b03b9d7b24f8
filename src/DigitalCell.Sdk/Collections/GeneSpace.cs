namespace DigitalCell.Sdk.Collections;

/// <summary>Which genes a <see cref="CellCollection"/> presents when its shards measure different genes.</summary>
public enum GeneSpace
{
    /// <summary>
    /// Every gene of any shard: the first shard's genes in order, then each later shard's new genes in order. A gene
    /// a shard did not measure reads as zero in that shard's cells (as anndata's <c>concat(join="outer")</c> fills).
    /// </summary>
    Union,

    /// <summary>Only the genes every shard measures, in the first shard's order (anndata's <c>concat(join="inner")</c>).</summary>
    Intersection,
}
