using System.Net;
using System.Text;
using DigitalCell.Sdk.Figures;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// A <see cref="ScoreReport"/> as an offline HTML page with its figures, and the report folder written with them
/// (<c>report.json</c>, <c>report.md</c>, <c>report.html</c>, <c>figures/</c>).
/// </summary>
public static class ScoreReportPage
{
    private const string PlotlyFile = "plotly.min.js";

    /// <summary>
    /// The report as one offline HTML page: provenance, ranking and metric tables, the figures, the per-perturbation
    /// table and the metric definitions. plotly.js is embedded once in the page (not per figure).
    /// </summary>
    public static string ToHtml(this ScoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Perturbation benchmark</title>\n");
        html.Append("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}</style>\n");
        html.Append(PlotlyJs.ScriptElement()).Append("</head><body>\n<h1>Perturbation benchmark</h1>\n");
        int figure = 0;
        AppendSummary(html, report, f => FigureHtml.AppendPlot(new StringBuilder(), f, $"dcell-figure-{++figure}").ToString());
        html.Append("<h2>Per perturbation</h2>\n");
        var perPert = report.Metrics.Where(m => m.IsPerPerturbation).ToArray();
        AppendTable(html, new[] { "model", "perturbation" }.Concat(perPert.Select(m => m.Name)),
            from s in report.ModelScores
            from i in Enumerable.Range(0, s.Input.Perturbations.Count)
            select new[] { s.Model, s.Input.Perturbations[i] }.Concat(perPert.Select(m => ScoreReport.Format(s.Values[m.Name][i]))));
        html.Append("<h2>Metric definitions</h2>\n<ul>");
        foreach (var m in report.Metrics) html.Append("<li><code>").Append(m.Name).Append("</code>: ").Append(WebUtility.HtmlEncode(m.Description)).Append("</li>");
        html.Append("</ul>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>
    /// Writes what <see cref="ScoreReport.Save"/> writes (<c>report.json</c>, <c>report.md</c>, cell-eval's CSVs), plus
    /// <c>report.html</c> and <c>figures/NAME.html</c> into
    /// <paramref name="directory"/>, plus <c>figures/NAME.png</c> / <c>.svg</c> for each of <paramref name="imageFormats"/>
    /// (headless Chromium). Every file is written atomically; the figure pages share one <c>figures/plotly.min.js</c>.
    /// </summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> SaveWithFigures(this ScoreReport report, string directory, IReadOnlyCollection<FigureFormat>? imageFormats = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var written = new List<string>(report.Save(directory));
        void Write(string relative, string text)
        {
            string path = Path.Combine(directory, relative);
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }
        Write("report.html", report.ToHtml());
        Write(Path.Combine("figures", PlotlyFile), PlotlyJs.Source);
        var figures = ScoreReportFigures.All(report);
        foreach (var (name, figure) in figures)
            Write(Path.Combine("figures", name + ".html"), FigureHtml.Page(name, $"<script src=\"{PlotlyFile}\"></script>\n", figure));
        var images = (from format in (imageFormats ?? []).Where(f => f != FigureFormat.Html).Distinct()
                      from f in figures
                      select (f.Figure, Path.Combine(directory, "figures", $"{f.Name}.{format.ToString().ToLowerInvariant()}"), format)).ToList();
        FigureImages.Save(images);
        written.AddRange(images.Select(i => i.Item2));
        return written;
    }

    /// <summary>
    /// Provenance, ranking and metric tables and the figures, without the page around them: the part of the page a
    /// notebook shows; <paramref name="figure"/> renders each figure (a notebook shares one plotly.js).
    /// </summary>
    internal static void AppendSummary(StringBuilder html, ScoreReport report, Func<Figure, string> figure)
    {
        html.Append("<ul>");
        foreach (var line in report.Header()) html.Append("<li>").Append(WebUtility.HtmlEncode(line)).Append("</li>");
        html.Append("</ul>\n<h2>Ranking</h2>\n");
        AppendTable(html, ["rank", "model", report.OverallLabel, "unclipped", "mean rank"],
            report.Rankings.Select((r, i) => new[]
            {
                (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), r.Model, ScoreReport.Format(r.OverallScore),
                ScoreReport.Format(r.OverallScoreUnclipped), ScoreReport.Format(r.MeanRank, "0.00"),
            }));
        html.Append("<h2>Metrics</h2>\n");
        AppendTable(html, new[] { "metric", "best" }.Concat(report.Rankings.Select(r => r.Model)),
            report.Metrics.Select(m => new[] { m.Name, ScoreReport.BestLabel(m.Best) }
                .Concat(report.Rankings.Select(r => ScoreReport.FormatWithInterval(report.Summary(r.Model, m.Name))))));
        html.Append("<h2>Figures</h2>\n");
        foreach (var (_, chart) in ScoreReportFigures.All(report)) html.Append(figure(chart)).Append('\n');
    }

    private static void AppendTable(StringBuilder html, IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows)
    {
        html.Append("<table><tr>");
        foreach (var h in headers) html.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var c in row) html.Append("<td>").Append(WebUtility.HtmlEncode(c)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }
}
