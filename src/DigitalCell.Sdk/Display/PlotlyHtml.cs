using System.Text;
using Plotly.NET;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// Plotly figures as notebook HTML that draws offline. plotly.js (3.6 MB, shipped inside the Plotly.NET assembly)
/// is written into the first figure of a notebook only; later figures are a <c>div</c> plus a call to
/// <c>Plotly.newPlot</c>, which waits until plotly.js has loaded. No requirejs and no CDN are involved, so the
/// saved notebook and its nbconvert HTML render without a network.
/// </summary>
internal static class PlotlyHtml
{
    private static readonly Lazy<string> Script = new(LoadScript);
    private static int figures;

    /// <summary>Starts a new notebook: the next figure embeds plotly.js again and figure ids restart at 1.</summary>
    public static void Reset() => Interlocked.Exchange(ref figures, 0);

    /// <summary>The HTML fragment for <paramref name="chart"/>.</summary>
    public static string Fragment(GenericChart chart)
    {
        int number = Interlocked.Increment(ref figures);
        // Numbered ids keep regenerated notebooks diff-stable; the number restarts with each notebook run.
        string id = $"dcell-figure-{number}";
        var html = new StringBuilder();
        if (number == 1) html.Append(Script.Value);
        // "</" inside an inline script would end it early (a trace named "</script>"); "<\/" is the same JSON string.
        string figure = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        html.Append("<div id=\"").Append(id).Append("\"></div>\n<script type=\"text/javascript\">(function () {\n")
            .Append("  var figure = ").Append(figure).Append(";\n")
            .Append("  var attempts = 0;\n")
            .Append("  (function draw() {\n")
            .Append("    if (window.Plotly) { window.Plotly.newPlot('").Append(id).Append("', figure.data, figure.layout, figure.config); }\n")
            .Append("    else if (++attempts < 400) { setTimeout(draw, 50); }\n")
            .Append("  })();\n")
            .Append("})();</script>");
        return html.ToString();
    }

    /// <summary>A one-line description for text/plain.</summary>
    public static string Summary(GenericChart chart)
    {
        var traces = GenericChart.getTraces(chart);
        return $"Plotly figure with {traces.Length} trace(s): {string.Join(", ", traces.Select(t => t.type).Distinct())}";
    }

    // Shadowing define/module/exports makes plotly.js's UMD header take its browser branch (window.Plotly) even on
    // pages that load requirejs, such as nbconvert's templates and classic Jupyter, where it would otherwise register
    // an anonymous AMD module and leave window.Plotly undefined.
    private static string LoadScript()
    {
        string js = Plotting.PlotlyJs.Source;
        return "<script type=\"text/javascript\">/* plotly.js 2.28.0, MIT licence, embedded once per notebook so figures render offline */\n"
            + "(function (define, module, exports) {\n" + js + "\n}).call(window);</script>\n";
    }
}
