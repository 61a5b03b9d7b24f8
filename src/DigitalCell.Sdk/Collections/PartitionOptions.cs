using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.Collections;

/// <summary>How <see cref="CellPartition"/> groups a collection's cells into per-(context, perturbation) shards.</summary>
public sealed record PartitionOptions
{
    /// <summary>The obs column naming each cell's perturbation (controls included).</summary>
    public string PerturbationColumn { get; init; } = "perturbation";

    /// <summary>The obs column naming each cell's context (cell line, donor, …); null puts every cell in one context, <c>all</c>.</summary>
    public string? ContextColumn { get; init; }

    /// <summary>Cells buffered (over all groups) before the buffers are written as part files: the partition's unit of memory.</summary>
    public int CellsPerFlush { get; init; } = 65_536;

    /// <summary>
    /// Compression of the part files. gzip makes normalised + log1p parts about 3× smaller (a cell's values repeat)
    /// for more CPU when writing and at every read of the tests; none by default.
    /// </summary>
    public H5adCompression Compression { get; init; } = H5adCompression.None;

    /// <summary>What is streamed and how it is transformed (e.g. normalise + log1p before DE); its selection limits the cells.</summary>
    public CollectionAnalysisOptions Stream { get; init; } = new();
}
