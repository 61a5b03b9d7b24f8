using DigitalCell.Sdk.IO;
namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// The public perturbation data sets by id: list them, fetch them into a local cache (HTTPS, resumable, verified by
/// SHA-256, trust-on-first-use pinning where a manifest has no checksum), verify the cache, find files, and load a
/// data set as a <see cref="Data.CellDataset"/>. A file resolves from the cache, else a local mirror folder
/// (<see cref="CatalogOptions.Mirror"/>, <c>$DIGITALCELL_MIRROR</c>), else its public source. Like
/// <c>pertpy.data.norman_2019()</c>, but with checksums and a citation for every file.
/// </summary>
public sealed partial class DatasetCatalog
{
    private static readonly Lazy<DatasetCatalog> LazyDefault = new(() => new DatasetCatalog());

    private readonly Dictionary<string, DatasetEntry> _byId;
    private readonly PinStore _pins;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Path, long Length, long Ticks), string> _recognizedHashes = new();

    /// <summary>A catalog over the embedded manifests, caching under <see cref="CatalogOptions.DefaultCacheDirectory"/>.</summary>
    public static DatasetCatalog Default => LazyDefault.Value;

    /// <summary>Creates a catalog with the given options (embedded manifests plus any extra manifest folders).</summary>
    public DatasetCatalog(CatalogOptions? options = null)
    {
        Options = options ?? new CatalogOptions();
        CacheDirectory = Path.GetFullPath(Options.CacheDirectory ?? CatalogOptions.DefaultCacheDirectory);
        string? mirror = Options.Mirror ?? CatalogOptions.DefaultMirror;
        if (mirror is not null && Uri.TryCreate(mirror, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            MirrorUrl = uri;
        else if (mirror is not null)
            MirrorDirectory = Path.GetFullPath(Uri.TryCreate(mirror, UriKind.Absolute, out var file) && file.IsFile ? file.LocalPath : mirror);
        _byId = new Dictionary<string, DatasetEntry>(StringComparer.Ordinal);
        foreach (var entry in DatasetManifest.Embedded) _byId[entry.Id] = entry;
        foreach (var directory in Options.ManifestDirectories)
            foreach (var entry in DatasetManifest.LoadDirectory(directory)) _byId[entry.Id] = entry;
        Entries = _byId.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
        _pins = new PinStore(Path.Combine(CacheDirectory, "pins.json"));
    }

    /// <summary>The options this catalog was created with.</summary>
    public CatalogOptions Options { get; }

    /// <summary>The cache folder (absolute).</summary>
    public string CacheDirectory { get; }

    /// <summary>The local mirror folder (absolute), or null when the mirror is a URL or there is none.</summary>
    public string? MirrorDirectory { get; }

    /// <summary>The mirror's base URL, or null when the mirror is a folder or there is none.</summary>
    public Uri? MirrorUrl { get; }

    /// <summary>The checksum pin file, <c>pins.json</c> in the cache folder.</summary>
    public string PinFile => _pins.PathOnDisk;

    /// <summary>Every data set, sorted by id.</summary>
    public IReadOnlyList<DatasetEntry> Entries { get; }

    /// <summary>The data set with this id; an unknown id is an error listing the close matches.</summary>
    public DatasetEntry Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (_byId.TryGetValue(id, out var entry)) return entry;
        var close = Entries.Select(e => e.Id)
            .Where(e => e.Contains(id, StringComparison.OrdinalIgnoreCase) || id.Contains(e, StringComparison.OrdinalIgnoreCase)
                        || e.StartsWith(id[..Math.Min(4, id.Length)], StringComparison.OrdinalIgnoreCase))
            .ToArray();
        string hint = close.Length > 0 ? $"did you mean {string.Join(", ", close)}?" : "run `dcell datasets list` to see the ids";
        throw new DigitalCellException($"Unknown data set '{id}': {hint}");
    }

    /// <summary>The cache folder of one data set.</summary>
    public string DatasetDirectory(string id) => Path.Combine(CacheDirectory, "datasets", Get(id).Id);

    /// <summary>Where a file of a data set lives in the cache (where to place it by hand when offline).</summary>
    public string FilePath(string id, string fileName)
    {
        var entry = Get(id);
        var file = entry.Files.FirstOrDefault(f => f.Name == fileName)
                   ?? throw new DigitalCellException($"Data set '{id}' has no file '{fileName}'; its files are {string.Join(", ", entry.Files.Select(f => f.Name))}.");
        return Inside(DatasetDirectory(entry.Id), file.Name, entry, "name");
    }

    /// <summary>True when every file of the data set is in the cache.</summary>
    public bool IsCached(string id)
    {
        var entry = Get(id);
        return entry.Files.All(f => File.Exists(FilePath(entry.Id, f.Name)));
    }

    /// <summary>True when every file of the data set is in the cache or the mirror folder, so it resolves without network.</summary>
    public bool IsAvailableOffline(string id)
    {
        var entry = Get(id);
        return entry.Files.All(f => LocalPath(entry, f) is not null);
    }

    /// <summary>Where a file of a data set is on this machine without a download: the cache, else the mirror folder; null when neither has it.</summary>
    public string? LocalPath(string id, string fileName)
    {
        var entry = Get(id);
        FilePath(id, fileName); // names the files when fileName is wrong
        return LocalPath(entry, entry.Files.First(f => f.Name == fileName));
    }

    private string? LocalPath(DatasetEntry entry, DatasetFile file)
    {
        string cached = FilePath(entry.Id, file.Name);
        return File.Exists(cached) ? cached : MirrorPath(entry, file);
    }

    /// <summary>The file in the mirror folder: <c>&lt;id&gt;/&lt;name&gt;</c>, else <c>&lt;name&gt;</c> in any first-level folder or at the top.</summary>
    private string? MirrorPath(DatasetEntry entry, DatasetFile file)
    {
        if (MirrorDirectory is null) return null;
        if (!Directory.Exists(MirrorDirectory))
            throw new DigitalCellException(MirrorDirectory, null,
                $"the data mirror folder does not exist (set by --mirror or ${CatalogOptions.MirrorEnvironmentVariable})");
        string direct = Path.Combine(MirrorDirectory, entry.Id, file.Name);
        if (File.Exists(direct)) return direct;
        // Mirrors such as ../shared/data name their folders after the source, not the catalog id: match the file name.
        return Directory.EnumerateDirectories(MirrorDirectory).Order(StringComparer.Ordinal)
            .Select(d => Path.Combine(d, file.Name))
            .Append(Path.Combine(MirrorDirectory, file.Name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The catalog entry whose data file <paramref name="path"/> is, with its checksum: same file name as an entry's
    /// h5ad data file and the same SHA-256 as the manifest (or the pin taken on first use). Null for any other file,
    /// including a renamed or edited copy. A file whose pin matches its size and time is not hashed again; other
    /// hashes are remembered for this catalog's lifetime by path, size and time.
    /// </summary>
    internal (DatasetEntry Entry, string Sha256)? Recognize(string path)
    {
        var info = FileLinks.Resolve(path);
        if (!info.Exists) return null;
        foreach (var entry in Entries)
        {
            var file = entry.PrimaryFile;
            if (file.Format != "h5ad" || file.Name != info.Name || (file.Size is long size && size != info.Length)) continue;
            var pin = _pins.Get(entry.Id, file.Name);
            string? expected = file.Sha256 ?? pin?.Sha256;
            if (expected is null) continue;
            if (file.Sha256 is null && pin!.Matches(info)) return (entry, expected);
            string actual = _recognizedHashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc.Ticks), _ => Sha256File.Compute(info.FullName));
            if (string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)) return (entry, actual);
        }
        return null;
    }

    /// <summary>The checksum a file must have: the manifest's, else the one pinned on first use, else null.</summary>
    public string? ExpectedSha256(string id, string fileName)
    {
        var file = Get(id).Files.First(f => f.Name == fileName);
        return file.Sha256 ?? _pins.Get(id, fileName)?.Sha256;
    }

    /// <summary>Files of one data set (or of every data set) that are in the cache or the mirror folder, hashed and
    /// compared with the manifest's checksum or the pin; files with neither are pinned now (trust on first use) when
    /// they parse as their declared format, else a <see cref="DigitalCellException"/> names the file.</summary>
    public async Task<IReadOnlyList<FileVerification>> VerifyAsync(string? id = null, CancellationToken cancellationToken = default)
    {
        var entries = id is null ? Entries : [Get(id)];
        var results = new List<FileVerification>();
        foreach (var entry in entries)
            foreach (var file in entry.Files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? expected = file.Sha256 ?? _pins.Get(entry.Id, file.Name)?.Sha256;
                if (LocalPath(entry, file) is not { } path)
                {
                    results.Add(new FileVerification(entry.Id, file, FilePath(entry.Id, file.Name), VerificationStatus.Missing, expected, null));
                    continue;
                }
                if (expected is null) DeclaredFormat.Check(path, file.Format, cancellationToken);
                string actual = await Sha256File.ComputeAsync(path, cancellationToken).ConfigureAwait(false);
                var status = expected is null ? VerificationStatus.PinnedOnFirstUse
                    : actual == expected ? VerificationStatus.Verified : VerificationStatus.Mismatch;
                if (status != VerificationStatus.Mismatch) Pin(entry, file, path, actual, source: null);
                results.Add(new FileVerification(entry.Id, file, path, status, expected, actual));
            }
        return results;
    }

    private void Pin(DatasetEntry entry, DatasetFile file, string path, string sha256, Uri? source)
    {
        var info = FileLinks.Resolve(path);
        bool firstUse = file.Sha256 is null && (_pins.Get(entry.Id, file.Name)?.PinnedOnFirstUse ?? true);
        _pins.Set(entry.Id, file.Name, new FilePin(sha256, firstUse, info.Length, info.LastWriteTimeUtc.Ticks, source?.ToString()));
    }
}
