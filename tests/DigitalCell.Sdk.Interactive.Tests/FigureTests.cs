using System.Text.Json.Nodes;
using DigitalCell.Sdk.Figures;

namespace DigitalCell.Sdk.Interactive.Tests;

[TestFixture]
public class FigureTests
{
    private static JsonNode Json(Figure figure) => JsonNode.Parse(figure.ToJson())!;

    [Test]
    public void A_figure_is_plotly_js_figure_json_with_nested_attributes_and_gaps_for_non_finite_values()
    {
        var figure = new Figure(
                Trace.Bar(["a", "b"], [1.5, double.NaN], "bars").WithErrorBars([0.1, 0.2], [0.3, 0.4]),
                Trace.Line([0, 1], [0, double.PositiveInfinity]).With("line.color", "#888888"))
            .WithTitle("T </script>").WithXAxis("x title").WithSize(300, 200).WithLayout("legend.orientation", "h");

        var json = Json(figure);

        var bars = json["data"]![0]!;
        Assert.That((string?)bars["type"], Is.EqualTo("bar"));
        Assert.That(bars["y"]!.ToJsonString(), Is.EqualTo("[1.5,null]"));
        Assert.That(bars["error_y"]!["arrayminus"]!.ToJsonString(), Is.EqualTo("[0.3,0.4]"));
        Assert.That((bool)bars["error_y"]!["symmetric"]!, Is.False);
        Assert.That((string?)json["data"]![1]!["line"]!["color"], Is.EqualTo("#888888"));
        Assert.That(json["data"]![1]!["y"]!.ToJsonString(), Is.EqualTo("[0,null]"));
        Assert.That((string?)json["layout"]!["xaxis"]!["title"]!["text"], Is.EqualTo("x title"));
        Assert.That((string?)json["layout"]!["legend"]!["orientation"], Is.EqualTo("h"));
        Assert.That((figure.Width, figure.Height), Is.EqualTo((300, 200)));
        Assert.That(figure.ToHtml(), Does.Not.Contain("T </script>"), "a title cannot end the inline script");
        Assert.That(figure.ToString(), Is.EqualTo("Figure with 2 trace(s): bar, scatter — T </script>"));
    }

    [Test]
    public void Figures_are_immutable()
    {
        var plain = new Figure(Trace.Histogram([1, 2, 3]));

        var titled = plain.WithTitle("t").WithTraces(Trace.Histogram([4.0]));

        Assert.That(plain.Title, Is.Null);
        Assert.That(plain.Traces, Has.Count.EqualTo(1));
        Assert.That(titled.Traces, Has.Count.EqualTo(2));
        Assert.That((plain.Width, plain.Height), Is.EqualTo((Figure.DefaultWidth, Figure.DefaultHeight)));
    }

    [Test]
    public void A_grid_gives_each_panel_its_own_axes_and_keeps_its_titles()
    {
        var a = new Figure(Trace.Bar(["m"], [1.0])).WithTitle("first").WithYAxis("mse");
        var b = new Figure(Trace.Bar(["m"], [2.0]), Trace.Bar(["n"], [3.0])).WithTitle("second");

        var json = Json(Figure.Grid([a, b, a], columns: 2));

        Assert.That(json["layout"]!["grid"]!.ToJsonString(), Is.EqualTo("{\"rows\":2,\"columns\":2,\"pattern\":\"independent\"}"));
        Assert.That(json["data"]!.AsArray().Select(t => $"{t!["xaxis"]}/{t["yaxis"]}"), Is.EqualTo(new[] { "x/y", "x2/y2", "x2/y2", "x3/y3" }));
        Assert.That((string?)json["layout"]!["yaxis"]!["title"]!["text"], Is.EqualTo("mse"), "an axis title is kept");
        Assert.That((string?)json["layout"]!["yaxis2"]!["title"]!["text"], Is.EqualTo("second"), "else the panel title labels the axis");
        Assert.Throws<DigitalCellException>(() => Figure.Grid([], 2));
    }

    [Test]
    public void A_figure_saves_as_an_offline_page_png_and_svg_drawn_by_plotly_js()
    {
        if (!new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.Any(File.Exists)
            && Environment.GetEnvironmentVariable("DIGITALCELL_CHROMIUM") is null)
            Assert.Ignore("Chromium is not installed (apt-get install chromium); .ci/run installs it.");
        var dir = Directory.CreateTempSubdirectory("dcell-figure-").FullName;
        var figure = new Figure(Trace.Scatter([1, 2, 3], [3, 1, 2], "cells"), Trace.Bar(["1", "2"], [1.0, 2.0], "counts"))
            .WithTitle("Unicode µ − Δ").WithSize(640, 400);

        figure.Save(Path.Combine(dir, "f.html"));
        figure.Save(Path.Combine(dir, "f.png"), FigureFormat.Png);
        figure.Save(Path.Combine(dir, "f.svg"), FigureFormat.Svg);

        string page = File.ReadAllText(Path.Combine(dir, "f.html"));
        Assert.That(page.Contains("plotly.js v3.7.0", StringComparison.Ordinal), Is.True, "plotly.js is embedded");
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(page, "<script[^>]+src="), Is.False, "no script loaded from elsewhere (no CDN)");
        byte[] png = File.ReadAllBytes(Path.Combine(dir, "f.png"));
        Assert.That(png[..8], Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        // IHDR: width and height as big-endian ints at bytes 16..23, the figure's own size.
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), Is.EqualTo(640));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), Is.EqualTo(400));
        var svg = System.Xml.Linq.XDocument.Load(Path.Combine(dir, "f.svg"));
        Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
        Assert.That((string?)svg.Root.Attribute("width"), Is.EqualTo("640"));
        string svgText = svg.ToString();
        Assert.That(svgText, Does.Contain("Unicode µ − Δ").And.Contain("cells").And.Contain("counts"), "title and legend drawn as text");
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "f.html", "f.png", "f.svg" }), "no temporaries left");
    }

    [Test]
    public void Image_export_rejects_html_as_an_image_format_and_decodes_only_matching_data_urls()
    {
        Assert.That(FigureImages.Decode("data:image/svg+xml,%3Csvg%3E%C2%B5", FigureFormat.Svg), Is.EqualTo("<svg>µ"u8.ToArray()));
        Assert.That(FigureImages.Decode("data:image/png;base64,AQID", FigureFormat.Png), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.Throws<DigitalCellException>(() => FigureImages.Decode("data:image/jpeg;base64,AQID", FigureFormat.Png));
        Assert.Throws<DigitalCellException>(() => FigureImages.Save([(new Figure(), "x.html", FigureFormat.Html)]));
    }
}
