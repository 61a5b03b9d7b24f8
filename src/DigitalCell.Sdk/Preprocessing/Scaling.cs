using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Per-gene standardisation (scanpy <c>pp.scale</c>).</summary>
public static class Scaling
{
    /// <summary>
    /// Centres every gene on its mean and divides by its standard deviation (ddof = 1; genes with zero deviation are
    /// only centred), then clips to [−<paramref name="maxValue"/>, <paramref name="maxValue"/>] (scanpy ≥ 1.10 with
    /// <c>zero_center=True</c>; null = no clipping). The result is dense, as centring fills in the zeros.
    /// </summary>
    public static CellDataset Scale(this CellDataset data, double? maxValue = 10)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (maxValue is <= 0) throw new DigitalCellException($"Scale: maxValue must be positive, got {maxValue}.");
        var moments = GeneMoments.Compute(data.X);
        int n = data.CellCount, p = data.GeneCount;
        var std = moments.Variance.Select(v => v > 0 ? Math.Sqrt(v) : 1.0).ToArray();
        double clip = maxValue ?? double.PositiveInfinity;
        var values = new float[(long)n * p];
        Parallel.For(0, n, r =>
        {
            var row = values.AsSpan((int)((long)r * p), p);
            data.X.CopyRow(r, row);
            for (int j = 0; j < p; j++)
                row[j] = (float)Math.Clamp((row[j] - moments.Mean[j]) / std[j], -clip, clip);
        });
        return data.WithX(new DenseCellMatrix(n, p, values));
    }
}
