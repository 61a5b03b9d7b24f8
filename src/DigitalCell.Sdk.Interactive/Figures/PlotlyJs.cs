namespace DigitalCell.Sdk.Figures;

/// <summary>
/// plotly.js (3.7.0, MIT), embedded in this assembly so pages, notebooks and image export draw figures offline; read
/// once per process and shared by every writer.
/// </summary>
public static class PlotlyJs
{
    /// <summary>The version embedded.</summary>
    public const string Version = "3.7.0";

    private const string Resource = "DigitalCell.Sdk.Figures.plotly.min.js";
    private static readonly Lazy<string> Script = new(Load);

    /// <summary>The library, safe to place inside an inline <c>&lt;script&gt;</c> element.</summary>
    public static string Source => Script.Value;

    /// <summary>
    /// An inline script element that defines <c>window.Plotly</c>. Shadowing define/module/exports makes plotly.js's
    /// UMD header take its browser branch even on pages that load requirejs (nbconvert's templates, classic Jupyter),
    /// where it would otherwise register an anonymous AMD module and leave window.Plotly undefined.
    /// </summary>
    public static string ScriptElement() =>
        $"<script type=\"text/javascript\">/* plotly.js {Version}, MIT licence, embedded so figures render offline */\n" +
        "(function (define, module, exports) {\n" + Source + "\n}).call(window);</script>\n";

    private static string Load()
    {
        using var stream = typeof(PlotlyJs).Assembly.GetManifestResourceStream(Resource)
            ?? throw new DigitalCellException($"The DigitalCell.Sdk.Interactive assembly does not carry {Resource}; cannot embed plotly.js.");
        using var reader = new StreamReader(stream);
        // A literal "</script>" inside the script would end the element early.
        return reader.ReadToEnd().Replace("</script>", "<\\/script>", StringComparison.OrdinalIgnoreCase);
    }
}
