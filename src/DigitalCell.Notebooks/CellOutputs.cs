using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;

namespace DigitalCell.Notebooks;

/// <summary>
/// Collects what the running cell produces, in order, as nbformat outputs: console text as <c>stream</c> outputs
/// (consecutive writes to one stream merge, as in Jupyter), <c>display(x)</c> / <c>x.Display()</c> as
/// <c>display_data</c>, the cell's value as <c>execute_result</c>, and failures as <c>error</c>.
/// <c>DisplayedValue.Update</c> adds a new output: the Formatting library publishes the update under an id that
/// differs from the original display's, so a listener cannot tell which output it replaces.
/// </summary>
internal sealed class CellOutputs
{
    private readonly Lock gate = new();
    private JsonArray? current;

    /// <summary>Directs output to <paramref name="outputs"/> (the executing cell's list); null to drop output.</summary>
    public void Begin(JsonArray? outputs)
    {
        lock (gate) current = outputs;
    }

    /// <summary>A writer that appends to the <paramref name="stream"/> (<c>stdout</c> or <c>stderr</c>) output.</summary>
    public TextWriter Writer(string stream) => new StreamWriter(this, stream);

    /// <summary>Records a value shown with <c>display(x)</c> or <c>x.Display()</c>.</summary>
    public void Display(DisplayedValue value) => Add(new JsonObject
    {
        ["output_type"] = "display_data",
        ["data"] = MimeBundle(value.Value, value.FormattedValues.Where(f => !f.SuppressDisplay)),
        ["metadata"] = new JsonObject(),
    });

    /// <summary>Records the cell's value (its last expression without a semicolon), formatted as the kernel would.</summary>
    public void Result(object value, int executionCount)
    {
        var mimeTypes = Formatter.GetPreferredMimeTypesFor(value.GetType()).ToArray();
        Add(new JsonObject
        {
            ["output_type"] = "execute_result",
            ["execution_count"] = executionCount,
            ["data"] = MimeBundle(value, FormattedValue.CreateManyFromObject(value, mimeTypes)),
            ["metadata"] = new JsonObject(),
        });
    }

    /// <summary>Records a failure; the traceback starts with the cell number so a reader finds it at once.</summary>
    public void Error(string name, string message, IEnumerable<string> traceback) => Add(new JsonObject
    {
        ["output_type"] = "error",
        ["ename"] = name,
        ["evalue"] = message,
        ["traceback"] = new JsonArray([.. traceback.Select(t => (JsonNode?)JsonValue.Create(t))]),
    });

    private void Add(JsonObject output)
    {
        lock (gate) current?.Add(output);
    }

    private void Write(string stream, string text)
    {
        lock (gate)
        {
            if (current is null || text.Length == 0) return;
            if (current.Count > 0 && current[^1] is JsonObject last && (string?)last["output_type"] == "stream" && (string?)last["name"] == stream)
                last["text"] = (string?)last["text"] + text;
            else
                current.Add(new JsonObject { ["output_type"] = "stream", ["name"] = stream, ["text"] = text });
        }
    }

    // Every rich output also carries text/plain, so terminals, diffs and nbconvert's text exporters show something.
    private static JsonObject MimeBundle(object? value, IEnumerable<FormattedValue> formatted)
    {
        var data = new JsonObject();
        // The Formatting library writes its <style> blocks with CRLF; LF keeps committed notebooks clean.
        foreach (var f in formatted) data[f.MimeType] = f.Value.ReplaceLineEndings("\n");
        if (!data.ContainsKey(PlainTextFormatter.MimeType)) data[PlainTextFormatter.MimeType] = value.ToDisplayString(PlainTextFormatter.MimeType);
        return data;
    }

    private sealed class StreamWriter(CellOutputs outputs, string stream) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => outputs.Write(stream, value.ToString());

        public override void Write(string? value) => outputs.Write(stream, value ?? "");

        public override void Write(char[] buffer, int index, int count) => outputs.Write(stream, new string(buffer, index, count));
    }
}
