using DigitalCell.Sdk.Scoring;
using Microsoft.FSharp.Core;
using Plotly.NET;
using PlotlyChart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;

namespace DigitalCell.Sdk.Plotting;

/// <summary>
/// Plotly figures of a <see cref="ScoreReport"/>: metric bars per model with bootstrap CIs, predicted vs observed
/// change scatter per perturbation, and a DE-overlap heatmap (models × perturbations).
/// </summary>
public static class ScoreReportFigures
{
    /// <summary>One bar per model for <paramref name="metric"/>, with the bootstrap CI as error bars.</summary>
    public static GenericChart MetricBars(ScoreReport report, string metric)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = report.Rankings.Select(r => report.Summary(r.Model, metric)).ToArray();
        double[] means = rows.Select(s => s.Mean ?? double.NaN).ToArray();
        var chart = PlotlyChart.Column<double, string, string>(values: means, Keys: rows.Select(s => s.Model).ToArray(), Name: metric);
        if (rows.All(s => s.CiLow is double && s.CiHigh is double))
        {
            var plus = rows.Select(s => s.CiHigh!.Value - (s.Mean ?? 0)).ToArray();
            var minus = rows.Select(s => (s.Mean ?? 0) - s.CiLow!.Value).ToArray();
            chart = Plotly.NET.Chart.withYErrorStyle<double, double>(
                Visible: FSharpOption<bool>.Some(true), Type: FSharpOption<StyleParam.ErrorType>.Some(StyleParam.ErrorType.Data),
                Symmetric: FSharpOption<bool>.Some(false), Array: FSharpOption<IEnumerable<double>>.Some(plus),
                Arrayminus: FSharpOption<IEnumerable<double>>.Some(minus), Value: null, Valueminus: null, Traceref: null, Tracerefminus: null,
                Copy_ystyle: null, Color: null, Thickness: null, Width: null).Invoke(chart);
        }
        return chart.Titled($"{metric} ({ScoreReport.BestLabel(report.Metrics.First(m => m.Name == metric).Best)})")
            .WithYAxisStyle<double, double, string>(TitleText: metric);
    }

    /// <summary>A grid of <see cref="MetricBars"/>, one panel per metric (default: the overall-score metrics plus <c>pearson_delta</c> when scored).</summary>
    public static GenericChart MetricBarsGrid(ScoreReport report, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var names = (metrics ?? DefaultMetrics(report)).ToArray();
        if (names.Length == 0) throw new DigitalCellException("No per-perturbation metric to plot.");
        int columns = Math.Min(2, names.Length), rows = (names.Length + columns - 1) / columns;
        return PlotlyChart.Grid(names.Select(n => MetricBars(report, n).WithTraceInfo(Name: n, ShowLegend: false)), rows, columns)
            .WithSize(Width: 450 * columns, Height: 320 * rows)
            .Titled($"Metrics per model (mean, {ScoreReport.Format(report.Options.ConfidenceLevel * 100, "0")}% bootstrap CI) — {report.Mode.Name}");
    }

    /// <summary>Predicted vs observed change from control (each against its own control), one trace per perturbation, for one model.</summary>
    public static GenericChart DeltaScatter(ScoreReport report, string model)
    {
        ArgumentNullException.ThrowIfNull(report);
        var scores = report.ModelScores.FirstOrDefault(m => m.Model == model)
            ?? throw new DigitalCellException($"The report has no model '{model}'. Models: {string.Join(", ", report.Models)}.");
        var input = scores.Input;
        var traces = input.Perturbations.Select((p, i) =>
            PlotlyChart.Point<double, double, string>(x: input.RealDelta(i), y: input.PredictedDelta(i), Name: p,
                MultiText: input.Genes.ToArray()));
        double lo = input.Perturbations.Select((_, i) => Math.Min(input.RealDelta(i).Min(), input.PredictedDelta(i).Min())).Min();
        double hi = input.Perturbations.Select((_, i) => Math.Max(input.RealDelta(i).Max(), input.PredictedDelta(i).Max())).Max();
        var diagonal = PlotlyChart.Line<double, double, string>(x: new[] { lo, hi }, y: new[] { lo, hi }, Name: "y = x", ShowLegend: false);
        return PlotlyChart.Combine(traces.Append(diagonal))
            .Titled($"{model}: predicted vs observed change from control per gene")
            .WithXAxisStyle<double, double, string>(TitleText: "observed Δ (log1p)")
            .WithYAxisStyle<double, double, string>(TitleText: "predicted Δ (log1p)");
    }

    /// <summary>Heatmap of a per-perturbation metric (default the DE overlap <c>overlap_at_N</c>): models × perturbations.</summary>
    public static GenericChart PerPerturbationHeatmap(ScoreReport report, string metric = "overlap_at_N")
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!report.Metrics.Any(m => m.Name == metric && m.IsPerPerturbation))
            throw new DigitalCellException($"The report has no per-perturbation metric '{metric}'.");
        var models = report.Rankings.Select(r => r.Model).ToArray();
        var z = models.Select(m => report.ModelScores.First(s => s.Model == m).Values[metric].Select(v => v ?? double.NaN).ToArray()).ToArray();
        return PlotlyChart.Heatmap<double, string, string, string>(zData: z, X: report.ModelScores[0].Input.Perturbations.ToArray(), Y: models)
            .Titled($"{metric} per perturbation")
            .WithXAxisStyle<double, double, string>(TitleText: "perturbation");
    }

    /// <summary>The named figures a report saves under <c>figures/</c>: file stem → chart.</summary>
    public static IReadOnlyList<(string Name, GenericChart Chart)> All(ScoreReport report)
    {
        var figures = new List<(string, GenericChart)> { ("metrics", MetricBarsGrid(report)) };
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

    private static GenericChart Titled(this GenericChart chart, string title) => Plotly.NET.Chart.withTitle(title, null).Invoke(chart);

    private static string FileSafe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));
}
