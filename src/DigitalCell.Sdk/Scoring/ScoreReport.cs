using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The result of a benchmark: per-perturbation scores, per-model aggregates with bootstrap confidence intervals over
/// perturbations, the overall score scaled against a baseline (the Virtual Cell Challenge's cell-mean), and model ranks.
/// Renders as JSON (<see cref="ToJson"/>) and markdown (<see cref="ToMarkdown"/>), saved by <see cref="Save"/>; the HTML
/// page with figures and the notebook display come with DigitalCell.Sdk.Interactive.
/// </summary>
public sealed partial class ScoreReport
{
    /// <summary>The <see cref="WorkProgress.Step"/> of the confidence intervals' bootstrap in <see cref="Create"/>.</summary>
    public const string BootstrapStep = "bootstrap";

    private ScoreReport(ScoringMode mode, IReadOnlyList<Metric> metrics, IReadOnlyList<ModelScores> models, IReadOnlyList<MetricSummary> summaries,
        IReadOnlyList<ModelRanking> rankings, ScoreReportOptions options)
    {
        Mode = mode;
        Metrics = metrics;
        ModelScores = models;
        Summaries = summaries;
        Rankings = rankings;
        Options = options;
    }

    /// <summary>The definitions used.</summary>
    public ScoringMode Mode { get; }

    /// <summary>The metrics, in report order.</summary>
    public IReadOnlyList<Metric> Metrics { get; }

    /// <summary>Raw scores per model, in report order.</summary>
    public IReadOnlyList<ModelScores> ModelScores { get; }

    /// <summary>One row per model × metric: mean, standard deviation, bootstrap CI, count, scaled score.</summary>
    public IReadOnlyList<MetricSummary> Summaries { get; }

    /// <summary>One row per model: overall score and ranks, best first.</summary>
    public IReadOnlyList<ModelRanking> Rankings { get; }

    /// <summary>How the report was aggregated.</summary>
    public ScoreReportOptions Options { get; }

    /// <summary>The split scored, when the report comes from <c>Benchmark</c>.</summary>
    public PerturbationSplit? Split { get; private init; }

    /// <summary>Identifier of the data scored.</summary>
    public string? DataId { get; private init; }

    /// <summary>Free-form notes on how the data was prepared (normalisation, DE settings), shown in every rendering.</summary>
    public IReadOnlyList<string> Notes { get; private init; } = Array.Empty<string>();

    /// <summary>A copy that records where the scores came from (split, data, preparation notes).</summary>
    public ScoreReport WithProvenance(PerturbationSplit? split, string? dataId, IReadOnlyList<string> notes) =>
        new(Mode, Metrics, ModelScores, Summaries, Rankings, Options) { Split = split, DataId = dataId, Notes = notes, Record = Record };

    /// <summary>
    /// What produced the report (inputs with checksums, software, parameters, seed, times), written into
    /// <c>report.json</c> as <c>provenance</c> without its outputs (the report is one of them; <c>provenance.json</c>
    /// beside it lists them all); null when the caller recorded none.
    /// </summary>
    public Records.ProvenanceRecord? Record { get; private init; }

    /// <summary>A copy that carries <paramref name="record"/> (see <see cref="Record"/>).</summary>
    public ScoreReport WithRecord(Records.ProvenanceRecord record) =>
        new(Mode, Metrics, ModelScores, Summaries, Rankings, Options) { Split = Split, DataId = DataId, Notes = Notes, Record = record with { Outputs = [] } };

    /// <summary>Model names, in report order.</summary>
    public IReadOnlyList<string> Models => ModelScores.Select(m => m.Model).ToArray();

    /// <summary>The summary of one model and metric.</summary>
    /// <exception cref="DigitalCellException">Unknown model or metric.</exception>
    public MetricSummary Summary(string model, string metric) =>
        Summaries.FirstOrDefault(s => s.Model == model && s.Metric == metric)
        ?? throw new DigitalCellException($"The report has no '{metric}' for model '{model}'. Models: {string.Join(", ", Models)}; metrics: {string.Join(", ", Metrics.Select(m => m.Name))}.");

    /// <summary>Per-perturbation rows (model, perturbation, metric, value) of every per-perturbation metric.</summary>
    public IEnumerable<PerturbationScore> PerturbationScores() =>
        from m in ModelScores
        from metric in Metrics.Where(x => x.IsPerPerturbation)
        from i in Enumerable.Range(0, m.Input.Perturbations.Count)
        select new PerturbationScore(m.Model, m.Input.Perturbations[i], metric.Name, m.Values[metric.Name][i]);

    /// <summary>
    /// Means of each per-perturbation metric within each named test group of the split (GEARS' <c>unseen_single</c>,
    /// <c>combo_seen0/1/2</c>): group → model → metric → mean. Empty when the split has no groups.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>>> GroupMeans()
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double?>>>(StringComparer.Ordinal);
        if (Split?.TestGroups is not { } groups) return result;
        foreach (var (group, labels) in groups.Where(g => g.Value.Count > 0))
        {
            var members = labels.ToHashSet(StringComparer.Ordinal);
            result[group] = ModelScores.ToDictionary(m => m.Model, m =>
            {
                var rows = Enumerable.Range(0, m.Input.Perturbations.Count).Where(i => members.Contains(m.Input.Units[i].Perturbation)).ToArray();
                return (IReadOnlyDictionary<string, double?>)Metrics.Where(x => x.IsPerPerturbation)
                    .ToDictionary(x => x.Name, x => Numerics.MeanOfDefined(rows.Select(i => m.Values[x.Name][i])));
            });
        }
        return result;
    }

    /// <summary>Aggregates scores into a report.</summary>
    /// <param name="scores">One entry per model (same perturbations).</param>
    /// <param name="metrics">The metrics that were computed.</param>
    /// <param name="mode">The definitions used.</param>
    /// <param name="options">Baseline for scaling, bootstrap settings.</param>
    /// <param name="progress">Receives the bootstrap's progress, one unit per model × metric (<see cref="BootstrapStep"/>).</param>
    /// <exception cref="DigitalCellException">No models, or models scored on different perturbations.</exception>
    public static ScoreReport Create(IReadOnlyList<ModelScores> scores, IReadOnlyList<Metric> metrics, ScoringMode mode, ScoreReportOptions? options = null,
        IProgress<WorkProgress>? progress = null)
    {
        options ??= new ScoreReportOptions();
        if (scores.Count == 0) throw new DigitalCellException("A score report needs at least one model.");
        var perts = scores[0].Input.Perturbations;
        foreach (var s in scores)
            if (!s.Input.Perturbations.SequenceEqual(perts, StringComparer.Ordinal))
                throw new DigitalCellException($"Model '{s.Model}' was scored on other perturbations than '{scores[0].Model}'.");

        var means = scores.ToDictionary(s => s.Model, s => metrics.ToDictionary(m => m.Name, m => Numerics.MeanOfDefined(s.Values[m.Name])));
        var baseline = options.BaselineModel is string b && means.TryGetValue(b, out var bm) ? bm : null;
        var overallMetrics = (options.OverallMetrics ?? DefaultOverall(metrics, mode)).ToArray();

        var summaries = new List<MetricSummary>();
        foreach (var s in scores)
            foreach (var metric in metrics)
            {
                var values = s.Values[metric.Name];
                var (low, high) = metric.IsPerPerturbation
                    ? Bootstrap.PercentileInterval(values, options.BootstrapSamples, BootstrapSeed(options.Seed, metric), options.ConfidenceLevel)
                    : (null, null);
                bool anchored = mode.ScaledByAnchors && Vcc2026Metrics.IsVcc2026(metric) && s.Input.Vcc2026Reference is not null;
                bool scale = baseline is not null && metric.Best != MetricBest.None;
                double user = means[s.Model][metric.Name] ?? double.NaN, reference = baseline?[metric.Name] ?? double.NaN;
                summaries.Add(new MetricSummary(s.Model, metric.Name, metric.Best, means[s.Model][metric.Name], StandardDeviation(values),
                    low, high, values.Count(Numerics.IsDefined),
                    anchored ? s.Input.Vcc2026Comparison(metric.Name).Scaled(metric.Name, clamp: true) : scale ? OverallScore.Scaled(user, reference, metric.Best) : null)
                {
                    Undefined = values.Count(v => v is double d && double.IsNaN(d)),
                    Total = values.Length,
                    ScaledUnclipped = anchored ? s.Input.Vcc2026Comparison(metric.Name).Scaled(metric.Name, clamp: false)
                        : scale ? OverallScore.Unclipped(user, reference, metric.Best) : null,
                });
                WorkProgress.ReportStep(progress, BootstrapStep, summaries.Count, (long)scores.Count * metrics.Count);
            }

        Func<string, (double? Score, double? Unclipped)> overall = mode.ScaledByAnchors
            ? model => AnchoredOverall(summaries, model, overallMetrics)
            : model => baseline is null ? (null, null)
                : (OverallScore.Compute(means[model], baseline, overallMetrics), OverallScore.ComputeUnclipped(means[model], baseline, overallMetrics));
        var rankings = Rank(scores, metrics, means, overall);
        return new ScoreReport(mode, metrics, scores, summaries, rankings, options with { OverallMetrics = overallMetrics });
    }

    /// <summary>
    /// The resampling seed of one metric's intervals: the same for every model (paired resamples, so models compare on
    /// the same draws) and independent of which other metrics were chosen.
    /// </summary>
    private static int BootstrapSeed(int seed, Metric metric) => Seeds.Derive(seed, "bootstrap/" + metric.Name);

    /// <summary>
    /// VCC 2026: the equal-weight mean of the anchored metrics' scaled scores (each already the mean over contexts of
    /// (u − b)/(r − b)); null when none was scaled.
    /// </summary>
    private static (double? Score, double? Unclipped) AnchoredOverall(List<MetricSummary> summaries, string model, IReadOnlyList<Metric> overallMetrics)
    {
        var rows = summaries.Where(x => x.Model == model && x.Scaled is not null && overallMetrics.Any(m => m.Name == x.Metric)).ToArray();
        return rows.Length == 0 ? (null, null) : (rows.Average(r => r.Scaled!.Value), rows.Average(r => r.ScaledUnclipped!.Value));
    }

    private static IReadOnlyList<Metric> DefaultOverall(IReadOnlyList<Metric> metrics, ScoringMode mode)
    {
        if (mode.ScaledByAnchors && metrics.Any(Vcc2026Metrics.IsVcc2026)) return metrics.Where(Vcc2026Metrics.IsVcc2026).ToArray();
        var vcc = Scoring.Metrics.VirtualCellChallenge;
        return vcc.All(v => metrics.Any(m => m.Name == v.Name)) ? vcc : metrics.Where(m => m.Best != MetricBest.None).ToArray();
    }

    private static List<ModelRanking> Rank(IReadOnlyList<ModelScores> scores, IReadOnlyList<Metric> metrics,
        Dictionary<string, Dictionary<string, double?>> means, Func<string, (double? Score, double? Unclipped)> overall)
    {
        var ranks = scores.ToDictionary(s => s.Model, _ => new Dictionary<string, int>(StringComparer.Ordinal));
        foreach (var metric in metrics.Where(m => m.Best != MetricBest.None))
        {
            // Competition ranking (1, 2, 2, 4). A model defined on fewer perturbations ranks behind every model defined
            // on more, whatever its mean: an undefined value never outranks a defined one.
            (int Missing, double Value) Key(string model) => (
                scores.First(x => x.Model == model).Values[metric.Name].Count(v => !Numerics.IsDefined(v)),
                means[model][metric.Name] is double v ? (metric.Best == MetricBest.One ? -v : v) : double.PositiveInfinity);
            bool Better((int Missing, double Value) a, (int Missing, double Value) b) => a.Missing < b.Missing || (a.Missing == b.Missing && a.Value < b.Value);
            foreach (var s in scores)
                ranks[s.Model][metric.Name] = 1 + scores.Count(o => Better(Key(o.Model), Key(s.Model)));
        }
        return scores.Select(s => new ModelRanking(s.Model, overall(s.Model).Score,
                ranks[s.Model].Count == 0 ? double.NaN : ranks[s.Model].Values.Average(), ranks[s.Model])
            {
                OverallScoreUnclipped = overall(s.Model).Unclipped,
            })
            .OrderByDescending(r => r.OverallScore ?? double.NegativeInfinity).ThenBy(r => r.MeanRank).ToList();
    }

    private static double? StandardDeviation(double?[] values)
    {
        var present = values.Where(Numerics.IsDefined).Select(v => v!.Value).ToArray();
        if (present.Length < 2) return null;
        double mean = present.Average();
        return Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Length - 1)); // ddof = 1, as polars describe()
    }
}

/// <summary>Aggregation settings of a <see cref="ScoreReport"/>.</summary>
/// <param name="BaselineModel">The model the overall score is scaled against (the VCC uses <c>cell-mean</c>); null = no scaling.</param>
/// <param name="BootstrapSamples">Bootstrap resamples of perturbations for the confidence intervals.</param>
/// <param name="Seed">Bootstrap seed.</param>
/// <param name="ConfidenceLevel">Two-sided level of the percentile intervals.</param>
/// <param name="OverallMetrics">Metrics averaged into the overall score; null = the VCC trio when scored, else all scored metrics with a best value.</param>
public sealed record ScoreReportOptions(string? BaselineModel = "cell-mean", int BootstrapSamples = 1000, int Seed = 0, double ConfidenceLevel = 0.95,
    IReadOnlyList<Metric>? OverallMetrics = null);

/// <summary>One model's aggregate of one metric.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Metric">Metric name.</param>
/// <param name="Best">The metric's ideal value.</param>
/// <param name="Mean">Mean over the perturbations with a defined value (NaN-aware, unlike polars' mean); null when none has one.</param>
/// <param name="StandardDeviation">Sample standard deviation (ddof 1) over perturbations.</param>
/// <param name="CiLow">Lower bootstrap percentile bound of the mean.</param>
/// <param name="CiHigh">Upper bootstrap percentile bound of the mean.</param>
/// <param name="Count">Perturbations with a defined value: the perturbations the mean covers.</param>
/// <param name="Scaled">Scaled improvement over the baseline, clipped at 0 (VCC 2025 convention); in VCC 2026 mode (u − b)/(r − b) against the context anchors with the brief's member clamps.</param>
public sealed record MetricSummary(string Model, string Metric, MetricBest Best, double? Mean, double? StandardDeviation, double? CiLow, double? CiHigh, int Count, double? Scaled)
{
    /// <summary>Perturbations whose value is NaN (undefined, e.g. a correlation with a constant prediction); kept per perturbation, left out of the mean.</summary>
    public int Undefined { get; init; }

    /// <summary>Perturbations scored (defined, undefined, and those where the metric does not apply).</summary>
    public int Total { get; init; }

    /// <summary>Scaled improvement over the baseline without the clip at 0 (negative: worse than the baseline).</summary>
    public double? ScaledUnclipped { get; init; }
}

/// <summary>One per-perturbation score.</summary>
public sealed record PerturbationScore(string Model, string Perturbation, string Metric, double? Value);

/// <summary>A model's standing.</summary>
/// <param name="Model">Model name.</param>
/// <param name="OverallScore">Mean scaled score over the overall metrics (VCC score); null without a baseline.</param>
/// <param name="MeanRank">Mean rank over metrics (1 = best).</param>
/// <param name="Ranks">Rank per metric.</param>
public sealed record ModelRanking(string Model, double? OverallScore, double MeanRank, IReadOnlyDictionary<string, int> Ranks)
{
    /// <summary>The same mean of scaled scores without the clip at 0 (negative: worse than the baseline); null without a baseline.</summary>
    public double? OverallScoreUnclipped { get; init; }
}
