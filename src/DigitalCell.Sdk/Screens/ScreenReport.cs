using System.Globalization;
using System.Net;
using System.Text;

namespace DigitalCell.Sdk.Screens;

/// <summary>The human-readable report of a screen: Markdown and a self-contained HTML page with one SVG figure.</summary>
public static class ScreenReport
{
    /// <summary>The report as Markdown: setup, the top rows, the known hits' ranks and the validation when given.</summary>
    public static string ToMarkdown(ScreenResult result, ScreenValidationResult? validation = null, int top = 25)
    {
        ArgumentNullException.ThrowIfNull(result);
        var md = new StringBuilder("# In-silico screen\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- objective: {result.Objective}, direction **{result.Direction.ToString().ToLowerInvariant()}**\n");
        md.Append(CultureInfo.InvariantCulture, $"- models (ensemble): {string.Join(", ", result.Models)}; context: {result.Context ?? "training context"}; start state: mean of {result.StartCells:N0} cells\n");
        md.Append(CultureInfo.InvariantCulture, $"- candidates: {result.Rows.Count:N0} ({result.Rows.Count(r => !r.Informed):N0} without information on the target), {result.Resumed:N0} restored from a checkpoint; {result.Elapsed.TotalSeconds:F1} s\n");
        if (result.MissingObjectiveGenes.Count > 0)
            md.Append(CultureInfo.InvariantCulture, $"- objective genes the model does not predict ({result.MissingObjectiveGenes.Count}): {string.Join(", ", result.MissingObjectiveGenes.Take(30))}{(result.MissingObjectiveGenes.Count > 30 ? ", …" : "")}\n");
        md.Append("\n![screen](screen.svg)\n\n| rank | candidate | effect | uncertainty | known | top genes moved |\n|---|---|---|---|---|---|\n");
        foreach (var r in result.Rows.Take(top)) md.Append(Line(r));
        var known = result.Rows.Where(r => r.Known).ToArray();
        if (known.Length > 0)
        {
            md.Append("\n## Known hits\n\n| rank | candidate | effect | uncertainty | top genes moved |\n|---|---|---|---|---|\n");
            foreach (var r in known) md.Append(CultureInfo.InvariantCulture, $"| {r.Rank} | {r.Candidate} | {ScreenResult.Number(r.Effect)} | {ScreenResult.Number(r.Uncertainty)} | {Genes(r)} |\n");
        }
        if (validation is not null) md.Append('\n').Append(validation.ToMarkdown());
        return md.ToString();
    }

    /// <summary>The report as one HTML page with the figure inline.</summary>
    public static string ToHtml(ScreenResult result, ScreenValidationResult? validation = null)
    {
        var md = ToMarkdown(result, validation).Replace("![screen](screen.svg)", "", StringComparison.Ordinal);
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>In-silico screen</title></head><body>\n" + Svg(result) +
            "\n<pre>" + WebUtility.HtmlEncode(md) + "</pre>\n</body></html>\n";
    }

    /// <summary>
    /// The figure: the top 30 candidates' effects as horizontal bars with ± one ensemble SD, known hits in orange.
    /// </summary>
    public static string Svg(ScreenResult result, int count = 30)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = result.Rows.Take(count).ToArray();
        const int rowHeight = 16, left = 130, width = 360, top = 30;
        double span = rows.Length == 0 ? 1 : rows.Max(r => Math.Abs(r.Effect) + r.Uncertainty);
        if (span == 0) span = 1;
        double x0 = left + width / 2.0, scale = width / 2.0 / span;
        var svg = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + width + 20}\" height=\"{top + rows.Length * rowHeight + 30}\" font-family=\"sans-serif\" font-size=\"11\">"));
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"16\">effect on {WebUtility.HtmlEncode(result.Objective)} (top {rows.Length}; orange = known hit)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{top - 4}\" x2=\"{x0}\" y2=\"{top + rows.Length * rowHeight}\" stroke=\"#444\"/>");
        for (int i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            double y = top + i * rowHeight, x = x0 + r.Effect * scale;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 11}\" text-anchor=\"end\">{WebUtility.HtmlEncode(r.Candidate)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Math.Min(x, x0):F1}\" y=\"{y + 2}\" width=\"{Math.Abs(x - x0):F1}\" height=\"{rowHeight - 4}\" fill=\"{(r.Known ? "#e67e22" : "#3b6ea8")}\"/>");
            if (r.Uncertainty > 0)
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x - r.Uncertainty * scale:F1}\" y1=\"{y + rowHeight / 2.0}\" x2=\"{x + r.Uncertainty * scale:F1}\" y2=\"{y + rowHeight / 2.0}\" stroke=\"#000\"/>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{top + rows.Length * rowHeight + 20}\">±{ScreenResult.Number(span)}</text></svg>");
        return svg.ToString();
    }

    private static string Line(ScreenRow r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Rank} | {r.Candidate}{(r.Informed ? "" : " (no information)")} | {ScreenResult.Number(r.Effect)} | {ScreenResult.Number(r.Uncertainty)} | {(r.Known ? "yes" : "")} | {Genes(r)} |\n");

    private static string Genes(ScreenRow r) => string.Join(", ", r.TopGenes.Select(g => $"{g.Gene} {(g.Change >= 0 ? "+" : "")}{ScreenResult.Number(g.Change)}"));
}
