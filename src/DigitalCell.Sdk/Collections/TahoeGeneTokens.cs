using DigitalCell.Sdk.IO.Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Tahoe-100M's token vocabulary (<c>gene_metadata.parquet</c>: <c>token_id</c> → <c>gene_symbol</c>), which names
/// the gene tokens of Tahoe-layout shards. Repeated symbols are made unique as anndata's
/// <c>var_names_make_unique</c> does (<c>SYMBOL</c>, <c>SYMBOL-1</c>, …).
/// </summary>
internal sealed class TahoeGeneTokens
{
    private readonly Dictionary<long, int> _position;
    private readonly int[] _dense;

    private TahoeGeneTokens(string path, string[] names, Dictionary<long, int> position)
    {
        Path = path;
        Names = names;
        _position = position;
        _dense = DenseLookup(position);
    }

    public const string FileName = "gene_metadata.parquet";

    public string Path { get; }

    /// <summary>Gene names in the file's row order: the gene space of every Tahoe shard.</summary>
    public string[] Names { get; }

    /// <summary>The gene position of a token, or −1 for a token the vocabulary does not hold.</summary>
    public int PositionOf(long token) =>
        (ulong)token < (ulong)_dense.Length ? _dense[token] : _dense.Length > 0 ? -1 : _position.TryGetValue(token, out int p) ? p : -1;

    /// <summary>The vocabulary file: the one the options name, else the first <c>gene_metadata.parquet</c> beside, above or in a <c>metadata/</c> folder beside the shard at <paramref name="shardPath"/> or its folder.</summary>
    public static string Locate(string shardPath, CellCollectionOptions options)
    {
        if (options.GeneMetadata is { } given)
            return File.Exists(given) ? System.IO.Path.GetFullPath(given) : throw new DigitalCellException(given, null, "gene metadata file not found");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(shardPath))!;
        string? parent = System.IO.Path.GetDirectoryName(folder);
        string[] candidates =
        [
            System.IO.Path.Combine(folder, FileName),
            System.IO.Path.Combine(folder, "metadata", FileName),
            .. parent is null ? Array.Empty<string>() : [System.IO.Path.Combine(parent, FileName), System.IO.Path.Combine(parent, "metadata", FileName)],
        ];
        return candidates.FirstOrDefault(File.Exists) ?? throw new DigitalCellException(shardPath, null,
            $"is a Tahoe-layout shard (gene token lists) but no {FileName} names its tokens; looked in {string.Join(", ", candidates)}. Pass CellCollectionOptions.GeneMetadata (--gene-metadata).");
    }

    public static TahoeGeneTokens Read(string path) => ParquetShardFile.Use(path, async reader =>
    {
        var token = ParquetFile.Require(path, reader.Schema, "token_id", "gene metadata");
        var symbol = ParquetFile.Require(path, reader.Schema, "gene_symbol", "gene metadata");
        var tokens = new List<long>();
        var symbols = new List<string>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            symbols.AddRange(await ParquetFile.ReadStringsAsync(path, rowGroup, symbol, g).ConfigureAwait(false));
            tokens.AddRange(await ReadTokensAsync(path, rowGroup, token, g).ConfigureAwait(false));
        }
        var position = new Dictionary<long, int>(tokens.Count);
        for (int i = 0; i < tokens.Count; i++)
            if (!position.TryAdd(tokens[i], i)) throw new DigitalCellException(path, "token_id", $"token {tokens[i]} is listed twice");
        return new TahoeGeneTokens(path, MakeUnique(symbols), position);
    });

    private static async Task<long[]> ReadTokensAsync(string path, global::Parquet.ParquetRowGroupReader rowGroup, DataField field, int group)
    {
        if (field.ClrType == typeof(int)) return Array.ConvertAll(await TahoeColumns.ReadRequiredAsync<int>(path, rowGroup, field, group).ConfigureAwait(false), v => (long)v);
        if (field.ClrType == typeof(long)) return await TahoeColumns.ReadRequiredAsync<long>(path, rowGroup, field, group).ConfigureAwait(false);
        throw new DigitalCellException(path, "token_id", $"has type {ParquetFile.TypeName(field)}; expected integers");
    }

    /// <summary>
    /// Every token is looked up once per stored value, so small non-negative token ids (Tahoe's run to ~63,000) get
    /// an array indexed by token instead of hashing; empty when the ids are too sparse for that to pay.
    /// </summary>
    private static int[] DenseLookup(Dictionary<long, int> position)
    {
        const long Limit = 1 << 18;
        if (position.Count == 0 || position.Keys.Min() < 0) return [];
        long max = position.Keys.Max();
        if (max >= Math.Max(Limit, 4L * position.Count)) return [];
        var dense = new int[max + 1];
        Array.Fill(dense, -1);
        foreach (var (token, p) in position) dense[token] = p;
        return dense;
    }

    private static string[] MakeUnique(List<string> names)
    {
        var seen = new HashSet<string>(names, StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new string[names.Count];
        var first = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (first.Add(names[i])) { result[i] = names[i]; continue; }
            int n = counts.GetValueOrDefault(names[i]);
            string candidate;
            do candidate = $"{names[i]}-{++n}"; while (seen.Contains(candidate));
            counts[names[i]] = n;
            seen.Add(candidate);
            result[i] = candidate;
        }
        return result;
    }
}
