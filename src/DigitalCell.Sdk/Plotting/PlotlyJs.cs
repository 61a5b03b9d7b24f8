using Plotly.NET;

namespace DigitalCell.Sdk.Plotting;

/// <summary>
/// plotly.js as shipped inside the Plotly.NET assembly (2.28.0, MIT), so reports and notebooks draw their figures
/// offline; read once per process and shared by every HTML writer.
/// </summary>
internal static class PlotlyJs
{
    private const string Resource = "Plotly.NET.plotly-2.28.0.min.js";
    private static readonly Lazy<string> Script = new(Load);

    /// <summary>The library, safe to place inside an inline <c>&lt;script&gt;</c> element.</summary>
    public static string Source => Script.Value;

    private static string Load()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(Resource)
            ?? throw new DigitalCellException($"The Plotly.NET assembly does not carry {Resource}; cannot embed plotly.js.");
        using var reader = new StreamReader(stream);
        // A literal "</script>" inside the script would end the element early.
        return reader.ReadToEnd().Replace("</script>", "<\\/script>", StringComparison.OrdinalIgnoreCase);
    }
}
