using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Highly variable gene selection, following scanpy's definitions (single batch).</summary>
public static class HighlyVariableGeneSelection
{
    /// <summary>Number of mean bins of the dispersion flavour (scanpy's <c>n_bins</c>).</summary>
    public const int DispersionBins = 20;

    /// <summary>
    /// Marks the <paramref name="count"/> most variable genes in var column <c>highly_variable</c> and adds the
    /// flavour's statistics (scanpy's column names): <see cref="HvgFlavor.Dispersion"/> adds <c>means</c>,
    /// <c>dispersions</c>, <c>dispersions_norm</c> and reads X as log1p data; <see cref="HvgFlavor.SeuratV3"/> adds
    /// <c>means</c>, <c>variances</c>, <c>variances_norm</c>, <c>highly_variable_rank</c> and reads counts from
    /// <paramref name="layer"/> (default: layer <c>counts</c> when present, else X). With <paramref name="subset"/>
    /// only the selected genes are kept.
    /// </summary>
    public static CellDataset HighlyVariableGenes(this CellDataset data, int count, HvgFlavor flavor = HvgFlavor.Dispersion,
        string? layer = null, bool subset = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var source = layer is not null ? data.Layer(layer)
            : flavor == HvgFlavor.SeuratV3 && data.Layers.TryGetValue(Normalization.CountsLayer, out var counts) ? counts : data.X;
        var var = HighlyVariableGenes(source, data.Var, count, flavor);
        var result = data.WithVar(var);
        return subset ? result.SelectGenes(((BooleanColumn)var["highly_variable"]).Values.ToArray()) : result;
    }

    /// <summary>
    /// The same selection on a streamed matrix (a backed file, a sharded collection): <paramref name="source"/> is
    /// log1p data for <see cref="HvgFlavor.Dispersion"/> and counts for <see cref="HvgFlavor.SeuratV3"/>; returns
    /// <paramref name="var"/> with the flavour's columns added. Two passes over the rows (seurat_v3) or one
    /// (dispersion), one chunk in memory at a time, so the result equals the in-memory one on the same rows.
    /// </summary>
    public static AnnotationTable HighlyVariableGenes(ICellMatrixSource source, AnnotationTable var, int count, HvgFlavor flavor)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(var);
        if (count <= 0) throw new DigitalCellException($"HighlyVariableGenes: the number of genes must be positive, got {count}.");
        if (var.RowCount != source.ColumnCount) throw new DigitalCellException($"HighlyVariableGenes: {var.RowCount} var rows for {source.ColumnCount} genes.");
        return flavor switch
        {
            HvgFlavor.Dispersion => Dispersion(var, source, count),
            HvgFlavor.SeuratV3 => SeuratV3(var, source, count),
            _ => throw new DigitalCellException($"Unknown HVG flavour {flavor}."),
        };
    }

    private static AnnotationTable Dispersion(AnnotationTable var, ICellMatrixSource logData, int count)
    {
        // scanpy: X = expm1(X) (float32), mean/var (ddof 1), mean 0 → 1e-12, dispersion = var/mean, 0 → NaN,
        // log dispersion, mean → log1p(mean)
        var moments = GeneMoments.Compute(new ExpM1Source(logData));
        int p = moments.Mean.Length;
        var means = new double[p];
        var dispersions = new double[p];
        for (int j = 0; j < p; j++)
        {
            double m = moments.Mean[j] == 0 ? 1e-12 : moments.Mean[j];
            double d = moments.Variance[j] / m;
            dispersions[j] = d == 0 ? double.NaN : Math.Log(d);
            means[j] = PreciseMath.Log1P(m);
        }
        var bins = PandasCut(means, DispersionBins);
        var binMean = new double[DispersionBins];
        var binStd = new double[DispersionBins];
        for (int b = 0; b < DispersionBins; b++)
        {
            // pandas groupby mean/std skip NaN
            double sum = 0; int n = 0;
            for (int j = 0; j < p; j++) if (bins[j] == b && !double.IsNaN(dispersions[j])) { sum += dispersions[j]; n++; }
            double mean = n > 0 ? sum / n : double.NaN, ss = 0;
            for (int j = 0; j < p; j++) if (bins[j] == b && !double.IsNaN(dispersions[j])) ss += (dispersions[j] - mean) * (dispersions[j] - mean);
            double std = n > 1 ? Math.Sqrt(ss / (n - 1)) : double.NaN;
            // scanpy: a bin with one gene gets std = its mean and mean = 0
            if (double.IsNaN(std)) { std = mean; mean = 0; }
            binMean[b] = mean;
            binStd[b] = std;
        }
        var norm = new double[p];
        for (int j = 0; j < p; j++) norm[j] = (dispersions[j] - binMean[bins[j]]) / binStd[bins[j]];
        // scanpy: cut-off = the count-th largest non-NaN normalised dispersion; genes ≥ cut-off (NaN as 0)
        var sorted = norm.Where(v => !double.IsNaN(v)).OrderDescending().ToArray();
        var highly = new bool[p];
        if (sorted.Length > 0)
        {
            double cut = sorted[Math.Min(count, sorted.Length) - 1];
            for (int j = 0; j < p; j++) highly[j] = (double.IsNaN(norm[j]) ? 0 : norm[j]) >= cut;
        }
        return var
            .With(new BooleanColumn("highly_variable", highly))
            .With(new NumericColumn<double>("means", means))
            .With(new NumericColumn<double>("dispersions", dispersions))
            .With(new NumericColumn<double>("dispersions_norm", norm));
    }

    /// <summary>
    /// pandas <c>cut(x, bins)</c> with an integer bin count: equal-width right-closed intervals over [min, max] whose
    /// first edge is lowered by 0.1 % of the range; returns each value's bin.
    /// </summary>
    internal static int[] PandasCut(double[] x, int bins)
    {
        double min = x.Min(), max = x.Max();
        var edges = new double[bins + 1];
        if (min == max)
        {
            // pandas widens a zero range by 0.1 % of |value| (or 0.001) on each side
            double adj = min != 0 ? Math.Abs(min) * 0.001 : 0.001;
            min -= adj; max += adj;
            for (int i = 0; i <= bins; i++) edges[i] = min + i * ((max - min) / bins);
            edges[bins] = max;
        }
        else
        {
            double step = (max - min) / bins; // numpy linspace: start + i·step, last edge exactly max
            for (int i = 0; i <= bins; i++) edges[i] = i * step + min;
            edges[bins] = max;
            edges[0] -= (max - min) * 0.001;
        }
        var result = new int[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            // searchsorted(edges, x, side="left") − 1: x in (edges[b], edges[b + 1]]
            int lo = 0, hi = edges.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (edges[mid] < x[j]) lo = mid + 1; else hi = mid;
            }
            result[j] = Math.Clamp(lo - 1, 0, bins - 1);
        }
        return result;
    }

    private static AnnotationTable SeuratV3(AnnotationTable var, ICellMatrixSource counts, int count)
    {
        var moments = GeneMoments.Compute(counts);
        int p = moments.Mean.Length, n = moments.CellCount;
        var mean = moments.Mean;
        var variance = moments.Variance;
        // LOESS of log10(variance) on log10(mean) over non-constant genes; constant genes keep an estimate of 0
        var varying = Enumerable.Range(0, p).Where(j => variance[j] > 0).ToArray();
        var fit = Loess.Fit(varying.Select(j => Math.Log10(mean[j])).ToArray(), varying.Select(j => Math.Log10(variance[j])).ToArray(), 0.3, 2);
        var regStd = new double[p];
        Array.Fill(regStd, 1.0);
        for (int k = 0; k < varying.Length; k++) regStd[varying[k]] = Math.Sqrt(Math.Pow(10, fit[k]));
        // clip each gene's values at mean + √n·σ̂, then the variance of the standardised clipped values
        var clip = new double[p];
        for (int j = 0; j < p; j++) clip[j] = regStd[j] * Math.Sqrt(n) + mean[j];
        var sum = new double[p];
        var sumSq = new double[p];
        var row = new float[p];
        foreach (var chunk in counts.ReadChunks())
            for (int r = 0; r < chunk.Rows.RowCount; r++)
            {
                if (chunk.Rows is SparseCellMatrix s)
                {
                    var idx = s.RowIndices(r);
                    var val = s.RowValues(r);
                    for (int k = 0; k < idx.Length; k++) Add(idx[k], val[k]);
                    continue;
                }
                chunk.Rows.CopyRow(r, row);
                for (int j = 0; j < p; j++) Add(j, row[j]);
            }
        var normVar = new double[p];
        for (int j = 0; j < p; j++)
            normVar[j] = 1 / ((n - 1) * regStd[j] * regStd[j]) * (n * mean[j] * mean[j] + sumSq[j] - 2 * sum[j] * mean[j]);
        // rank 0 = most variable; the top `count` are highly variable (scanpy sorts by rank, single batch)
        var order = Enumerable.Range(0, p).OrderByDescending(j => normVar[j]).ThenBy(j => j).ToArray();
        var highly = new bool[p];
        var rank = new double[p];
        Array.Fill(rank, double.NaN);
        for (int k = 0; k < order.Length; k++)
            if (k < count) { highly[order[k]] = true; rank[order[k]] = k; }
        return var
            .With(new BooleanColumn("highly_variable", highly))
            .With(new NumericColumn<double>("means", (double[])mean.Clone()))
            .With(new NumericColumn<double>("variances", (double[])variance.Clone()))
            .With(new NumericColumn<double>("variances_norm", normVar))
            .With(new NumericColumn<double>("highly_variable_rank", rank));

        void Add(int j, float value)
        {
            double v = Math.Min(value, clip[j]);
            sum[j] += v;
            sumSq[j] += v * v;
        }
    }

    /// <summary>expm1 of every stored value, chunk by chunk (the dispersion flavour undoes log1p).</summary>
    private sealed class ExpM1Source(ICellMatrixSource inner) : ICellMatrixSource
    {
        public int RowCount => inner.RowCount;

        public int ColumnCount => inner.ColumnCount;

        public IEnumerable<RowChunk> ReadChunks(int rowsPerChunk = RowChunk.DefaultSize) =>
            inner.ReadChunks(rowsPerChunk).Select(c => new RowChunk(c.Start, c.Rows.MapStored(v => (float)PreciseMath.ExpM1(v))));
    }
}
