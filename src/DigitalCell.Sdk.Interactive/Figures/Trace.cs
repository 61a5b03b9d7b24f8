using System.Text.Json;
using System.Text.Json.Nodes;

namespace DigitalCell.Sdk.Figures;

/// <summary>
/// One plotly.js trace: a type (<c>scatter</c>, <c>bar</c>, <c>histogram</c>, <c>heatmap</c>) and its attributes, named
/// as in the plotly.js reference (https://plotly.com/javascript/reference/). Immutable: every <c>With</c> returns a
/// new trace. Non-finite numbers are written as null, which plotly.js draws as a gap.
/// </summary>
public sealed class Trace
{
    private readonly JsonObject attributes;

    private Trace(JsonObject attributes) => this.attributes = attributes;

    /// <summary>The plotly.js trace type.</summary>
    public string Type => attributes["type"]!.GetValue<string>();

    /// <summary>The legend name, if any.</summary>
    public string? Name => attributes["name"]?.GetValue<string>();

    /// <summary>Points at (x, y), one marker each; <paramref name="text"/> labels them on hover.</summary>
    public static Trace Scatter(IEnumerable<double> x, IEnumerable<double> y, string? name = null, IEnumerable<string>? text = null, string? color = null)
    {
        var trace = Create("scatter", name).With("mode", "markers").With("x", Numbers(x)).With("y", Numbers(y));
        if (text is not null) trace = trace.With("text", Strings(text));
        return color is null ? trace : trace.With("marker.color", color);
    }

    /// <summary>A polyline through (x, y).</summary>
    public static Trace Line(IEnumerable<double> x, IEnumerable<double> y, string? name = null) =>
        Create("scatter", name).With("mode", "lines").With("x", Numbers(x)).With("y", Numbers(y));

    /// <summary>One bar per category.</summary>
    public static Trace Bar(IEnumerable<string> categories, IEnumerable<double> values, string? name = null) =>
        Create("bar", name).With("x", Strings(categories)).With("y", Numbers(values));

    /// <summary>A histogram of <paramref name="values"/> (plotly.js chooses the bins).</summary>
    public static Trace Histogram(IEnumerable<double> values, string? name = null) =>
        Create("histogram", name).With("x", Numbers(values));

    /// <summary>A heatmap: <paramref name="z"/>[row][column], rows labelled by <paramref name="y"/>, columns by <paramref name="x"/>.</summary>
    public static Trace Heatmap(IEnumerable<IEnumerable<double>> z, IEnumerable<string> x, IEnumerable<string> y, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        return Create("heatmap", name).With("z", new JsonArray([.. z.Select(row => (JsonNode)Numbers(row))]))
            .With("x", Strings(x)).With("y", Strings(y));
    }

    /// <summary>
    /// Sets any plotly.js trace attribute; a dotted path sets a nested one (<c>marker.color</c>, <c>error_y.array</c>).
    /// <paramref name="value"/> is written as JSON (numbers, strings, booleans, arrays, or a <see cref="JsonNode"/>).
    /// </summary>
    public Trace With(string attribute, object? value) => new(Set(attributes, attribute, value));

    /// <summary>Asymmetric error bars on y: <paramref name="plus"/> above and <paramref name="minus"/> below each value.</summary>
    public Trace WithErrorBars(IEnumerable<double> plus, IEnumerable<double> minus) =>
        With("error_y", new JsonObject
        {
            ["type"] = "data", ["symmetric"] = false, ["visible"] = true, ["array"] = Numbers(plus), ["arrayminus"] = Numbers(minus),
        });

    /// <summary>The trace as plotly.js JSON (a copy).</summary>
    public JsonObject ToJson() => (JsonObject)attributes.DeepClone();

    /// <summary>Copies <paramref name="target"/> with <paramref name="path"/> (dotted) set to <paramref name="value"/>.</summary>
    internal static JsonObject Set(JsonObject target, string path, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var copy = (JsonObject)target.DeepClone();
        string[] keys = path.Split('.');
        var node = copy;
        foreach (var key in keys[..^1])
        {
            if (node[key] is not JsonObject child) node[key] = child = new JsonObject();
            node = child;
        }
        node[keys[^1]] = ToNode(value);
        return copy;
    }

    /// <summary>Numbers as a JSON array, NaN and infinities as null.</summary>
    internal static JsonArray Numbers(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new JsonArray([.. values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null)]);
    }

    private static JsonArray Strings(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        IEnumerable<double> numbers => Numbers(numbers),
        _ => JsonSerializer.SerializeToNode(value),
    };

    private static Trace Create(string type, string? name)
    {
        var json = new JsonObject { ["type"] = type };
        if (name is not null) json["name"] = name;
        return new Trace(json);
    }
}
