using System.Net;
using System.Text;

namespace DigitalCell.Sdk.Figures;

/// <summary>
/// Figures as HTML that draws offline. In a notebook, plotly.js is written into the first figure only; later figures
/// are a <c>div</c> plus a call to <c>Plotly.newPlot</c> that waits until plotly.js has loaded. No requirejs and no
/// CDN are involved, so the saved notebook and its nbconvert HTML render without a network.
/// </summary>
internal static class FigureHtml
{
    private static int figures;

    /// <summary>Starts a new notebook: the next figure embeds plotly.js again and figure ids restart at 1.</summary>
    public static void Reset() => Interlocked.Exchange(ref figures, 0);

    /// <summary>The notebook HTML fragment for <paramref name="figure"/> (plotly.js included in a notebook's first figure).</summary>
    public static string Fragment(Figure figure)
    {
        int number = Interlocked.Increment(ref figures);
        // Numbered ids keep regenerated notebooks diff-stable; the number restarts with each notebook run.
        var html = new StringBuilder();
        if (number == 1) html.Append(PlotlyJs.ScriptElement());
        return AppendPlot(html, figure, $"dcell-figure-{number}").ToString();
    }

    /// <summary>A standalone page drawing <paramref name="figure"/>, plotly.js embedded.</summary>
    public static string Page(Figure figure) => Page(figure.Title ?? "figure", PlotlyJs.ScriptElement(), figure);

    /// <summary>A page whose plotly.js is the <paramref name="script"/> element given (inline or a shared file).</summary>
    public static string Page(string title, string script, Figure figure)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title)).Append("</title>\n").Append(script).Append("</head>\n<body>\n");
        return AppendPlot(html, figure, "dcell-figure").Append("\n</body></html>\n").ToString();
    }

    /// <summary>A div and the script that draws <paramref name="figure"/> into it once plotly.js is there.</summary>
    public static StringBuilder AppendPlot(StringBuilder html, Figure figure, string id) =>
        html.Append("<div id=\"").Append(id).Append("\"></div>\n<script type=\"text/javascript\">(function () {\n")
            .Append("  var figure = ").Append(ScriptSafe(figure.ToJson())).Append(";\n")
            .Append("  var attempts = 0;\n")
            .Append("  (function draw() {\n")
            .Append("    if (window.Plotly) { window.Plotly.newPlot('").Append(id).Append("', figure.data, figure.layout, {responsive: true}); }\n")
            .Append("    else if (++attempts < 400) { setTimeout(draw, 50); }\n")
            .Append("  })();\n")
            .Append("})();</script>");

    /// <summary>JSON safe inside an inline script: "&lt;/" would end it early (a trace named "&lt;/script&gt;"); "&lt;\/" is the same JSON string.</summary>
    public static string ScriptSafe(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);
}
