using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// <c>pins.json</c> in the cache: for each cached file the SHA-256 the catalog trusts and the size and modification
/// time at which it was last hashed (so a later fetch need not re-hash an unchanged multi-gigabyte file). When the
/// manifest gives no checksum the first download's hash is pinned here (trust on first use, reported to the user)
/// and every later verification compares against it. Rewritten atomically.
/// </summary>
internal sealed class PinStore(string path)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly object _gate = new();

    public string PathOnDisk => path;

    public FilePin? Get(string id, string fileName)
    {
        lock (_gate)
        {
            var pins = Read();
            try
            {
                return pins[Key(id, fileName)] is JsonObject o
                    ? new FilePin(
                        (string)o["sha256"]!,
                        (bool?)o["pinnedOnFirstUse"] ?? false,
                        (long?)o["size"] ?? -1,
                        (long?)o["modifiedTicks"] ?? -1,
                        (string?)o["source"])
                    : null;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
            {
                throw Corrupt($"the pin of {Key(id, fileName)} has a value of the wrong type ({e.Message})", e);
            }
        }
    }

    public void Set(string id, string fileName, FilePin pin)
    {
        lock (_gate)
        {
            var pins = Read();
            pins[Key(id, fileName)] = new JsonObject
            {
                ["sha256"] = pin.Sha256,
                ["pinnedOnFirstUse"] = pin.PinnedOnFirstUse,
                ["size"] = pin.Size,
                ["modifiedTicks"] = pin.ModifiedTicks,
                ["source"] = pin.Source,
                ["recordedAt"] = DateTime.UtcNow.ToString("O"),
            };
            var root = new JsonObject { ["version"] = 1, ["pins"] = pins };
            AtomicFile.WriteAllText(path, root.ToJsonString(Indented));
        }
    }

    private JsonObject Read()
    {
        if (!File.Exists(path)) return [];
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject root
                ? root["pins"]?.DeepClone() as JsonObject ?? []
                : throw Corrupt("the checksum pin file is not a JSON object", null);
        }
        catch (JsonException e)
        {
            throw Corrupt($"the checksum pin file is not valid JSON ({e.Message})", e);
        }
    }

    private DigitalCellException Corrupt(string problem, Exception? inner) =>
        new(path, null, $"{problem}; delete it to re-pin on the next fetch", inner);

    private static string Key(string id, string fileName) => $"{id}/{fileName}";
}

/// <summary>A trusted checksum of one cached file and the file state it was computed for.</summary>
internal sealed record FilePin(string Sha256, bool PinnedOnFirstUse, long Size, long ModifiedTicks, string? Source)
{
    public bool Matches(FileInfo file) => file.Exists && file.Length == Size && file.LastWriteTimeUtc.Ticks == ModifiedTicks;
}
