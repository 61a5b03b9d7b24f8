using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The models the zoo can fetch by id (<see cref="ModelFetcher"/>): a JSON file <c>{"models": [...]}</c> whose entries
/// give an id, a summary for <c>dcell models list</c>, a licence and the files of the model folder, each with an HTTPS
/// URL, SHA-256 and size (an archive, <c>zip</c> or <c>tar.gz</c>, is extracted into the folder; a <c>file</c> is placed
/// as it is). The SDK embeds the repository's <c>models-manifest.json</c>; more files extend it (equal ids replace).
/// Checksums are required: a model is code-adjacent (its card picks the loader), so nothing is trusted on first use.
/// </summary>
public static partial class ModelManifest
{
    private const string ResourceName = "DigitalCell.Sdk.ModelsManifest.json";

    private static readonly Lazy<IReadOnlyList<ModelManifestEntry>> LazyEmbedded = new(() =>
    {
        using var stream = typeof(ModelManifest).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from the SDK build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "embedded:models-manifest.json");
    });

    /// <summary>The entries shipped with the SDK (the repository's <c>models-manifest.json</c>; empty until a model is published).</summary>
    public static IReadOnlyList<ModelManifestEntry> Embedded => LazyEmbedded.Value;

    /// <summary>The embedded entries extended by <paramref name="files"/> in order (an entry replaces an earlier one of the same id), sorted by id.</summary>
    public static IReadOnlyList<ModelManifestEntry> Load(IEnumerable<string>? files = null)
    {
        var byId = Embedded.ToDictionary(e => e.Id, StringComparer.Ordinal);
        foreach (var file in files ?? [])
        {
            if (!File.Exists(file)) throw new DigitalCellException(file, null, "model manifest file does not exist");
            foreach (var entry in Parse(File.ReadAllText(file), file)) byId[entry.Id] = entry;
        }
        return byId.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The entry <paramref name="id"/> of <paramref name="entries"/>.</summary>
    /// <exception cref="DigitalCellException">No such id (the message lists the known ones).</exception>
    public static ModelManifestEntry Get(IReadOnlyList<ModelManifestEntry> entries, string id) =>
        entries.FirstOrDefault(e => e.Id == id) ?? throw new DigitalCellException(
            $"no model '{id}' in the models manifest; " + (entries.Count == 0
                ? "it lists none yet (dcell-base-tiny ships with dcell: `dcell models list`; pass --manifest FILE to add entries)"
                : $"it lists {string.Join(", ", entries.Select(e => e.Id))}"));

    /// <summary>Parses and validates a models manifest.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <exception cref="DigitalCellException">Invalid JSON or a field that is missing or malformed (named with its path, e.g. <c>models[0].files[1].sha256</c>).</exception>
    public static IReadOnlyList<ModelManifestEntry> Parse(string json, string source)
    {
        using (var doc = Catalog.DatasetManifest.ParseJson(json, source))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array)
                throw new DigitalCellException(source, "models", "the manifest must be an object with a \"models\" array");
            var entries = new List<ModelManifestEntry>();
            int i = 0;
            foreach (var model in models.EnumerateArray())
            {
                string at = $"models[{i++}]";
                string id = Text(model, "id", source, at);
                if (!IdPattern().IsMatch(id)) throw new DigitalCellException(source, $"{at}.id", $"'{id}' is not a model id (lower-case letters, digits, '.', '-')");
                if (entries.Any(e => e.Id == id)) throw new DigitalCellException(source, $"{at}.id", $"'{id}' is listed twice");
                if (!model.TryGetProperty("files", out var filesElement) || filesElement.ValueKind != JsonValueKind.Array || filesElement.GetArrayLength() == 0)
                    throw new DigitalCellException(source, $"{at}.files", "a model needs a non-empty \"files\" array");
                var files = filesElement.EnumerateArray().Select((f, j) => ParseFile(f, source, $"{at}.files[{j}]")).ToList();
                var duplicate = files.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null) throw new DigitalCellException(source, $"{at}.files", $"the file name '{duplicate.Key}' is listed twice");
                entries.Add(new ModelManifestEntry(id, Text(model, "summary", source, at), Text(model, "license", source, at), files, source));
            }
            return entries;
        }
    }

    private static ModelManifestFile ParseFile(JsonElement file, string source, string at)
    {
        string name = Text(file, "name", source, at);
        if (name.StartsWith('.') || name.IndexOfAny(['/', '\\']) >= 0)
            throw new DigitalCellException(source, $"{at}.name", $"'{name}' must be a plain file name (no folders, no leading dot)");
        string url = Text(file, "url", source, at);
        // http: parses so that a local test server can stand in; the downloader refuses it unless a mirror is allowed.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            throw new DigitalCellException(source, $"{at}.url", $"'{url}' is not an https: URL");
        string sha256 = Text(file, "sha256", source, at);
        if (!Sha256Pattern().IsMatch(sha256))
            throw new DigitalCellException(source, $"{at}.sha256", $"'{sha256}' is not a SHA-256 (64 lower-case hex digits)");
        if (!file.TryGetProperty("size", out var sizeElement) || !sizeElement.TryGetInt64(out long size) || size <= 0)
            throw new DigitalCellException(source, $"{at}.size", "needs the file's size in bytes (a positive integer)");
        string format = file.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "file";
        if (format is not ("file" or "zip" or "tar.gz"))
            throw new DigitalCellException(source, $"{at}.format", $"'{format}' is not one of file, zip, tar.gz");
        return new ModelManifestFile(name, uri, sha256, size, format);
    }

    private static string Text(JsonElement element, string field, string source, string at) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new DigitalCellException(source, $"{at}.{field}", string.Create(CultureInfo.InvariantCulture, $"needs a non-empty string \"{field}\""));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}

/// <summary>A model the manifest lists.</summary>
/// <param name="Id">Its id, the name of its zoo folder.</param>
/// <param name="Summary">One line for listings (what it is, what it was trained on).</param>
/// <param name="License">Its licence.</param>
/// <param name="Files">What makes up its folder.</param>
/// <param name="Source">The manifest file it came from.</param>
public sealed record ModelManifestEntry(string Id, string Summary, string License, IReadOnlyList<ModelManifestFile> Files, string Source)
{
    /// <summary>Bytes to download.</summary>
    public long Bytes => Files.Sum(f => f.Size);
}

/// <summary>One downloadable file of a model.</summary>
/// <param name="Name">File name (a plain name).</param>
/// <param name="Url">HTTPS location (<c>http:</c> is downloaded only with <see cref="Catalog.CatalogOptions.AllowInsecureMirror"/>).</param>
/// <param name="Sha256">Lower-case hex SHA-256 it must have.</param>
/// <param name="Size">Bytes it must have.</param>
/// <param name="Format"><c>file</c> (placed in the model folder as it is), <c>zip</c> or <c>tar.gz</c> (extracted into it).</param>
public sealed record ModelManifestFile(string Name, Uri Url, string Sha256, long Size, string Format)
{
    /// <summary>True for zip and tar.gz files, which are extracted.</summary>
    public bool IsArchive => Format is "zip" or "tar.gz";
}
