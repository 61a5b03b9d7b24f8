using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// E-distance (energy distance) between each perturbation and the control cells in an embedding (scPerturb, Peidli et
/// al., Nature Methods 2024): E(X, Y) = 2·δ(X, Y) − σ(X) − σ(Y), δ = mean distance over all cross pairs, σ = mean
/// distance over the within-group pairs i ≠ j; and the E-test by label permutation.
/// </summary>
/// <remarks>
/// With squared Euclidean distances every term has a closed form in group means and sums of squares:
/// δ = ‖x̄ − ȳ‖² + SSx/n + SSy/m and σ(X) = 2·SSx/(n − 1), so a distance costs O((n + m)·k) and a permutation only the
/// sums over the smaller group. Euclidean distances need all pairs (O(n·m·k)) and have no permutation test here.
/// A group of one cell has no within-group pair; its σ is taken as 0.
/// </remarks>
public static class EnergyDistance
{
    /// <summary>E-distance of every group of obs column <paramref name="groupBy"/> to the cells labelled <paramref name="reference"/>.</summary>
    /// <exception cref="DigitalCellException">Missing column, reference, group or embedding.</exception>
    public static EDistanceResult EDistance(this CellDataset data, string groupBy, string reference, EDistanceOptions? options = null) =>
        Run(data, groupBy, reference, options ?? new EDistanceOptions(), test: false);

    /// <summary>
    /// E-distances plus the E-test: for each group, the group and reference labels are shuffled
    /// <see cref="EDistanceOptions.Permutations"/> times (group sizes kept); p = fraction of permutations whose
    /// E-distance exceeds the observed one (scPerturb <c>etest</c>), adjusted by Holm–Šidák. Squared Euclidean only.
    /// </summary>
    public static EDistanceResult ETest(this CellDataset data, string groupBy, string reference, EDistanceOptions? options = null) =>
        Run(data, groupBy, reference, options ?? new EDistanceOptions(), test: true);

    /// <summary>E-distance between two sets of points (rows of row-major n × k and m × k arrays).</summary>
    public static double Between(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int dimensions, EDistanceMetric metric = EDistanceMetric.SquaredEuclidean)
    {
        if (dimensions <= 0 || x.Length % dimensions != 0 || y.Length % dimensions != 0 || x.Length == 0 || y.Length == 0)
            throw new DigitalCellException($"E-distance needs two non-empty point sets of dimension {dimensions}.");
        if (metric == EDistanceMetric.SquaredEuclidean)
        {
            var (meanX, ssX) = Moments(x, dimensions);
            var (meanY, ssY) = Moments(y, dimensions);
            return FromMoments(meanX, ssX, x.Length / dimensions, meanY, ssY, y.Length / dimensions);
        }
        return 2 * MeanEuclidean(x, y, dimensions, excludeSelf: false)
            - MeanEuclidean(x, x, dimensions, excludeSelf: true) - MeanEuclidean(y, y, dimensions, excludeSelf: true);
    }

    private static EDistanceResult Run(CellDataset data, string groupBy, string reference, EDistanceOptions options, bool test)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Obsm.TryGetValue(options.Representation, out var embedding))
            throw new DigitalCellException($"E-distance needs obsm '{options.Representation}' (run Pca first). Available: {(data.Obsm.Count == 0 ? "(none)" : string.Join(", ", data.Obsm.Keys))}.");
        if (test && options.Metric != EDistanceMetric.SquaredEuclidean)
            throw new DigitalCellException("The E-test is implemented for the squared Euclidean E-distance (scPerturb's) only.");
        if (test && options.Permutations <= 0) throw new DigitalCellException($"The E-test needs a positive number of permutations, got {options.Permutations}.");
        var groups = CellGroups.FromObs(data.Obs, [groupBy]);
        int refCode = groups.IndexOf(reference);
        if (refCode < 0)
            throw new DigitalCellException($"Reference group '{reference}' does not occur in obs column '{groupBy}'. Labels: {string.Join(", ", groups.Names.Take(20))}.");
        var names = (options.Groups ?? groups.Names.Where(g => g != reference).ToArray()).ToArray();
        foreach (var g in names)
            if (groups.IndexOf(g) < 0) throw new DigitalCellException($"Group '{g}' does not occur in obs column '{groupBy}'.");
        int k = embedding.ColumnCount;
        var values = embedding.RawValues;
        double[] Points(int code)
        {
            var rows = Enumerable.Range(0, groups.Codes.Length).Where(i => groups.Codes[i] == code).ToArray();
            var result = new double[(long)rows.Length * k];
            for (int r = 0; r < rows.Length; r++)
                for (int c = 0; c < k; c++) result[(long)r * k + c] = values[(long)rows[r] * k + c];
            return result;
        }
        var referencePoints = Points(refCode);
        var distance = new double[names.Length];
        var pValue = test ? new double[names.Length] : null;
        var counts = new int[names.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism is > 0 and var m ? m : -1 };
        Parallel.For(0, names.Length, parallel, i =>
        {
            var points = Points(groups.IndexOf(names[i]));
            counts[i] = points.Length / k;
            distance[i] = Between(points, referencePoints, k, options.Metric);
            if (pValue is not null) pValue[i] = PermutationPValue(points, referencePoints, k, distance[i], options.Permutations, Seeds.Derive(options.Seed, "e-test/" + names[i]));
        });
        return new EDistanceResult(reference, names, counts, distance, pValue, options);
    }

    /// <summary>Fraction of label permutations of the pooled cells whose E-distance is larger than <paramref name="observed"/>.</summary>
    private static double PermutationPValue(double[] x, double[] y, int k, double observed, int permutations, int seed)
    {
        int n = x.Length / k, m = y.Length / k, total = n + m;
        var pooled = new double[(long)total * k];
        x.CopyTo(pooled, 0);
        y.CopyTo(pooled, x.Length);
        var sum = new double[k];
        double sumSq = 0;
        for (int i = 0; i < total; i++)
            for (int c = 0; c < k; c++)
            {
                double v = pooled[(long)i * k + c];
                sum[c] += v;
                sumSq += v * v;
            }
        // draw the smaller side; the other side's sums follow by subtraction
        int draw = Math.Min(n, m);
        var rng = new Random(seed);
        var index = Enumerable.Range(0, total).ToArray();
        var drawnSum = new double[k];
        var otherSum = new double[k];
        int larger = 0;
        for (int p = 0; p < permutations; p++)
        {
            Array.Clear(drawnSum);
            double drawnSq = 0;
            for (int i = 0; i < draw; i++)
            {
                int j = rng.Next(i, total); // partial Fisher–Yates
                (index[i], index[j]) = (index[j], index[i]);
                long o = (long)index[i] * k;
                for (int c = 0; c < k; c++)
                {
                    double v = pooled[o + c];
                    drawnSum[c] += v;
                    drawnSq += v * v;
                }
            }
            int other = total - draw;
            for (int c = 0; c < k; c++) otherSum[c] = sum[c] - drawnSum[c];
            double e = FromSums(drawnSum, drawnSq, draw, otherSum, sumSq - drawnSq, other);
            if (e > observed) larger++;
        }
        return (double)larger / permutations;
    }

    private static double FromSums(double[] sumA, double sqA, int a, double[] sumB, double sqB, int b)
    {
        double normA = 0, normB = 0, cross = 0;
        for (int c = 0; c < sumA.Length; c++)
        {
            normA += sumA[c] * sumA[c];
            normB += sumB[c] * sumB[c];
            double d = sumA[c] / a - sumB[c] / b;
            cross += d * d;
        }
        return Combine(cross, sqA - normA / a, a, sqB - normB / b, b);
    }

    private static (double[] Mean, double SumOfSquares) Moments(ReadOnlySpan<double> points, int k)
    {
        int n = points.Length / k;
        var mean = new double[k];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++) mean[c] += points[i * k + c];
        for (int c = 0; c < k; c++) mean[c] /= n;
        double ss = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                double d = points[i * k + c] - mean[c];
                ss += d * d;
            }
        return (mean, ss);
    }

    private static double FromMoments(double[] meanX, double ssX, int n, double[] meanY, double ssY, int m)
    {
        double cross = 0;
        for (int c = 0; c < meanX.Length; c++)
        {
            double d = meanX[c] - meanY[c];
            cross += d * d;
        }
        return Combine(cross, ssX, n, ssY, m);
    }

    /// <summary>2δ − σx − σy with δ = ‖Δ‖² + SSx/n + SSy/m, σ = 2·SS/(size − 1) (0 for one point).</summary>
    private static double Combine(double meanGap, double ssX, int n, double ssY, int m)
    {
        double delta = meanGap + ssX / n + ssY / m;
        double sigmaX = n > 1 ? 2 * ssX / (n - 1) : 0;
        double sigmaY = m > 1 ? 2 * ssY / (m - 1) : 0;
        return 2 * delta - sigmaX - sigmaY;
    }

    private static double MeanEuclidean(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int k, bool excludeSelf)
    {
        int n = x.Length / k, m = y.Length / k;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = excludeSelf ? i + 1 : 0; j < m; j++)
            {
                double s = 0;
                for (int c = 0; c < k; c++)
                {
                    double d = x[i * k + c] - y[j * k + c];
                    s += d * d;
                }
                total += Math.Sqrt(s);
            }
        if (!excludeSelf) return total / ((double)n * m);
        return n > 1 ? 2 * total / ((double)n * (n - 1)) : 0;
    }
}
