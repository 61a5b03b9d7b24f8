using System.Reflection;
using System.Text.Json;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Reads dataset manifest entries (one JSON file per data set, see <c>datasets-manifest/README.md</c>), validating each
/// against <c>datasets-manifest/schema.json</c> and a few rules a schema cannot express (the id matches the file name,
/// every file has a source, names are unique). A bad entry is rejected with a message naming the file and the field.
/// The repository's manifests and schema are embedded in the SDK assembly, so the catalog works from a NuGet install.
/// </summary>
public static class DatasetManifest
{
    private const string ResourcePrefix = "DigitalCell.Sdk.Manifest.";
    private const string SchemaFileName = "schema.json";

    private static readonly Lazy<JsonSchemaValidator> LazyValidator = new(() =>
    {
        using var stream = OpenResource(ResourcePrefix + SchemaFileName);
        using var doc = JsonDocument.Parse(stream);
        return new JsonSchemaValidator(doc.RootElement.Clone());
    });

    private static readonly Lazy<IReadOnlyList<DatasetEntry>> LazyEmbedded = new(() =>
        typeof(DatasetManifest).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n != ResourcePrefix + SchemaFileName)
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(OpenResource(n));
                string fileName = n[ResourcePrefix.Length..];
                return Parse(reader.ReadToEnd(), "embedded:" + fileName, Path.GetFileNameWithoutExtension(fileName));
            })
            .ToArray());

    /// <summary>The entries shipped with the SDK (the repository's <c>datasets-manifest/*.json</c>), sorted by file name.</summary>
    public static IReadOnlyList<DatasetEntry> Embedded => LazyEmbedded.Value;

    /// <summary>The text of the manifest JSON schema shipped with the SDK.</summary>
    public static string SchemaJson
    {
        get
        {
            using var reader = new StreamReader(OpenResource(ResourcePrefix + SchemaFileName));
            return reader.ReadToEnd();
        }
    }

    /// <summary>Reads every <c>*.json</c> entry of a folder (except <c>schema.json</c>), sorted by file name.</summary>
    public static IReadOnlyList<DatasetEntry> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DigitalCellException(directory, null, "manifest folder does not exist");
        return Directory.EnumerateFiles(directory, "*.json")
            .Where(f => !Path.GetFileName(f).Equals(SchemaFileName, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(LoadFile)
            .ToArray();
    }

    /// <summary>Reads and validates one manifest file; its name (without <c>.json</c>) must equal the entry's id.</summary>
    public static DatasetEntry LoadFile(string path) =>
        Parse(File.ReadAllText(path), path, Path.GetFileNameWithoutExtension(path));

    /// <summary>The JSON document of a manifest file; invalid JSON is an error naming <paramref name="source"/> and the line (the caller disposes it).</summary>
    internal static JsonDocument ParseJson(string json, string source)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DigitalCellException(source, $"line {e.LineNumber + 1}", $"not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Parses and validates one manifest entry.</summary>
    /// <param name="json">The entry's JSON text.</param>
    /// <param name="source">Where it came from, used in error messages.</param>
    /// <param name="expectedId">The id the entry must have (its file name), or null to skip that check.</param>
    public static DatasetEntry Parse(string json, string source, string? expectedId = null)
    {
        using (var doc = ParseJson(json, source))
        {
            var root = doc.RootElement;
            var problems = LazyValidator.Value.Validate(root).ToList();
            if (problems.Count == 0) problems.AddRange(CheckRules(root, expectedId));
            if (problems.Count == 1) throw new DigitalCellException(source, problems[0].Path, problems[0].Problem);
            if (problems.Count > 1)
                throw new DigitalCellException(source, null,
                    $"{problems.Count} problems: " + string.Join("; ", problems.Select(p => $"{p.Path}: {p.Problem}")));
            return ToEntry(root, source);
        }
    }

    private static IEnumerable<(string Path, string Problem)> CheckRules(JsonElement root, string? expectedId)
    {
        // Titles, citations and labels are printed by `dcell datasets`: no terminal escapes or bidi overrides in them.
        foreach (var (path, text) in Strings(root, "$"))
            if (text.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
                yield return (path, "contains a control or format character (a terminal escape?)");
        string id = root.GetProperty("id").GetString()!;
        if (expectedId is not null && id != expectedId)
            yield return ("$.id", $"id '{id}' must equal the file name '{expectedId}.json' without extension");
        var names = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var file in root.GetProperty("files").EnumerateArray())
        {
            string name = file.GetProperty("name").GetString()!;
            if (!names.Add(name)) yield return ($"$.files[{i}].name", $"file name '{name}' appears twice");
            string format = file.GetProperty("format").GetString()!;
            if (file.TryGetProperty("load", out var load) && format is not ("zip" or "tar.gz"))
                yield return ($"$.files[{i}].load", $"'load' names a file inside an archive, but the format is {format}");
            if (load.ValueKind == JsonValueKind.String && load.GetString()!.Split('/').Any(part => part is "" or "." or ".."))
                yield return ($"$.files[{i}].load", $"'{load.GetString()}' must be a relative path inside the archive without '.', '..' or empty parts");
            i++;
        }
    }

    private static DatasetEntry ToEntry(JsonElement root, string source)
    {
        var citation = root.GetProperty("citation");
        var schema = root.GetProperty("schema");
        return new DatasetEntry(
            Id: root.GetProperty("id").GetString()!,
            Title: root.GetProperty("title").GetString()!,
            Description: root.GetProperty("description").GetString()!,
            Citation: new DatasetCitation(
                Strings(citation.GetProperty("authors")),
                citation.GetProperty("year").GetInt32(),
                citation.GetProperty("title").GetString()!,
                citation.GetProperty("journal").GetString()!,
                citation.GetProperty("doi").GetString()!),
            Via: OptionalString(root, "via"),
            License: root.GetProperty("license").GetString()!,
            LicenseNote: OptionalString(root, "licenseNote"),
            Organism: root.GetProperty("organism").GetString()!,
            CellContext: root.GetProperty("cellContext").GetString()!,
            Modality: root.GetProperty("modality").GetString()!,
            PerturbationKind: root.GetProperty("perturbationKind").GetString()!,
            Files: root.GetProperty("files").EnumerateArray().Select(f => new DatasetFile(
                Name: f.GetProperty("name").GetString()!,
                Format: f.GetProperty("format").GetString()!,
                Role: OptionalString(f, "role") ?? "data",
                Url: OptionalString(f, "url"),
                Mirrors: f.TryGetProperty("mirrors", out var m) ? Strings(m) : [],
                Sha256: OptionalString(f, "sha256"),
                Size: f.GetProperty("size").ValueKind == JsonValueKind.Null ? null : f.GetProperty("size").GetInt64(),
                Load: OptionalString(f, "load"),
                Matrix: OptionalString(f, "matrix"))).ToArray(),
            Schema: new DatasetSchemaMapping(
                schema.GetProperty("perturbationColumn").GetString()!,
                Strings(schema.GetProperty("controlLabels")),
                OptionalString(schema, "combinationDelimiter"),
                OptionalString(schema, "contextColumn"),
                OptionalString(schema, "doseColumn"),
                OptionalString(schema, "timeColumn"),
                OptionalString(schema, "geneIdColumn")),
            ManifestPath: source);
    }

    /// <summary>Every string value in <paramref name="element"/> with its JSON path.</summary>
    private static IEnumerable<(string Path, string Text)> Strings(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => [(path, element.GetString()!)],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value, $"{path}.{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Strings(e, $"{path}[{i}]")),
        _ => [],
    };

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string? OptionalString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static Stream OpenResource(string name) =>
        typeof(DatasetManifest).Assembly.GetManifestResourceStream(name)
        ?? throw new DigitalCellException($"The SDK assembly lacks the embedded resource '{name}' (a build problem: check the csproj EmbeddedResource items).");

    internal static Assembly Assembly => typeof(DatasetManifest).Assembly;
}
