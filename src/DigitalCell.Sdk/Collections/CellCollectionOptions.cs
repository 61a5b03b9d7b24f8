namespace DigitalCell.Sdk.Collections;

/// <summary>How <see cref="CellCollection.Open"/> reads its shards.</summary>
public sealed record CellCollectionOptions
{
    /// <summary>The genes the collection presents when shards differ (default <see cref="Collections.GeneSpace.Union"/>).</summary>
    public GeneSpace GeneSpace { get; init; } = GeneSpace.Union;

    /// <summary>
    /// Tahoe-layout shards name genes by token id; this Parquet file (Tahoe's <c>gene_metadata.parquet</c>, columns
    /// <c>token_id</c> and <c>gene_symbol</c>) maps them to names. Null looks for <c>gene_metadata.parquet</c> next to
    /// the shards, in their parent folder and in a sibling <c>metadata/</c> folder.
    /// </summary>
    public string? GeneMetadata { get; init; }
}
