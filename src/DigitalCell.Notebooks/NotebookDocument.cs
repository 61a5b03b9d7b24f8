using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Notebooks;

/// <summary>
/// A .NET Interactive notebook in nbformat 4 (the Jupyter <c>.ipynb</c> JSON), held as a JSON tree so that everything
/// the runner does not touch (markdown cells, unknown metadata) is written back exactly as it was read.
/// </summary>
public sealed class NotebookDocument
{
    /// <summary>The kernelspec name of the .NET Interactive C# kernel (VS Code Polyglot Notebooks, Jupyter).</summary>
    public const string CSharpKernelName = ".net-csharp";

    // nbformat stores these multi-line strings as lists of lines; their keys are the only ones split on write.
    private static readonly HashSet<string> LineListKeys = ["source", "text"];

    private NotebookDocument(string path, JsonObject root, JsonArray cells)
    {
        Path = path;
        Root = root;
        Cells = cells;
    }

    /// <summary>The file the notebook was read from; used in messages.</summary>
    public string Path { get; }

    /// <summary>The whole notebook JSON.</summary>
    public JsonObject Root { get; }

    /// <summary>The cells, in order (each a JSON object with <c>cell_type</c>, <c>source</c>, <c>metadata</c>, ...).</summary>
    public JsonArray Cells { get; }

    /// <summary>Reads a notebook file, checking that it is nbformat 4 with the .NET Interactive C# kernelspec.</summary>
    /// <exception cref="DigitalCellException">The file is missing, not JSON, or not a .NET C# notebook.</exception>
    public static NotebookDocument Load(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "notebook file not found.");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses notebook JSON; <paramref name="path"/> names it in messages.</summary>
    /// <exception cref="DigitalCellException">The text is not JSON, or not a .NET C# notebook in nbformat 4.</exception>
    public static NotebookDocument Parse(string json, string path)
    {
        JsonNode? node;
        try
        {
            // Duplicate keys are an error here rather than an ArgumentException when the object is first read.
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new DigitalCellException(path, $"line {(e.LineNumber ?? 0) + 1}", $"not valid notebook JSON ({e.Message}).", e);
        }
        if (node is not JsonObject root)
            throw new DigitalCellException(path, "$", $"not a Jupyter notebook: expected a JSON object, found {Kind(node)}.");
        if (root["cells"] is not JsonArray cells)
            throw new DigitalCellException(path, "$.cells", root.ContainsKey("cells")
                ? $"expected the list of cells, found {Kind(root["cells"])}."
                : "not a Jupyter notebook: the JSON has no 'cells' list.");
        var formatNode = root["nbformat"];
        int format = formatNode is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int n) ? n : 0;
        if (format != 4)
            throw new DigitalCellException(path, "$.nbformat", $"version {(formatNode is null ? "(missing)" : Shorten(formatNode.ToJsonString()))} is not supported; expected nbformat 4.");
        var kernelspec = OptionalObject(root, "metadata", path, "$")?["kernelspec"];
        string? kernel = kernelspec is JsonObject spec ? OptionalString(spec, "name", path, "$.metadata.kernelspec") : null;
        if (kernel != CSharpKernelName)
            throw new DigitalCellException(path, "$.metadata.kernelspec.name",
                $"'{kernel ?? "(missing)"}' is not the .NET Interactive C# kernel; expected '{CSharpKernelName}'.");
        for (int i = 0; i < cells.Count; i++) CheckCell(cells[i], path, $"$.cells[{i}]");
        return new NotebookDocument(path, root, cells);
    }

    /// <summary>
    /// Checks the parts of a cell the runner reads, so a value of the wrong JSON type is an error naming its path
    /// rather than an exception from deep inside the runner.
    /// </summary>
    private static void CheckCell(JsonNode? cell, string path, string at)
    {
        if (cell is not JsonObject c) throw new DigitalCellException(path, at, $"expected a cell (a JSON object), found {Kind(cell)}.");
        OptionalString(c, "cell_type", path, at);
        if (c["source"] is JsonArray lines)
        {
            for (int i = 0; i < lines.Count; i++)
                if (lines[i]?.GetValueKind() != JsonValueKind.String)
                    throw new DigitalCellException(path, $"{at}.source[{i}]", $"expected a line of text, found {Kind(lines[i])}.");
        }
        else if (c.ContainsKey("source"))
        {
            OptionalString(c, "source", path, at);
        }
        if (OptionalObject(c, "metadata", path, at) is { } metadata && metadata["tags"] is { } tags)
        {
            if (tags is not JsonArray list || list.Any(t => t?.GetValueKind() != JsonValueKind.String))
                throw new DigitalCellException(path, $"{at}.metadata.tags", $"expected a list of strings, found {Shorten(tags.ToJsonString())}.");
        }
        if (c.ContainsKey("outputs") && c["outputs"] is not JsonArray)
            throw new DigitalCellException(path, $"{at}.outputs", $"expected a list of outputs, found {Kind(c["outputs"])}.");
    }

    /// <summary>The optional string member <paramref name="name"/>; another type is an error naming its path.</summary>
    private static string? OptionalString(JsonObject parent, string name, string path, string at) => parent[name] switch
    {
        null when !parent.ContainsKey(name) => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw new DigitalCellException(path, $"{at}.{name}", $"expected a string, found {Kind(other)}."),
    };

    /// <summary>The optional object member <paramref name="name"/>; another type is an error naming its path.</summary>
    private static JsonObject? OptionalObject(JsonObject parent, string name, string path, string at) => parent[name] switch
    {
        null when !parent.ContainsKey(name) => null,
        JsonObject obj => obj,
        var other => throw new DigitalCellException(path, $"{at}.{name}", $"expected a JSON object, found {Kind(other)}."),
    };

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => $"the number {Shorten(node.ToJsonString())}",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => node.GetValueKind().ToString().ToLowerInvariant(),
        },
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The notebook as nbformat JSON, laid out as Jupyter writes it (sorted keys, one-space indent,
    /// multi-line strings as lists of lines) so that re-running a committed notebook gives small diffs.</summary>
    public string ToJson()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 1,
            // nbformat writes ensure_ascii=False; the default encoder would turn every '<' of an HTML output into \u003C.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        return Normalised(Root, key: null)!.ToJsonString(options) + "\n";
    }

    /// <summary>Writes the notebook atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Replaces <paramref name="text"/> by <paramref name="replacement"/> in every string of every cell output.</summary>
    public void ReplaceInOutputs(string text, string replacement)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        foreach (var outputs in Cells.Select(c => c?["outputs"]).OfType<JsonArray>())
            for (int i = 0; i < outputs.Count; i++) outputs[i] = Replace(outputs[i], text, replacement);
    }

    private static JsonNode? Replace(JsonNode? node, string text, string replacement) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key, Replace(p.Value, text, replacement))).ToList()),
        JsonArray array => new JsonArray([.. array.Select(n => Replace(n, text, replacement))]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(value.GetValue<string>().Replace(text, replacement, StringComparison.Ordinal)),
        _ => node?.DeepClone(),
    };

    /// <summary>The text of a cell's <c>source</c> (nbformat allows a string or a list of lines).</summary>
    internal static string TextOf(JsonNode? value) => value switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
        _ => value.GetValue<string>(),
    };

    private static JsonNode? Normalised(JsonNode? node, string? key) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Normalised(p.Value, p.Key)))),
        JsonArray array when key is not null && LineListKeys.Contains(key) => Lines(TextOf(array)),
        JsonArray array => new JsonArray(array.Select(n => Normalised(n, null)).ToArray()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String && IsLineListKey(key) => Lines(value.GetValue<string>()),
        _ => node?.DeepClone(),
    };

    // Text mime bundles (text/html, text/plain, ...) are line lists too; JSON bundles (application/json) are not.
    private static bool IsLineListKey(string? key) =>
        key is not null && (LineListKeys.Contains(key) || key.StartsWith("text/", StringComparison.Ordinal));

    private static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }
}
