namespace DigitalCell.Sdk.Tests.Statistics;

/// <summary>Element-wise comparisons with a relative tolerance, reporting the worst offender.</summary>
internal static class Compare
{
    /// <summary>
    /// Asserts |a − e| ≤ rel·max(|e|, floor) for every element (equal infinities pass). Expected values below
    /// <paramref name="skipBelow"/> in magnitude are skipped (p-values under 1e-300 lose precision in every library).
    /// </summary>
    public static void Close(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double rel, string what, double floor = 0, double skipBelow = 0)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (a == e || (skipBelow > 0 && Math.Abs(e) < skipBelow && Math.Abs(a) < skipBelow)) continue;
            double err = Math.Abs(a - e) / Math.Max(Math.Abs(e), floor);
            if (double.IsNaN(err) || err > worst) { worst = double.IsNaN(err) ? double.PositiveInfinity : err; at = i; }
        }
        Assert.That(worst, Is.LessThanOrEqualTo(rel), at < 0 ? what : $"{what}: worst at {at}: {actual[at]:R} vs {expected[at]:R}");
    }

    /// <summary>Same as <see cref="Close(ReadOnlySpan{double}, ReadOnlySpan{double}, double, string, double, double)"/> for float32 results.</summary>
    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double rel, string what, double floor = 0)
    {
        var a = new double[actual.Length];
        var e = new double[expected.Length];
        for (int i = 0; i < a.Length; i++) a[i] = actual[i];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        Close(a, e, rel, what, floor);
    }

    /// <summary>
    /// Asserts the genes ranked by <paramref name="ours"/> (ascending, stable) are also ranked by <paramref name="reference"/>:
    /// along our order the reference never decreases by more than a relative 1e-9 (ties may come in either order).
    /// </summary>
    public static void SameRanking(double[] ours, double[] reference, string what)
    {
        var order = Enumerable.Range(0, ours.Length).OrderBy(i => ours[i]).ToArray();
        for (int k = 1; k < order.Length; k++)
        {
            double prev = reference[order[k - 1]], cur = reference[order[k]];
            Assert.That(cur >= prev - 1e-9 * Math.Abs(prev), $"{what}: rank {k} gene {order[k]} ({cur:R}) comes after {order[k - 1]} ({prev:R})");
        }
    }
}
