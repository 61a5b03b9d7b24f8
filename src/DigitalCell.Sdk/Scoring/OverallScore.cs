namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The Virtual Cell Challenge's overall score (cell-eval <c>_score.py::score_agg_metrics</c>): each metric's mean u is
/// scaled against the baseline's mean b — (u − b)/(1 − b) when the best value is 1, 1 − u/b when it is 0 — NaN
/// becomes 0, values below 0 are clipped to 0 (no upper clip), and the overall score is the arithmetic mean.
/// The leaderboard showed it ×100.
/// </summary>
public static class OverallScore
{
    /// <summary>The scaled improvement of one metric over the baseline, clipped at 0.</summary>
    public static double Scaled(double user, double baseline, MetricBest best)
    {
        double s = Unclipped(user, baseline, best);
        return double.IsNaN(s) ? 0 : Math.Max(0, s);
    }

    /// <summary>
    /// The scaled improvement without the clip: negative when the model is worse than the baseline, NaN when either
    /// mean is undefined. The clipped score hides how much worse a model is (every model at 0 says nothing); this
    /// one is reported next to it.
    /// </summary>
    public static double Unclipped(double user, double baseline, MetricBest best) => best switch
    {
        MetricBest.One => (user - baseline) / (1 - baseline),
        MetricBest.Zero => 1 - user / baseline,
        _ => throw new DigitalCellException("Metrics without a best value are not scaled against a baseline."),
    };

    /// <summary>The mean of the scaled scores of the given metric means.</summary>
    /// <param name="user">Metric name → the model's mean.</param>
    /// <param name="baseline">Metric name → the baseline's mean.</param>
    /// <param name="metrics">The metrics to include (those with a best value).</param>
    public static double Compute(IReadOnlyDictionary<string, double?> user, IReadOnlyDictionary<string, double?> baseline, IEnumerable<Metric> metrics) =>
        Mean(user, baseline, metrics, Scaled);

    /// <summary>The mean of the unclipped scaled scores (NaN when a metric's mean is undefined).</summary>
    public static double ComputeUnclipped(IReadOnlyDictionary<string, double?> user, IReadOnlyDictionary<string, double?> baseline, IEnumerable<Metric> metrics) =>
        Mean(user, baseline, metrics, Unclipped);

    private static double Mean(IReadOnlyDictionary<string, double?> user, IReadOnlyDictionary<string, double?> baseline, IEnumerable<Metric> metrics,
        Func<double, double, MetricBest, double> scale)
    {
        var scaled = metrics.Where(m => m.Best != MetricBest.None)
            .Select(m => scale(user.GetValueOrDefault(m.Name) ?? double.NaN, baseline.GetValueOrDefault(m.Name) ?? double.NaN, m.Best))
            .ToArray();
        return scaled.Length == 0 ? double.NaN : scaled.Average();
    }
}
