using System.Text.Json;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Turns what the user named into shard files: a folder (its <c>.h5ad</c> and <c>.parquet</c> files, not recursive),
/// a glob whose last part has wildcards (<c>shards/part-*.parquet</c>), or a manifest (<c>.json</c> with a
/// <c>"shards"</c> array, or <c>.txt</c> with one path a line; paths relative to the manifest).
/// </summary>
internal static class ShardLocations
{
    public static string[] Expand(string location)
    {
        ArgumentException.ThrowIfNullOrEmpty(location);
        if (Directory.Exists(location))
            return Sorted(Directory.EnumerateFiles(location).Where(IsShardName), location, "the folder holds no .h5ad or .parquet shards");
        string name = Path.GetFileName(location);
        if (name.IndexOfAny(['*', '?']) >= 0)
        {
            string folder = Path.GetDirectoryName(location) is { Length: > 0 } d ? d : ".";
            if (folder.IndexOfAny(['*', '?']) >= 0)
                throw new DigitalCellException(location, null, "only the file-name part of a glob may hold wildcards");
            if (!Directory.Exists(folder)) throw new DigitalCellException(location, null, $"the folder '{folder}' does not exist");
            return Sorted(Directory.EnumerateFiles(folder, name).Where(IsShardName), location, "the glob matches no .h5ad or .parquet shards");
        }
        if (!File.Exists(location)) throw new DigitalCellException(location, null, "no such folder, file or glob match");
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return FromJson(location);
        if (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            return Relative(location, File.ReadAllLines(location).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        if (IsShardName(location)) return [Path.GetFullPath(location)];
        throw new DigitalCellException(location, null, "is neither a shard (.h5ad, .parquet) nor a manifest (.json, .txt)");
    }

    /// <summary>Shard files by name; Tahoe's token vocabulary is a Parquet file but no shard.</summary>
    private static bool IsShardName(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        return name != TahoeGeneTokens.FileName && !name.StartsWith('.') && (name.EndsWith(".h5ad", StringComparison.Ordinal) || name.EndsWith(".parquet", StringComparison.Ordinal));
    }

    private static string[] Sorted(IEnumerable<string> files, string location, string problem)
    {
        var result = files.Select(Path.GetFullPath).Order(StringComparer.Ordinal).ToArray();
        return result.Length > 0 ? result : throw new DigitalCellException(location, null, problem);
    }

    private static string[] FromJson(string manifest)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
            if (!doc.RootElement.TryGetProperty("shards", out var shards) || shards.ValueKind != JsonValueKind.Array)
                throw new DigitalCellException(manifest, "shards", "a collection manifest needs a \"shards\" array of paths");
            return Relative(manifest, shards.EnumerateArray().Select(e => e.GetString()
                ?? throw new DigitalCellException(manifest, "shards", "holds a value that is not a path")));
        }
        catch (JsonException e)
        {
            throw new DigitalCellException(manifest, null, $"is not valid JSON ({e.Message})", e);
        }
    }

    private static string[] Relative(string manifest, IEnumerable<string> paths)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        var result = paths.Select(p => Path.GetFullPath(Path.Combine(folder, p))).ToArray();
        if (result.Length == 0) throw new DigitalCellException(manifest, null, "lists no shards");
        foreach (var p in result)
            if (!File.Exists(p)) throw new DigitalCellException(manifest, null, $"lists '{p}', which does not exist");
        return result;
    }
}
