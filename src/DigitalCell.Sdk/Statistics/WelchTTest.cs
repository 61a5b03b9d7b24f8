namespace DigitalCell.Sdk.Statistics;

/// <summary>Welch's unequal-variance t-test from summary statistics, as scipy's <c>ttest_ind_from_stats(equal_var=False)</c>.</summary>
internal static class WelchTTest
{
    /// <summary>
    /// t and two-sided p from means, sample variances (ddof = 1) and sizes. Where scipy returns NaN (a group of one
    /// cell, or both variances 0 with equal means) the result is t = 0, p = 1, as scanpy's <c>rank_genes_groups</c> does.
    /// </summary>
    public static (double T, double P) Test(double mean1, double variance1, int n1, double mean2, double variance2, int n2)
    {
        double vn1 = variance1 / n1, vn2 = variance2 / n2;
        double df = (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (n1 - 1) + vn2 * vn2 / (n2 - 1));
        if (double.IsNaN(df)) df = 1; // scipy's convention when both variances are 0
        double t = (mean1 - mean2) / Math.Sqrt(vn1 + vn2);
        if (double.IsNaN(t)) return (0, 1);
        return (t, TailProbability.StudentT(t, df));
    }
}
