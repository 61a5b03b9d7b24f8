using System.Net;
using System.Text;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Plotting;
using Plotly.NET;

namespace DigitalCell.Sdk.Scoring;

public sealed partial class ScoreReport
{
    private const string PlotlyFile = "plotly.min.js";

    /// <summary>
    /// The report as one offline HTML page: provenance, ranking and metric tables, and the figures. plotly.js is
    /// embedded once in the page (not per figure), so it renders without network access.
    /// </summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Perturbation benchmark</title>\n");
        html.Append("<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}</style>\n");
        html.Append("<script>").Append(Plotting.PlotlyJs.Source).Append("</script>\n</head><body>\n<h1>Perturbation benchmark</h1>\n");
        AppendSummaryHtml(html, GenericChart.toChartHTML);
        html.Append("<h2>Per perturbation</h2>\n");
        var perPert = Metrics.Where(m => m.IsPerPerturbation).ToArray();
        AppendHtmlTable(html, new[] { "model", "perturbation" }.Concat(perPert.Select(m => m.Name)),
            from s in ModelScores
            from i in Enumerable.Range(0, s.Input.Perturbations.Count)
            select new[] { s.Model, s.Input.Perturbations[i] }.Concat(perPert.Select(m => Format(s.Values[m.Name][i]))));
        html.Append("<h2>Metric definitions</h2>\n<ul>");
        foreach (var m in Metrics) html.Append("<li><code>").Append(m.Name).Append("</code>: ").Append(WebUtility.HtmlEncode(m.Description)).Append("</li>");
        html.Append("</ul>\n</body></html>\n");
        return html.ToString();
    }

    /// <summary>
    /// Provenance, ranking and metric tables and the figures, without the page around them: the part of
    /// <see cref="ToHtml"/> a notebook shows (its formatter passes a <paramref name="figure"/> renderer that shares one
    /// plotly.js per notebook).
    /// </summary>
    internal void AppendSummaryHtml(StringBuilder html, Func<GenericChart, string> figure)
    {
        html.Append("<ul>");
        foreach (var line in Header()) html.Append("<li>").Append(WebUtility.HtmlEncode(line)).Append("</li>");
        html.Append("</ul>\n<h2>Ranking</h2>\n");
        AppendHtmlTable(html, ["rank", "model", OverallLabel, "unclipped", "mean rank"],
            Rankings.Select((r, i) => new[] { (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), r.Model, Format(r.OverallScore), Format(r.OverallScoreUnclipped), Format(r.MeanRank, "0.00") }));
        html.Append("<h2>Metrics</h2>\n");
        AppendHtmlTable(html, new[] { "metric", "best" }.Concat(Rankings.Select(r => r.Model)),
            Metrics.Select(m => new[] { m.Name, BestLabel(m.Best) }.Concat(Rankings.Select(r => FormatWithInterval(Summary(r.Model, m.Name))))));
        html.Append("<h2>Figures</h2>\n");
        foreach (var (_, chart) in ScoreReportFigures.All(this)) html.Append(figure(chart)).Append('\n');
    }

    /// <summary>
    /// Writes <c>report.json</c>, <c>report.md</c>, <c>report.html</c>, cell-eval's <c>results.csv</c> and
    /// <c>agg_results.csv</c>, and <c>figures/*.html</c> into
    /// <paramref name="directory"/> (each file atomically). The figure pages share one <c>figures/plotly.min.js</c>.
    /// </summary>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var written = new List<string>();
        void Write(string relative, string text)
        {
            string path = Path.Combine(directory, relative);
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }
        Write("report.json", ToJson());
        Write("report.md", ToMarkdown());
        Write("report.html", ToHtml());
        Write("results.csv", ToResultsCsv());
        Write("agg_results.csv", ToAggregateCsv());
        Write(Path.Combine("figures", PlotlyFile), Plotting.PlotlyJs.Source);
        foreach (var (name, chart) in ScoreReportFigures.All(this))
            Write(Path.Combine("figures", name + ".html"),
                $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(name)}</title><script src=\"{PlotlyFile}\"></script></head>\n<body>\n{GenericChart.toChartHTML(chart)}\n</body></html>\n");
        return written;
    }

    private static void AppendHtmlTable(StringBuilder html, IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows)
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
