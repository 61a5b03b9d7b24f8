using System.Globalization;
using System.Text;

namespace DigitalCell.Sdk.Scoring;

public sealed partial class ScoreReport
{
    /// <summary>The report as markdown: ranking with overall score, then every metric's mean and CI per model.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Perturbation benchmark");
        md.AppendLine();
        foreach (var line in Header()) md.AppendLine("- " + line);
        md.AppendLine();
        md.AppendLine("## Ranking");
        md.AppendLine();
        var headers = new List<string> { "rank", "model", OverallLabel, "unclipped", "mean rank" };
        var rows = Rankings.Select((r, i) => new List<string>
            { (i + 1).ToString(CultureInfo.InvariantCulture), r.Model, Format(r.OverallScore), Format(r.OverallScoreUnclipped), Format(r.MeanRank, "0.00") }).ToList();
        AppendTable(md, headers, rows);
        md.AppendLine();
        md.AppendLine($"## Metrics (mean over perturbations with a defined value, {Format(Options.ConfidenceLevel * 100, "0")}% bootstrap CI over perturbations; " +
                      "\"n/N\" when the mean covers only n of N perturbations)");
        md.AppendLine();
        var metricRows = Metrics.Select(m => new List<string> { m.Name, BestLabel(m.Best) }
            .Concat(Rankings.Select(r => FormatWithInterval(Summary(r.Model, m.Name)))).ToList()).ToList();
        AppendTable(md, ["metric", "best"], Rankings.Select(r => r.Model), metricRows);
        md.AppendLine();
        var groups = GroupMeans();
        if (groups.Count > 0)
        {
            md.AppendLine("## By test group (mean over the group's perturbations)");
            md.AppendLine();
            var perPertMetrics = Metrics.Where(m => m.IsPerPerturbation).Select(m => m.Name).ToArray();
            AppendTable(md, ["group", "model"], perPertMetrics,
                (from g in groups from r in Rankings select new List<string> { g.Key, r.Model }.Concat(perPertMetrics.Select(m => Format(g.Value[r.Model][m]))).ToList()).ToList());
            md.AppendLine();
        }
        md.AppendLine("## Per perturbation (" + string.Join(", ", OverallMetricNames) + ")");
        md.AppendLine();
        var perPert = ModelScores[0].Input.Perturbations.Select((p, i) => new List<string> { p }
            .Concat(from r in Rankings from metric in OverallMetricNames.Where(n => Metrics.First(m => m.Name == n).IsPerPerturbation)
                    select Format(ModelScores.First(s => s.Model == r.Model).Values[metric][i])).ToList()).ToList();
        AppendTable(md, ["perturbation"],
            from r in Rankings from metric in OverallMetricNames.Where(n => Metrics.First(m => m.Name == n).IsPerPerturbation) select $"{r.Model} {metric}", perPert);
        md.AppendLine();
        md.AppendLine("## Metric definitions");
        md.AppendLine();
        foreach (var m in Metrics) md.AppendLine($"- `{m.Name}` ({BestLabel(m.Best)}): {m.Description}");
        return md.ToString();
    }

    /// <summary>The label of the overall score column.</summary>
    public string OverallLabel => Anchors.Count > 0 ? "VCC 2026 score (vs baseline and replicate)"
        : Options.BaselineModel is null ? "overall score" : $"overall score (vs {Options.BaselineModel})";

    /// <summary>The VCC 2026 anchors of the scored data (empty outside <see cref="ScoringMode.Vcc2026"/>).</summary>
    public IReadOnlyList<Vcc2026Anchor> Anchors =>
        Mode.ScaledByAnchors && ModelScores[0].Input.Vcc2026Reference is { } reference ? reference.Anchors : Array.Empty<Vcc2026Anchor>();

    /// <summary>The names of the metrics the overall score averages.</summary>
    public IReadOnlyList<string> OverallMetricNames => (Options.OverallMetrics ?? Array.Empty<Metric>()).Select(m => m.Name).ToArray();

    /// <summary>The report's provenance lines (mode, data, split, overall-score definition, notes).</summary>
    public IEnumerable<string> Header()
    {
        yield return $"Scoring mode: `{Mode.Name}` — {Mode.Description}";
        if (DataId is not null) yield return $"Data: {DataId}";
        if (Split is not null)
            yield return $"Split: {Split.Strategy}, seed {Split.Seed}: {Split.Train.Count} train, {Split.Validation.Count} validation, {Split.Test.Count} test perturbations" +
                         $" (test: {string.Join(", ", Split.Test)})";
        if (Anchors.Count > 0)
        {
            yield return $"VCC 2026 score: mean over {string.Join(", ", OverallMetricNames)} of s = (u − b)/(r − b), each the mean over contexts, " +
                         "with b the context-mean baseline and r the split-half replicate (5 seeded splits); unclipped except expr_mse_unbiased_capped_norm " +
                         "(clamped to [0, 1]) and de_wilcoxon_lfc_nmae (floored at −6) as the brief says; the fully unclamped mean is reported next to it.";
            foreach (var context in Anchors.GroupBy(a => a.Context))
                yield return $"Anchors{(context.Key is null ? "" : $" of context {context.Key}")} ({context.First().Perturbations} perturbations), b / r ± sd over splits: " +
                             string.Join("; ", context.Select(a => $"{a.Metric} {Format(a.Baseline, "0.000")} / {Format(a.Replicate, "0.000")} ± {Format(a.ReplicateStandardDeviation, "0.000")}"));
        }
        else if (Options.BaselineModel is not null)
            yield return $"Overall score: mean over {string.Join(", ", OverallMetricNames)} of the improvement over `{Options.BaselineModel}`, " +
                         "(u − b)/(1 − b) or 1 − u/b, clipped at 0 (Virtual Cell Challenge); the unclipped mean is reported next to it.";
        foreach (var note in Notes) yield return note;
    }

    /// <summary>A short label of a metric's direction: <c>↑ 1</c>, <c>↓ 0</c> or <c>—</c>.</summary>
    public static string BestLabel(MetricBest best) => best switch { MetricBest.One => "↑ 1", MetricBest.Zero => "↓ 0", _ => "—" };

    /// <summary>A value as reports print it (4 decimals; <c>—</c> when missing, <c>NaN</c> when undefined).</summary>
    public static string Format(double? v, string format = "0.0000") =>
        v is not double d ? "—" : double.IsNaN(d) ? "NaN" : d.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A summary's mean followed by its bootstrap CI in brackets, and <c>n/N</c> when it covers only n of N perturbations.</summary>
    public static string FormatWithInterval(MetricSummary s) =>
        (s.CiLow is null ? Format(s.Mean) : $"{Format(s.Mean)} [{Format(s.CiLow)}, {Format(s.CiHigh)}]") + Coverage(s);

    /// <summary><c> (n/N)</c> when a mean covers only n of N perturbations (the rest NaN or not applicable), else empty.</summary>
    public static string Coverage(MetricSummary s) =>
        s.Count < s.Total ? $" ({s.Count.ToString(CultureInfo.InvariantCulture)}/{s.Total.ToString(CultureInfo.InvariantCulture)})" : "";

    private static void AppendTable(StringBuilder md, IEnumerable<string> leading, IEnumerable<string> trailing, List<List<string>> rows) =>
        AppendTable(md, leading.Concat(trailing).ToList(), rows);

    private static void AppendTable(StringBuilder md, List<string> headers, List<List<string>> rows)
    {
        md.AppendLine("| " + string.Join(" | ", headers.Select(Escape)) + " |");
        md.AppendLine("|" + string.Concat(headers.Select(_ => "---|")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(Escape)) + " |");
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
