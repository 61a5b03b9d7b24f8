using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.Catalog;

public sealed partial class DatasetCatalog
{
    /// <summary>
    /// Fetches a data set if needed (see <see cref="FetchAsync"/>) and reads its cells with the manifest's mapping
    /// applied: obs <c>perturbation</c> holds canonical labels (controls as <c>control</c>, combinations as
    /// <c>A+B</c>), obs <c>is_control</c> flags controls, and <c>uns["catalog"]</c> records id, citation, licence and
    /// sha256. A file whose manifest says <c>"matrix": "raw"</c> is read from its <c>.raw</c> (log-normalised) matrix. The entry's <c>PerturbationSchema</c> (an extension in <see cref="DatasetSchemaApplication"/>) parses the labels.
    /// </summary>
    /// <param name="id">The data set id, e.g. <c>papalexi2021-thp1-subset</c> (mirror only) or <c>norman2019</c>.</param>
    /// <param name="progress">Receives byte counts while files download.</param>
    /// <param name="cancellationToken">Cancels the download or the read.</param>
    /// <exception cref="DigitalCellException">Fetch failures (see <see cref="FetchAsync"/>), or a file the catalog
    /// cannot read as cells (Tahoe-100M's token Parquet shards: use the files under <see cref="DatasetDirectory"/>).</exception>
    public CellDataset Load(string id, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        LoadAsync(id, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The asynchronous form of <see cref="Load"/>.</summary>
    /// <param name="id">The data set id.</param>
    /// <param name="progress">Receives byte counts while files download.</param>
    /// <param name="cancellationToken">Cancels the download or the read.</param>
    public async Task<CellDataset> LoadAsync(string id, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var fetched = await FetchAsync(id, progress, cancellationToken).ConfigureAwait(false);
        var entry = fetched.Entry;
        var primary = entry.PrimaryFile;
        string path = fetched.DataPath;
        // Archives are checked as a whole; the inner file has no checksum of its own, so record the archive's.
        string sha256 = fetched.Files.First(f => f.File == primary).Sha256;
        bool anndata = primary.Format == "h5ad"
                       || (primary.IsArchive && (path.EndsWith(".h5ad", StringComparison.Ordinal) || path.EndsWith(".h5", StringComparison.Ordinal)));
        if (!anndata)
            throw new DigitalCellException(path, null,
                $"data set '{entry.Id}' is {primary.Format}, which the catalog does not read as cells; its files are in {DatasetDirectory(entry.Id)}");
        var data = await Task.Run(() => H5adFile.Read(path, primary.ReadOptions), cancellationToken).ConfigureAwait(false);
        return entry.ApplySchema(data, sha256);
    }
}
