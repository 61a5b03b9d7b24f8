using System.Text;
using DigitalCell.Sdk.Figures;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// <see cref="ScoreReport"/> in a notebook: the provenance, ranking and metric tables and the figures of its HTML
/// page, with the figures drawn through the notebook's shared plotly.js instead of a copy per report. The
/// per-perturbation table stays in the saved report (<c>report.SaveWithFigures(dir)</c>).
/// </summary>
public static class ScoreReportDisplay
{
    /// <summary>The notebook HTML of <paramref name="report"/>.</summary>
    public static string ToHtml(ScoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder("<div class=\"dcell-score-report\">\n");
        ScoreReportPage.AppendSummary(html, report, FigureHtml.Fragment);
        return html.Append("</div>").ToString();
    }
}
