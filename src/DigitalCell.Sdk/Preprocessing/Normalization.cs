using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Library-size normalisation and log transform (scanpy <c>pp.normalize_total</c>, <c>pp.log1p</c>).</summary>
public static class Normalization
{
    /// <summary>The layer in which the raw counts are kept when X is first normalised.</summary>
    public const string CountsLayer = "counts";

    /// <summary>
    /// Scales every cell so that its values sum to <paramref name="target"/> (scanpy <c>normalize_total(target_sum=…)</c>;
    /// 1e4 gives "counts per 10k"). Cells with no counts stay zero. The raw counts are kept in layer
    /// <see cref="CountsLayer"/> unless that layer already exists.
    /// </summary>
    /// <exception cref="DigitalCellException"><paramref name="target"/> is not positive.</exception>
    public static CellDataset NormalizeTotal(this CellDataset data, double target = 1e4)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(target > 0) || double.IsInfinity(target)) throw new DigitalCellException($"NormalizeTotal: target must be a positive number, got {target}.");
        return WithNormalized(data, target);
    }

    /// <summary>
    /// Scales every cell to the median total count of the cells that have any counts (scanpy's default,
    /// <c>target_sum=None</c>).
    /// </summary>
    public static CellDataset NormalizeTotalToMedian(this CellDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var totals = RowTotals(data.X).Where(t => t > 0).Order().ToArray();
        if (totals.Length == 0) throw new DigitalCellException("NormalizeTotalToMedian: every cell has zero counts.");
        int h = totals.Length / 2;
        double median = totals.Length % 2 == 1 ? totals[h] : (totals[h - 1] + totals[h]) / 2;
        return WithNormalized(data, median);
    }

    /// <summary>Natural log of 1 + x for every value (scanpy <c>pp.log1p</c>); zeros stay zero, so sparse stays sparse.</summary>
    public static CellDataset Log1p(this CellDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.WithX(Log1p(data.X));
    }

    /// <summary>
    /// Streams <paramref name="source"/> normalised on the fly: each chunk's rows scaled to sum to
    /// <paramref name="target"/>, then log1p-transformed when <paramref name="log1p"/> is true. Nothing is materialised
    /// beyond one chunk, so a backed matrix can feed means, variances or pseudobulk of normalised data.
    /// </summary>
    public static ICellMatrixSource NormalizeTotal(this ICellMatrixSource source, double target = 1e4, bool log1p = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!(target > 0) || double.IsInfinity(target)) throw new DigitalCellException($"NormalizeTotal: target must be a positive number, got {target}.");
        return new NormalizedSource(source, target, log1p);
    }

    /// <summary>Each row scaled to sum to <paramref name="target"/> (computed in double, stored float32).</summary>
    public static CellMatrix NormalizeRows(CellMatrix x, double target)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x is SparseCellMatrix s)
        {
            var indptr = s.RawRowPointers;
            var src = s.RawValues;
            var data = new float[src.Length];
            for (int r = 0; r < s.RowCount; r++)
                ScaleRow(src.AsSpan(indptr[r], indptr[r + 1] - indptr[r]), data.AsSpan(indptr[r], indptr[r + 1] - indptr[r]), target);
            return SparseCellMatrix.Trusted(s.RowCount, s.ColumnCount, indptr, s.RawColumnIndices, data);
        }
        var totals = RowTotals(x);
        var dense = x.ToDense();
        var values = dense.RawValues;
        var result = new float[values.LongLength];
        int p = x.ColumnCount;
        for (int r = 0; r < x.RowCount; r++)
        {
            double f = totals[r] == 0 ? 1 : target / totals[r];
            for (long k = (long)r * p; k < (long)(r + 1) * p; k++) result[k] = (float)(values[k] * f);
        }
        return new DenseCellMatrix(x.RowCount, p, result);
    }

    /// <summary>log(1 + x) of every stored value, accurate for small x.</summary>
    public static CellMatrix Log1p(CellMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.MapStored(Log1pValue);
    }

    /// <summary>
    /// The stored values of one sparse row scaled to sum to <paramref name="target"/> (the total in double, in row
    /// order; a row without counts is copied), written to <paramref name="destination"/>: one row of
    /// <see cref="NormalizeRows"/>, for streams that transform a row at a time into a reused buffer.
    /// </summary>
    internal static void ScaleRow(ReadOnlySpan<float> values, Span<float> destination, double target)
    {
        double total = 0;
        foreach (float v in values) total += v;
        double f = total == 0 ? 1 : target / total;
        for (int k = 0; k < values.Length; k++) destination[k] = (float)(values[k] * f);
    }

    /// <summary>log(1 + v) as <see cref="Log1p(CellMatrix)"/> stores it.</summary>
    internal static float Log1pValue(float v) => (float)PreciseMath.Log1P(v);

    /// <summary>Sum of each row, in double precision.</summary>
    public static double[] RowTotals(CellMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var totals = new double[x.RowCount];
        if (x is SparseCellMatrix s)
        {
            var indptr = s.RawRowPointers;
            var values = s.RawValues;
            for (int r = 0; r < totals.Length; r++)
                for (int k = indptr[r]; k < indptr[r + 1]; k++) totals[r] += values[k];
            return totals;
        }
        var row = new float[x.ColumnCount];
        for (int r = 0; r < totals.Length; r++)
        {
            x.CopyRow(r, row);
            foreach (var v in row) totals[r] += v;
        }
        return totals;
    }

    private static CellDataset WithNormalized(CellDataset data, double target)
    {
        var normalized = data.WithX(NormalizeRows(data.X, target));
        return data.Layers.ContainsKey(CountsLayer) ? normalized : normalized.WithLayer(CountsLayer, data.X);
    }

    private sealed class NormalizedSource(ICellMatrixSource inner, double target, bool log1p) : ICellMatrixSource
    {
        public int RowCount => inner.RowCount;

        public int ColumnCount => inner.ColumnCount;

        public IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize)
        {
            foreach (var chunk in inner.ReadChunks(rowsPerChunk))
            {
                var rows = NormalizeRows(chunk.Rows, target);
                yield return new RowChunk(chunk.Start, log1p ? Log1p(rows) : rows);
            }
        }
    }
}
