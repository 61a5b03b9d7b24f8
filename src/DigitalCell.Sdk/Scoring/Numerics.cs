namespace DigitalCell.Sdk.Scoring;

/// <summary>Small numeric kernels shared by the metrics (double precision throughout, NaN where undefined as scipy does).</summary>
internal static class Numerics
{
    /// <summary>Pearson correlation (scipy.stats.pearsonr); NaN when either side is constant.</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (n < 2) return double.NaN;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }

    /// <summary>Spearman correlation: Pearson of average ranks (ties share the mean rank), as scipy and polars; NaN in, NaN out (scipy's <c>nan_policy='propagate'</c>).</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        HasNaN(x) || HasNaN(y) ? double.NaN : Pearson(AverageRanks(x), AverageRanks(y));

    private static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (double v in values) if (double.IsNaN(v)) return true;
        return false;
    }

    /// <summary>1-based ranks with ties averaged (scipy.stats.rankdata 'average').</summary>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        var copy = values.ToArray();
        var order = Enumerable.Range(0, copy.Length).OrderBy(i => copy[i]).ToArray();
        var ranks = new double[copy.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && copy[order[end + 1]] == copy[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    public static double MeanSquaredError(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) { double d = x[i] - y[i]; s += d * d; }
        return s / x.Length;
    }

    public static double MeanAbsoluteError(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Abs(x[i] - y[i]);
        return s / x.Length;
    }

    /// <summary>The values of <paramref name="x"/> at <paramref name="genes"/>.</summary>
    public static double[] Take(double[] x, int[] genes) => genes.Select(g => x[g]).ToArray();

    /// <summary>
    /// Mean of the defined values: nulls (metric does not apply) and NaN (metric undefined) are left out, so one
    /// undefined perturbation cannot poison a model's mean; reports say how many values each mean covers. Null when none is defined.
    /// </summary>
    public static double? MeanOfDefined(IEnumerable<double?> values)
    {
        double sum = 0;
        int n = 0;
        foreach (var v in values)
            if (v is double d && !double.IsNaN(d)) { sum += d; n++; }
        return n == 0 ? null : sum / n;
    }

    /// <summary>True when <paramref name="value"/> is present and not NaN.</summary>
    public static bool IsDefined(double? value) => value is double d && !double.IsNaN(d);
}
