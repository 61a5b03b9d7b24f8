using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Out-of-core statistics over a <see cref="CellCollection"/>: memory depends on the chunk size, the genes and the
/// number of groups, never on the number of cells. On data that fits in memory they equal the in-memory verbs
/// (<c>Pseudobulk</c>, <see cref="Statistics.GeneMoments"/>, <c>HighlyVariableGenes</c>) on the same cells.
/// </summary>
public static class CollectionStatistics
{
    /// <summary>
    /// Pseudobulk per combination of the obs columns <paramref name="groupBy"/> (e.g. <c>["cell_line",
    /// "perturbation"]</c>, names joined by <paramref name="separator"/>): one <see cref="PseudobulkPartial"/> per
    /// shard, merged in shard order — the same map and reduce a distributed run performs. Groups sorted ordinally.
    /// </summary>
    /// <remarks>Sums of counts are exact; sums of normalised values agree with the in-memory pseudobulk to float64 rounding.</remarks>
    public static PseudobulkProfiles Pseudobulk(this CellCollection collection, IReadOnlyList<string> groupBy,
        CollectionAnalysisOptions? options = null, string separator = "_", IProgress<int>? shardsDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return PseudobulkPartial.Merge(Enumerable.Range(0, collection.Shards.Count).Select(s =>
        {
            var partial = PseudobulkPartial.Compute(collection, s, groupBy, options, separator, cancellationToken);
            shardsDone?.Report(s + 1);
            return partial;
        })).ToProfiles();
    }

    /// <summary>Per-gene mean and variance (ddof 1) of the selected cells, transformed as the options say; equals the in-memory result exactly.</summary>
    public static GeneMoments GeneMoments(this CellCollection collection, CollectionAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return Statistics.GeneMoments.Compute(Source(collection, options ?? new CollectionAnalysisOptions()));
    }

    /// <summary>
    /// Highly variable genes of the selected cells: <see cref="HvgFlavor.SeuratV3"/> reads the counts as stored
    /// (normalisation options are ignored, as scanpy's seurat_v3 takes counts); <see cref="HvgFlavor.Dispersion"/>
    /// reads log1p data, so set <see cref="CollectionAnalysisOptions.NormalizeTotal"/> and
    /// <see cref="CollectionAnalysisOptions.Log1p"/> when the shards hold counts. Returns the genes as a var table
    /// with scanpy's columns (<c>highly_variable</c>, <c>means</c>, …).
    /// </summary>
    public static AnnotationTable HighlyVariableGenes(this CellCollection collection, int count, HvgFlavor flavor,
        CollectionAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        options ??= new CollectionAnalysisOptions();
        if (flavor == HvgFlavor.SeuratV3) options = options with { NormalizeTotal = null, Log1p = false };
        return HighlyVariableGeneSelection.HighlyVariableGenes(Source(collection, options), new AnnotationTable("var", collection.GeneNames.ToArray()), count, flavor);
    }

    private static ICellMatrixSource Source(CellCollection collection, CollectionAnalysisOptions options) =>
        new TransformedSource(collection.Matrix(options.Cells), options);

    /// <summary>The collection's chunks after the options' on-the-fly normalisation (row-local, so chunking does not change it).</summary>
    private sealed class TransformedSource(ICellMatrixSource inner, CollectionAnalysisOptions options) : ICellMatrixSource
    {
        public int RowCount => inner.RowCount;

        public int ColumnCount => inner.ColumnCount;

        public IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize) =>
            inner.ReadChunks(rowsPerChunk).Select(c => new RowChunk(c.Start, options.Transform(c.Rows)));
    }
}
