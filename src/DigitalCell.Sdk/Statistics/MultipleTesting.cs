namespace DigitalCell.Sdk.Statistics;

/// <summary>Multiple-testing corrections.</summary>
public static class MultipleTesting
{
    /// <summary>
    /// Benjamini–Hochberg adjusted p-values (scipy <c>false_discovery_control(method="bh")</c>, statsmodels
    /// <c>fdr_bh</c>): p_(i)·m/i for the i-th smallest p, made monotone by a running minimum from the largest down,
    /// capped at 1. NaN p-values stay NaN and do not count towards m.
    /// </summary>
    public static double[] BenjaminiHochberg(ReadOnlySpan<double> pValues)
    {
        var result = new double[pValues.Length];
        var order = new int[pValues.Length];
        int m = 0;
        for (int i = 0; i < pValues.Length; i++)
        {
            if (double.IsNaN(pValues[i])) result[i] = double.NaN;
            else order[m++] = i;
        }
        var keys = new double[m];
        for (int k = 0; k < m; k++) keys[k] = pValues[order[k]];
        Array.Sort(keys, order, 0, m);
        double running = 1.0;
        for (int k = m - 1; k >= 0; k--)
        {
            running = Math.Min(running, keys[k] * m / (k + 1));
            result[order[k]] = running;
        }
        return result;
    }

    /// <summary>
    /// Holm–Šidák step-down adjusted p-values (statsmodels <c>multipletests(method="holm-sidak")</c>, used by scPerturb's
    /// E-test): for the i-th smallest of m p-values 1 − (1 − p)^(m − i + 1), made monotone by a running maximum, capped at 1.
    /// </summary>
    public static double[] HolmSidak(IReadOnlyList<double> pValues)
    {
        int m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var result = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++)
        {
            double adjusted = -PreciseMath.ExpM1((m - k) * PreciseMath.Log1P(-pValues[order[k]])); // 1 − (1 − p)^(m−k), exact for tiny p
            running = Math.Max(running, adjusted);
            result[order[k]] = Math.Min(1, running);
        }
        return result;
    }
}
