using System.Text;
using DigitalCell.Sdk.Figures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DigitalCell.Web;

/// <summary>The front end: a page, its script and styles embedded in this assembly, and plotly.js from DigitalCell.Sdk.Interactive's copy.</summary>
internal static class StaticAssets
{
    private static readonly (string Route, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    private static readonly Lazy<byte[]> Plotly = new(() => Encoding.UTF8.GetBytes(PlotlyJs.Source));

    /// <summary>Maps the page, its assets and <c>/plotly.min.js</c>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var (route, resource, contentType) in Files)
        {
            byte[] bytes = Read(resource);
            app.MapGet(route, () => Results.Bytes(bytes, contentType)).ExcludeFromDescription();
        }
        app.MapGet("/plotly.min.js", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Bytes(Plotly.Value, "text/javascript; charset=utf-8");
        }).ExcludeFromDescription();
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("DigitalCell.Web.wwwroot." + name)
            ?? throw new InvalidOperationException($"DigitalCell.Web does not carry wwwroot/{name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
