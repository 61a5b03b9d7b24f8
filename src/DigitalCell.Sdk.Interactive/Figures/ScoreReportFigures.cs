using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Figures;

/// <summary>
/// Figures of a <see cref="ScoreReport"/>: metric bars per model with bootstrap CIs, predicted vs observed change
/// scatter per perturbation, and a per-perturbation heatmap (models × perturbations, default the DE overlap).
/// </summary>
public static class ScoreReportFigures
{
    /// <summary>One bar per model for <paramref name="metric"/>, with the bootstrap CI as error bars.</summary>
    public static Figure MetricBars(ScoreReport report, string metric)
    {
        ArgumentNullException.ThrowIfNull(report);
        var definition = report.Metrics.FirstOrDefault(m => m.Name == metric)
            ?? throw new DigitalCellException($"The report has no metric '{metric}'. Metrics: {string.Join(", ", report.Metrics.Select(m => m.Name))}.");
        var rows = report.Rankings.Select(r => report.Summary(r.Model, metric)).ToArray();
        var bars = Trace.Bar(rows.Select(s => s.Model), rows.Select(s => s.Mean ?? double.NaN), metric);
        if (rows.All(s => s.CiLow is double && s.CiHigh is double))
            bars = bars.WithErrorBars(rows.Select(s => s.CiHigh!.Value - (s.Mean ?? 0)), rows.Select(s => (s.Mean ?? 0) - s.CiLow!.Value));
        return new Figure(bars).WithTitle($"{metric} ({ScoreReport.BestLabel(definition.Best)})").WithYAxis(metric);
    }

    /// <summary>A grid of <see cref="MetricBars"/>, one panel per metric (default: the overall-score metrics plus <c>pearson_delta</c> when scored).</summary>
    public static Figure MetricBarsGrid(ScoreReport report, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var names = (metrics ?? DefaultMetrics(report)).ToArray();
        if (names.Length == 0) throw new DigitalCellException("No per-perturbation metric to plot.");
        int columns = Math.Min(2, names.Length), rows = (names.Length + columns - 1) / columns;
        return Figure.Grid([.. names.Select(n => MetricBars(report, n))], columns)
            .WithLayout("showlegend", false)
            .WithSize(450 * columns, 320 * rows)
            .WithTitle($"Metrics per model (mean, {ScoreReport.Format(report.Options.ConfidenceLevel * 100, "0")}% bootstrap CI) — {report.Mode.Name}");
    }

    /// <summary>Predicted vs observed change from control (each against its own control), one trace per perturbation, for one model.</summary>
    public static Figure DeltaScatter(ScoreReport report, string model)
    {
        ArgumentNullException.ThrowIfNull(report);
        var scores = report.ModelScores.FirstOrDefault(m => m.Model == model)
            ?? throw new DigitalCellException($"The report has no model '{model}'. Models: {string.Join(", ", report.Models)}.");
        var input = scores.Input;
        var traces = input.Perturbations.Select((p, i) => Trace.Scatter(input.RealDelta(i), input.PredictedDelta(i), p, input.Genes)).ToList();
        double lo = input.Perturbations.Select((_, i) => Math.Min(input.RealDelta(i).Min(), input.PredictedDelta(i).Min())).Min();
        double hi = input.Perturbations.Select((_, i) => Math.Max(input.RealDelta(i).Max(), input.PredictedDelta(i).Max())).Max();
        traces.Add(Trace.Line([lo, hi], [lo, hi], "y = x").With("showlegend", false).With("line.color", "#888888"));
        return new Figure(traces)
            .WithTitle($"{model}: predicted vs observed change from control per gene")
            .WithXAxis("observed Δ (log1p)")
            .WithYAxis("predicted Δ (log1p)");
    }

    /// <summary>Heatmap of a per-perturbation metric (default the DE overlap <c>overlap_at_N</c>): models × perturbations.</summary>
    public static Figure PerPerturbationHeatmap(ScoreReport report, string metric = "overlap_at_N")
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.Metrics.Any(m => m.Name == metric && m.IsPerPerturbation))
            throw new DigitalCellException($"The report has no per-perturbation metric '{metric}'.");
        var models = report.Rankings.Select(r => r.Model).ToArray();
        var z = models.Select(m => report.ModelScores.First(s => s.Model == m).Values[metric].Select(v => v ?? double.NaN));
        return new Figure(Trace.Heatmap(z, report.ModelScores[0].Input.Perturbations, models, metric))
            .WithTitle($"{metric} per perturbation")
            .WithXAxis("perturbation");
    }

    /// <summary>The named figures a report saves under <c>figures/</c>: file stem → figure.</summary>
    public static IReadOnlyList<(string Name, Figure Figure)> All(ScoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var figures = new List<(string, Figure)> { ("metrics", MetricBarsGrid(report)) };
        figures.AddRange(report.Models.Select(m => ("delta-scatter-" + FileSafe(m), DeltaScatter(report, m))));
        string heat = report.Metrics.Any(m => m.Name == "overlap_at_N") ? "overlap_at_N" : DefaultMetrics(report).First();
        figures.Add((heat == "overlap_at_N" ? "de-overlap-heatmap" : FileSafe(heat) + "-heatmap", PerPerturbationHeatmap(report, heat)));
        return figures;
    }

    private static IEnumerable<string> DefaultMetrics(ScoreReport report)
    {
        var perPert = report.Metrics.Where(m => m.IsPerPerturbation).Select(m => m.Name).ToList();
        var chosen = report.OverallMetricNames.Where(perPert.Contains).ToList();
        if (perPert.Contains("pearson_delta") && !chosen.Contains("pearson_delta")) chosen.Add("pearson_delta");
        return chosen.Count > 0 ? chosen : perPert.Take(4);
    }

    private static string FileSafe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));
}
