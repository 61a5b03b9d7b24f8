using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// Fetches a model the <see cref="ModelManifest"/> lists into the model cache (<see cref="ModelZoo.CacheDirectory"/>),
/// where <see cref="ModelZoo.Find(string, string?)"/> and <c>dcell models list</c> see it. The bytes come through the data catalog's
/// <see cref="DatasetDownloader"/> with the catalog's settings (HTTPS only, timeouts, size ceilings, resume) and its
/// archives through <see cref="ArchiveExtractor"/> (path-traversal and decompression-bomb limits). Every file's size
/// and SHA-256 are checked before anything is placed; the model folder appears only complete (temporary folder, then
/// an atomic swap), and only when it holds a model card.
/// </summary>
public sealed class ModelFetcher
{
    /// <summary>A fetcher with the given catalog settings (cache folder, <c>http:</c> permission, timeouts, ceilings).</summary>
    public ModelFetcher(CatalogOptions? options = null) => Options = options ?? new CatalogOptions();

    /// <summary>The download and archive settings, shared with the data catalog.</summary>
    public CatalogOptions Options { get; }

    /// <summary>The model cache this fetcher writes to: <c>models</c> under the catalog's cache folder.</summary>
    public string CacheDirectory => ModelZoo.CacheDirectoryOf(Options.CacheDirectory);

    /// <summary>Downloads, verifies and installs <paramref name="entry"/>.</summary>
    /// <param name="entry">The model (see <see cref="ModelManifest.Get"/>).</param>
    /// <param name="destination">The model folder to write; null = <c>CacheDirectory/ID</c>.</param>
    /// <param name="force">Replace a folder holding files dcell did not write.</param>
    /// <param name="progress">Receives byte counts while files download.</param>
    /// <param name="cancellationToken">Cancels; a partial download is kept and resumed by the next fetch.</param>
    /// <returns>The installed model.</returns>
    /// <exception cref="DigitalCellException">Download failure, size or checksum mismatch (nothing is installed and the bad
    /// bytes are deleted), an unsafe archive, or a folder without <c>model-card.json</c>.</exception>
    public async Task<ZooModel> FetchAsync(ModelManifestEntry entry, string? destination = null, bool force = false,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string target = Path.GetFullPath(destination ?? Path.Combine(CacheDirectory, entry.Id));
        AtomicFile.CheckReplaceable(target, force);
        // Downloads wait beside the cache, not in the model folder, so a cut transfer resumes and never looks like a model.
        string downloads = Path.Combine(CacheDirectory, ".downloads", entry.Id);
        var downloader = DatasetDownloader.From(Options);
        try
        {
            var files = new List<(ModelManifestFile File, string Path)>();
            foreach (var file in entry.Files)
            {
                string path = Path.Combine(downloads, file.Name);
                await downloader.DownloadAsync(file.Url, path, file.Sha256, file.Size, progress, cancellationToken).ConfigureAwait(false);
                files.Add((file, path));
            }
            AtomicFile.WriteDirectory(target, temp => Install(entry, files, temp, cancellationToken), force);
            foreach (var (_, path) in files) File.Delete(path);
        }
        finally
        {
            // A checksum or size mismatch deletes its partial file; without partial files to resume there is nothing to keep.
            if (Directory.Exists(downloads) && !Directory.EnumerateFiles(downloads, "*" + DatasetDownloader.PartialSuffix).Any())
                Directory.Delete(downloads, recursive: true);
            string parent = Path.GetDirectoryName(downloads)!;
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
        }
        return ModelZoo.Find(Path.GetFileName(target), Path.GetDirectoryName(target));
    }

    private void Install(ModelManifestEntry entry, List<(ModelManifestFile File, string Path)> files, string folder, CancellationToken ct)
    {
        foreach (var (file, path) in files)
        {
            if (!file.IsArchive)
            {
                File.Copy(path, Path.Combine(folder, file.Name));
                continue;
            }
            string extracted = Path.Combine(folder, ".extract");
            ArchiveExtractor.Extract(path, file.Format, extracted, ArchiveLimits.From(Options), ct);
            File.Delete(Path.Combine(extracted, AtomicFile.OutputMarker));
            // Archives differ in whether they wrap the model in a top folder; a lone folder is unwrapped.
            string root = Directory.GetFiles(extracted).Length == 0 && Directory.GetDirectories(extracted) is [var only] ? only : extracted;
            foreach (var item in Directory.GetFileSystemEntries(root))
            {
                string to = Path.Combine(folder, Path.GetFileName(item));
                if (File.Exists(to) || Directory.Exists(to))
                    throw new DigitalCellException(entry.Source, entry.Id, $"'{Path.GetFileName(item)}' comes from more than one of the model's files");
                if (Directory.Exists(item)) Directory.Move(item, to);
                else File.Move(item, to);
            }
            Directory.Delete(extracted, recursive: true);
        }
        if (!File.Exists(Path.Combine(folder, ModelCard.FileName)))
            throw new DigitalCellException(entry.Source, entry.Id, $"the model's files hold no {ModelCard.FileName}; nothing was installed");
    }
}
