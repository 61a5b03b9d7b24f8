using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>What the out-of-core analyses of a <see cref="CellCollection"/> read and how they transform it on the fly.</summary>
public sealed record CollectionAnalysisOptions
{
    /// <summary>
    /// When set, each cell is scaled to this total (scanpy <c>normalize_total(target_sum=…)</c>) as it streams; the
    /// total is over the collection's genes (with <see cref="GeneSpace.Intersection"/>, only the shared genes count).
    /// </summary>
    public double? NormalizeTotal { get; init; }

    /// <summary>Whether values are log1p-transformed as they stream (after <see cref="NormalizeTotal"/>).</summary>
    public bool Log1p { get; init; }

    /// <summary>The cells to analyse (null = all), e.g. from a metadata query.</summary>
    public CellSelection? Cells { get; init; }

    /// <summary>Rows per streamed chunk: the unit of memory besides the per-group results.</summary>
    public int RowsPerChunk { get; init; } = RowChunk.DefaultSize;

    /// <summary>The chunk as analysed: normalised and log-transformed as requested.</summary>
    internal CellMatrix Transform(CellMatrix rows)
    {
        if (NormalizeTotal is { } target) rows = Preprocessing.Normalization.NormalizeRows(rows, target);
        return Log1p ? Preprocessing.Normalization.Log1p(rows) : rows;
    }

    /// <summary>Whether <see cref="Transform"/> changes anything.</summary>
    internal bool Transforms => NormalizeTotal is not null || Log1p;

    /// <summary>
    /// One sparse row's stored values as <see cref="Transform"/> leaves them, written to <paramref name="destination"/>:
    /// for consumers that use each row once and so need no transformed copy of the whole chunk.
    /// </summary>
    internal void TransformRow(ReadOnlySpan<float> values, Span<float> destination)
    {
        if (NormalizeTotal is { } target) Preprocessing.Normalization.ScaleRow(values, destination, target);
        else values.CopyTo(destination);
        if (!Log1p) return;
        for (int k = 0; k < values.Length; k++) destination[k] = Preprocessing.Normalization.Log1pValue(destination[k]);
    }
}
