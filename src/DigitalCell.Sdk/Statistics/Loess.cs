namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// One-dimensional LOESS (Cleveland 1979; Cleveland, Grosse &amp; Shyu 1992): at every x a weighted least-squares
/// polynomial fit over the nearest ⌊span·n⌋ points with tricube weights (1 − (d/h)³)³, h = distance to the farthest
/// of those neighbours; Gaussian family, no robustness iterations.
/// </summary>
/// <remarks>
/// This is the "direct" surface of R's <c>loess</c> / skmisc's <c>loess(surface="direct")</c>. scanpy's Seurat v3
/// HVG calls skmisc with the default <c>surface="interpolate"</c>, which evaluates the same local fits at kd-tree
/// vertices and blends them with cubic Hermite interpolation; the two agree closely but not to machine precision.
/// </remarks>
public static class Loess
{
    /// <summary>Fitted values at every x (local polynomial of <paramref name="degree"/> 1 or 2).</summary>
    public static double[] Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double span = 0.3, int degree = 2)
    {
        if (x.Length != y.Length) throw new DigitalCellException($"LOESS: {x.Length} x values but {y.Length} y values.");
        if (degree is < 1 or > 2) throw new DigitalCellException($"LOESS degree must be 1 or 2, got {degree}.");
        if (!(span > 0 && span <= 1)) throw new DigitalCellException($"LOESS span must be in (0, 1], got {span}.");
        int n = x.Length;
        if (n == 0) return [];
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var xs = x.ToArray();
        Array.Sort(xs, order);
        var ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = y[order[i]];
        int q = Math.Max(degree + 1, Math.Min(n, (int)Math.Floor(n * span)));
        var fitted = new double[n];
        Parallel.For(0, n, i =>
        {
            double x0 = xs[i];
            // the q nearest neighbours of x0 form a contiguous window of the sorted xs
            int lo = Math.Max(0, i - q + 1);
            lo = FindWindow(xs, x0, lo, q);
            double h = Math.Max(x0 - xs[lo], xs[lo + q - 1] - x0);
            fitted[order[i]] = LocalFit(xs, ys, lo, q, x0, h, degree);
        });
        return fitted;
    }

    /// <summary>The start of the q-point window of sorted xs closest to x0 (starting the search at the leftmost candidate).</summary>
    private static int FindWindow(double[] xs, double x0, int lo, int q)
    {
        int maxLo = xs.Length - q;
        if (lo > maxLo) lo = maxLo;
        // slide right while the point entering on the right is closer than the one leaving on the left
        while (lo < maxLo && xs[lo + q] - x0 < x0 - xs[lo]) lo++;
        return lo;
    }

    private static double LocalFit(double[] xs, double[] ys, int lo, int q, double x0, double h, int degree)
    {
        // normal equations of the weighted polynomial fit in t = x − x0; the fitted value is the intercept
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, b0 = 0, b1 = 0, b2 = 0;
        for (int k = lo; k < lo + q; k++)
        {
            double t = xs[k] - x0;
            double w;
            if (h > 0)
            {
                double u = Math.Abs(t) / h;
                if (u >= 1) continue;
                double c = 1 - u * u * u;
                w = c * c * c;
            }
            else w = 1;
            double wt = w * t, wt2 = wt * t;
            s0 += w; s1 += wt; s2 += wt2; s3 += wt2 * t; s4 += wt2 * t * t;
            b0 += w * ys[k]; b1 += wt * ys[k]; b2 += wt2 * ys[k];
        }
        if (degree == 1) return LinearIntercept(s0, s1, s2, b0, b1);
        // Cramer's rule for the intercept of [[s0 s1 s2][s1 s2 s3][s2 s3 s4]]·β = [b0 b1 b2]
        double det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
        if (!(Math.Abs(det) > 1e-300 * Math.Max(1, s4 * s4))) return LinearIntercept(s0, s1, s2, b0, b1); // collinear: fall back to a line
        double num = b0 * (s2 * s4 - s3 * s3) - s1 * (b1 * s4 - s3 * b2) + s2 * (b1 * s3 - s2 * b2);
        return num / det;
    }

    private static double LinearIntercept(double s0, double s1, double s2, double b0, double b1)
    {
        double det = s0 * s2 - s1 * s1;
        return Math.Abs(det) > 1e-300 ? (s2 * b0 - s1 * b1) / det : b0 / s0;
    }
}
