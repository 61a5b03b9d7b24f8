using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// Per-gene mean and variance of a cells × genes matrix, computed in one streaming pass over row chunks, so a backed
/// matrix that does not fit in memory works the same as an in-memory one.
/// </summary>
/// <param name="Mean">Mean of each gene over all cells (zeros included).</param>
/// <param name="Variance">Variance of each gene with the requested delta degrees of freedom.</param>
/// <param name="CellCount">Number of cells.</param>
public sealed record GeneMoments(double[] Mean, double[] Variance, int CellCount)
{
    /// <summary>
    /// Computes per-gene mean and variance (divisor n − <paramref name="ddof"/>; scanpy and scipy's sample variance
    /// use ddof = 1).
    /// </summary>
    /// <remarks>
    /// Each chunk contributes its exact (two-pass) mean and sum of squared deviations, merged across chunks with
    /// Chan et al.'s pairwise update; this avoids the cancellation of the mean-of-squares formula that scanpy uses
    /// (<c>_get_mean_var</c>) while agreeing with it wherever that formula is accurate.
    /// </remarks>
    public static GeneMoments Compute(ICellMatrixSource source, int ddof = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        int genes = source.ColumnCount;
        var mean = new double[genes];
        var m2 = new double[genes];
        long n = 0;
        var chunkSum = new double[genes];
        var chunkM2 = new double[genes];
        foreach (var chunk in source.ReadChunks())
        {
            int rows = chunk.Rows.RowCount;
            if (rows == 0) continue;
            ChunkMoments(chunk.Rows, chunkSum, chunkM2);
            long total = n + rows;
            for (int j = 0; j < genes; j++)
            {
                double cm = chunkSum[j] / rows;
                double delta = cm - mean[j];
                m2[j] += chunkM2[j] + delta * delta * n * rows / total;
                mean[j] += delta * rows / total;
            }
            n = total;
        }
        var variance = new double[genes];
        for (int j = 0; j < genes; j++) variance[j] = n - ddof > 0 ? m2[j] / (n - ddof) : double.NaN;
        return new GeneMoments(mean, variance, checked((int)n));
    }

    /// <summary>Column sums and sums of squared deviations from the column means of one block of rows.</summary>
    private static void ChunkMoments(CellMatrix rows, double[] sum, double[] m2)
    {
        Array.Clear(sum);
        Array.Clear(m2);
        int n = rows.RowCount;
        if (rows is SparseCellMatrix s)
        {
            var idx = s.RawColumnIndices;
            var val = s.RawValues;
            var nnz = new int[sum.Length];
            for (int k = 0; k < val.Length; k++) { sum[idx[k]] += val[k]; nnz[idx[k]]++; }
            for (int k = 0; k < val.Length; k++)
            {
                double d = val[k] - sum[idx[k]] / n;
                m2[idx[k]] += d * d;
            }
            // implicit zeros each deviate by −mean
            for (int j = 0; j < sum.Length; j++)
            {
                double m = sum[j] / n;
                m2[j] += (n - nnz[j]) * m * m;
            }
            return;
        }
        var row = new float[sum.Length];
        for (int r = 0; r < n; r++)
        {
            rows.CopyRow(r, row);
            for (int j = 0; j < row.Length; j++) sum[j] += row[j];
        }
        for (int r = 0; r < n; r++)
        {
            rows.CopyRow(r, row);
            for (int j = 0; j < row.Length; j++)
            {
                double d = row[j] - sum[j] / n;
                m2[j] += d * d;
            }
        }
    }
}
