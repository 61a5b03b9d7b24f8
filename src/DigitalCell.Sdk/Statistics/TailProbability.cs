using MathNet.Numerics;

namespace DigitalCell.Sdk.Statistics;

/// <summary>Two-sided tail probabilities accurate far into the tail (down to ~1e-300), where 1 − CDF would round to 0.</summary>
internal static class TailProbability
{
    /// <summary>2·Φ(−|z|) = erfc(|z|/√2), as scipy's <c>2 * norm.sf(abs(z))</c>.</summary>
    public static double Normal(double z) => Math.Min(1.0, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2.0)));

    /// <summary>
    /// 2·P(T_df > |t|) for Student's t, computed as the regularised incomplete beta I_x(df/2, 1/2) with
    /// x = df/(df + t²) (cephes <c>stdtr</c>, which scipy uses), so small p-values keep full relative precision.
    /// </summary>
    public static double StudentT(double t, double df)
    {
        if (double.IsNaN(t) || double.IsNaN(df)) return double.NaN;
        if (double.IsInfinity(t)) return 0.0;
        double x = df / (df + t * t);
        return Math.Min(1.0, SpecialFunctions.BetaRegularized(df / 2.0, 0.5, x));
    }
}
