using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Catalog;

public sealed partial class DatasetCatalog
{
    /// <summary>
    /// Makes every file of a data set present and verified: a file resolves from the cache, else the mirror folder (read
    /// in place after its SHA-256 is checked), else it is downloaded into the cache (mirror URL first when configured,
    /// then the manifest URL, then its mirrors); archives are extracted into the cache. A file unchanged since it was
    /// last hashed is not hashed again.
    /// </summary>
    /// <param name="id">The data set id.</param>
    /// <param name="progress">Receives byte counts while files download.</param>
    /// <param name="cancellationToken">Cancels; a partial download is kept and resumed by the next fetch.</param>
    /// <exception cref="DigitalCellException">Offline (with instructions to place the file by hand), HTTP error,
    /// checksum mismatch, or an unsafe archive.</exception>
    public async Task<DatasetFetchResult> FetchAsync(string id, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var entry = Get(id);
        var fetched = new List<FetchedFile>();
        foreach (var file in entry.Files)
            fetched.Add(await FetchFileAsync(entry, file, progress, cancellationToken).ConfigureAwait(false));
        return new DatasetFetchResult(entry, fetched, DataPath(entry, fetched.First(f => f.File == entry.PrimaryFile).Path));
    }

    private async Task<FetchedFile> FetchFileAsync(DatasetEntry entry, DatasetFile file, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        string path = FilePath(entry.Id, file.Name);
        FetchedFile result = File.Exists(path)
            ? await CheckLocalAsync(entry, file, path, FetchOutcome.AlreadyCached, ct).ConfigureAwait(false)
            : MirrorPath(entry, file) is { } mirrored
                ? await CheckLocalAsync(entry, file, mirrored, FetchOutcome.FromMirror, ct).ConfigureAwait(false)
                : await DownloadAsync(entry, file, path, progress, ct).ConfigureAwait(false);
        if (file.IsArchive)
        {
            string target = ExtractionDirectory(entry, file);
            if (!Directory.Exists(target)) ArchiveExtractor.Extract(result.Path, file.Format, target, ArchiveLimits.From(Options), ct);
        }
        return result;
    }

    /// <summary>A file in the cache or the mirror folder: trusted when its pin matches its size and time, else hashed now.</summary>
    private async Task<FetchedFile> CheckLocalAsync(DatasetEntry entry, DatasetFile file, string path, FetchOutcome outcome, CancellationToken ct)
    {
        var pin = _pins.Get(entry.Id, file.Name);
        string? expected = file.Sha256 ?? pin?.Sha256;
        Uri? source = outcome == FetchOutcome.FromMirror ? new Uri(path) : null;
        if (pin is not null && pin.Sha256 == expected && pin.Matches(FileLinks.Resolve(path)))
            return new FetchedFile(file, path, pin.Sha256, outcome, false, source);
        // Placed by hand, new in the mirror, or changed since it was hashed: hash it now.
        string actual = await Sha256File.ComputeAsync(path, ct).ConfigureAwait(false);
        if (expected is not null && actual != expected)
            throw new DigitalCellException(path, null,
                $"sha256 mismatch for data set '{entry.Id}': expected {expected}, actual {actual}; " +
                (outcome == FetchOutcome.FromMirror ? "the mirror holds another file of that name" : "delete the file and fetch again"));
        if (expected is null) DeclaredFormat.Check(path, file.Format, ct);
        Pin(entry, file, path, actual, source);
        return new FetchedFile(file, path, actual, outcome, expected is null, source);
    }

    private async Task<FetchedFile> DownloadAsync(DatasetEntry entry, DatasetFile file, string path, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var downloader = DatasetDownloader.From(Options);
        var pinned = _pins.Get(entry.Id, file.Name);
        string? expected = file.Sha256 ?? pinned?.Sha256;
        var failures = new List<(Uri Location, DigitalCellException Error)>();
        foreach (var location in Locations(entry, file))
        {
            try
            {
                var result = await downloader.DownloadAsync(location, path, expected, file.Size, progress, ct).ConfigureAwait(false);
                if (expected is null) CheckFormatOrDelete(path, file, ct);
                Pin(entry, file, path, result.Sha256, location);
                return new FetchedFile(file, path, result.Sha256, FetchOutcome.Downloaded, expected is null, location);
            }
            catch (DigitalCellException e)
            {
                failures.Add((location, e));
            }
        }
        throw FetchFailure(entry, file, path, failures);
    }

    /// <summary>Trust on first use only for a file that parses as its declared format; a download that does not is deleted.</summary>
    private static void CheckFormatOrDelete(string path, DatasetFile file, CancellationToken ct)
    {
        try
        {
            DeclaredFormat.Check(path, file.Format, ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private IEnumerable<Uri> Locations(DatasetEntry entry, DatasetFile file)
    {
        if (MirrorUrl is { } mirror)
            yield return new Uri(new Uri(mirror.ToString().TrimEnd('/') + "/"), $"{Uri.EscapeDataString(entry.Id)}/{Uri.EscapeDataString(file.Name)}");
        foreach (string location in file.Locations) yield return new Uri(location);
    }

    private static DigitalCellException FetchFailure(DatasetEntry entry, DatasetFile file, string path, List<(Uri Location, DigitalCellException Error)> failures)
    {
        if (failures.Count == 0)
            return new DigitalCellException(
                $"Data set '{entry.Id}': {file.Name} has no public source; point --mirror or ${CatalogOptions.MirrorEnvironmentVariable} " +
                $"at a folder holding it, or place it by hand at {path}.");
        bool offline = failures.All(f => f.Error.InnerException is { } inner && DatasetDownloader.IsNetworkFailure(inner));
        string tried = string.Join("; ", failures.Select(f => f.Error.Message));
        if (!offline)
            return new DigitalCellException($"Data set '{entry.Id}': could not fetch {file.Name}: {tried}", failures[^1].Error);
        string checksum = file.Sha256 is not null ? $"its sha256 must be {file.Sha256}" : "the manifest has no checksum, so its sha256 will be pinned on first use";
        return new DigitalCellException(
            $"Data set '{entry.Id}' ({entry.Title}) is not cached and cannot be downloaded: the network is unreachable ({tried}). " +
            $"To install it by hand, download {failures[0].Location} on a connected machine and copy it to {path} " +
            $"(`dcell datasets path {entry.Id}` prints that location; {checksum}), then run `dcell datasets verify {entry.Id}`.",
            failures[^1].Error);
    }

    private string ExtractionDirectory(DatasetEntry entry, DatasetFile file) =>
        Inside(DatasetDirectory(entry.Id), file.Format == "tar.gz" ? file.Name[..^".tar.gz".Length] : Path.GetFileNameWithoutExtension(file.Name), entry, "name");

    /// <summary>
    /// <paramref name="relative"/> joined to <paramref name="root"/>, refused unless it stays strictly inside: the
    /// manifest is checked for <c>..</c> and absolute paths already, but the joined path is what gets read and pinned.
    /// </summary>
    private static string Inside(string root, string relative, DatasetEntry entry, string field)
    {
        string prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(prefix, relative));
        if (!full.StartsWith(prefix, StringComparison.Ordinal) || full.Length == prefix.Length)
            throw new DigitalCellException(entry.ManifestPath, field, $"'{relative}' leads outside the data set's folder {root}");
        return full;
    }

    /// <summary>The file to read as cells once fetched: the primary file (in the cache, else the mirror folder), or the
    /// <c>load</c> path inside its extracted archive.</summary>
    public string DataPath(string id)
    {
        var entry = Get(id);
        return DataPath(entry, LocalPath(entry, entry.PrimaryFile) ?? FilePath(entry.Id, entry.PrimaryFile.Name));
    }

    private string DataPath(DatasetEntry entry, string path)
    {
        var primary = entry.PrimaryFile;
        if (!primary.IsArchive) return path;
        string root = ExtractionDirectory(entry, primary);
        if (primary.Load is null) return root;
        string exact = Inside(root, primary.Load, entry, "load");
        if (File.Exists(exact) || !Directory.Exists(root)) return exact;
        // Archives differ in whether they wrap their content in a top folder; fall back to the file name.
        return Directory.EnumerateFiles(root, Path.GetFileName(primary.Load), SearchOption.AllDirectories).FirstOrDefault()
               ?? throw new DigitalCellException(path, primary.Load, $"the archive has no file '{primary.Load}' (extracted to {root})");
    }
}
