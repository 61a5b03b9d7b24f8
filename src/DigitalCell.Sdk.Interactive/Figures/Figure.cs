using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Figures;

/// <summary>
/// A plotly.js figure: traces and a layout, written as plotly.js figure JSON. It displays in a notebook (with
/// DigitalCell.Sdk.Interactive loaded), saves as an offline HTML page, and as PNG or SVG through headless Chromium.
/// Immutable: every <c>With</c> returns a new figure.
/// </summary>
public sealed class Figure
{
    /// <summary>Width used when the layout sets none (pixels).</summary>
    public const int DefaultWidth = 760;

    /// <summary>Height used when the layout sets none (pixels).</summary>
    public const int DefaultHeight = 520;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly JsonObject layout;

    /// <summary>A figure of <paramref name="traces"/> with an empty layout.</summary>
    public Figure(params IEnumerable<Trace> traces) : this([.. traces], new JsonObject()) { }

    private Figure(IReadOnlyList<Trace> traces, JsonObject layout)
    {
        Traces = traces;
        this.layout = layout;
    }

    /// <summary>The traces, drawn in order.</summary>
    public IReadOnlyList<Trace> Traces { get; }

    /// <summary>The figure's title, if any.</summary>
    public string? Title => layout["title"]?["text"]?.GetValue<string>();

    /// <summary>Width in pixels (the layout's, else <see cref="DefaultWidth"/>).</summary>
    public int Width => layout["width"]?.GetValue<int>() ?? DefaultWidth;

    /// <summary>Height in pixels (the layout's, else <see cref="DefaultHeight"/>).</summary>
    public int Height => layout["height"]?.GetValue<int>() ?? DefaultHeight;

    /// <summary>Sets the title.</summary>
    public Figure WithTitle(string title) => WithLayout("title.text", title);

    /// <summary>Sets the x axis title.</summary>
    public Figure WithXAxis(string title) => WithLayout("xaxis.title.text", title);

    /// <summary>Sets the y axis title.</summary>
    public Figure WithYAxis(string title) => WithLayout("yaxis.title.text", title);

    /// <summary>Sets the size in pixels.</summary>
    public Figure WithSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return WithLayout("width", width).WithLayout("height", height);
    }

    /// <summary>Sets any plotly.js layout attribute; a dotted path sets a nested one (<c>barmode</c>, <c>legend.orientation</c>).</summary>
    public Figure WithLayout(string attribute, object? value) => new(Traces, Trace.Set(layout, attribute, value));

    /// <summary>The same layout with more traces drawn on top.</summary>
    public Figure WithTraces(params IEnumerable<Trace> traces) => new([.. Traces, .. traces], layout);

    /// <summary>
    /// Panels side by side, <paramref name="columns"/> per row, each with its own axes (plotly.js's independent grid).
    /// Each panel keeps its traces and axis titles; its title becomes the y axis title when that has none.
    /// </summary>
    public static Figure Grid(IReadOnlyList<Figure> panels, int columns)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new DigitalCellException("A figure grid needs at least one panel.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        columns = Math.Min(columns, panels.Count);
        int rows = (panels.Count + columns - 1) / columns;
        var traces = new List<Trace>();
        var grid = new JsonObject { ["grid"] = new JsonObject { ["rows"] = rows, ["columns"] = columns, ["pattern"] = "independent" } };
        for (int p = 0; p < panels.Count; p++)
        {
            string suffix = p == 0 ? "" : (p + 1).ToString(CultureInfo.InvariantCulture);
            traces.AddRange(panels[p].Traces.Select(t => t.With("xaxis", "x" + suffix).With("yaxis", "y" + suffix)));
            var x = panels[p].layout["xaxis"]?.DeepClone() ?? new JsonObject();
            var y = panels[p].layout["yaxis"]?.DeepClone() ?? new JsonObject();
            if (y["title"] is null && panels[p].Title is string title) y["title"] = new JsonObject { ["text"] = title };
            grid["xaxis" + suffix] = x;
            grid["yaxis" + suffix] = y;
        }
        return new Figure(traces, grid);
    }

    /// <summary>The figure as plotly.js JSON: <c>{"data": [...], "layout": {...}}</c>.</summary>
    public string ToJson() => new JsonObject
    {
        ["data"] = new JsonArray([.. Traces.Select(t => (JsonNode)t.ToJson())]),
        ["layout"] = layout.DeepClone(),
    }.ToJsonString(Compact);

    /// <summary>A one-line description (the plain-text form in notebooks).</summary>
    public override string ToString() =>
        $"Figure with {Traces.Count} trace(s): {string.Join(", ", Traces.Select(t => t.Type).Distinct())}" + (Title is null ? "" : $" — {Title}");

    /// <summary>A standalone HTML page that draws the figure offline (plotly.js embedded).</summary>
    public string ToHtml() => FigureHtml.Page(this);

    /// <summary>Saves the figure as <paramref name="format"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="DigitalCellException">PNG/SVG: Chromium is missing or failed.</exception>
    public void Save(string path, FigureFormat format = FigureFormat.Html)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (format == FigureFormat.Html) AtomicFile.WriteAllText(path, ToHtml());
        else FigureImages.Save([(this, path, format)]);
    }
}
