namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// expm1 and log1p accurate near 0, as numpy's. .NET's <c>double.ExpM1</c> and <c>double.LogP1</c> are computed as
/// exp(x) − 1 and log(1 + x), which lose digits for small x (e.g. the mean of a rarely expressed gene).
/// </summary>
internal static class PreciseMath
{
    /// <summary>exp(x) − 1. Kahan's trick: (u − 1)·x / log(u) with u = exp(x) cancels the rounding error of u.</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        return double.IsInfinity(u) ? u : um1 * x / Math.Log(u);
    }

    /// <summary>log(1 + x). Goldberg's trick: log(u)·x / (u − 1) with u = 1 + x cancels the rounding error of u.</summary>
    public static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        return double.IsInfinity(u) ? u : Math.Log(u) * x / (u - 1.0);
    }
}
