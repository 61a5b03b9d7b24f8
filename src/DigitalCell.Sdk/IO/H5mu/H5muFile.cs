using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.IO.H5mu;

/// <summary>
/// Reads and writes h5mu files, the on-disk format of Python's mudata/muon (one AnnData per modality under
/// <c>/mod/&lt;name&gt;</c>, shared <c>/obs</c> and <c>/var</c>, <c>/obsmap</c> and <c>/varmap</c>), interoperable both
/// ways with files mudata writes, and reading muon's pre-specification files of 2020 too.
/// </summary>
/// <remarks>
/// <para>Each modality is read and written by the h5ad codecs, so it holds exactly what <see cref="H5ad.H5adFile.Read"/>
/// would read from the same AnnData in an <c>.h5ad</c> file. Only <c>axis = 0</c> files (modalities sharing cells, the
/// multimodal case) are supported. The modalities' boolean membership flags in the shared obsm/varm are not kept
/// (the maps say the same and are rewritten from them); shared varm/obsp/varp entries are reported to
/// <see cref="H5adReadOptions.OnSkipped"/>.</para>
/// <para>Errors name the file and the element, e.g. <c>x.h5mu: /mod/prot/X/indptr: has 40 entries but …</c>.</para>
/// </remarks>
public static class H5muFile
{
    /// <summary>Reads the whole h5mu file at <paramref name="path"/> into memory.</summary>
    /// <exception cref="DigitalCellException">The file is missing, not MuData, or malformed.</exception>
    public static MultiCellDataset Read(string path, H5adReadOptions? options = null)
    {
        using var reader = H5adReader.Open(path, options);
        return MuDataLayout.Read(reader);
    }

    /// <summary>
    /// Opens an h5mu file without loading any modality's matrix: the shared tables and every modality's obs, var,
    /// uns and obsm are read, X and layers stay on disk (<see cref="BackedCellDataset"/> per modality). Dispose to close.
    /// </summary>
    /// <exception cref="DigitalCellException">The file is missing, not MuData or malformed, or a modality's X is CSC.</exception>
    public static BackedMultiCellDataset OpenBacked(string path, H5adReadOptions? options = null)
    {
        var reader = H5adReader.Open(path, options);
        try
        {
            return new BackedMultiCellDataset(reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> as an h5mu file that mudata reads back (and anndata reads each <c>/mod/&lt;name&gt;</c>
    /// of) with identical values. The write is atomic.
    /// </summary>
    /// <exception cref="DigitalCellException">A value cannot be represented or the file cannot be written.</exception>
    public static void Write(MultiCellDataset data, string path, H5adWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(path);
        H5muWriter.Write(data, path, options ?? new H5adWriteOptions());
    }

    /// <summary>Writes the dataset as h5mu; see <see cref="Write"/>.</summary>
    public static void WriteH5mu(this MultiCellDataset data, string path, H5adWriteOptions? options = null) => Write(data, path, options);

    /// <summary>
    /// Joins the <c>.h5ad</c> files of <paramref name="directory"/> into one dataset, a modality per file named by the
    /// file (<c>rna.h5ad</c> → <c>rna</c>), in file-name order; cells are matched by name.
    /// </summary>
    /// <exception cref="DigitalCellException">The folder is missing or holds no .h5ad file, or a file cannot be read.</exception>
    public static MultiCellDataset ReadH5adFolder(string directory)
    {
        if (!Directory.Exists(directory)) throw new DigitalCellException(directory, null, "folder not found.");
        var files = Directory.GetFiles(directory, "*.h5ad").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new DigitalCellException(directory, null, "the folder holds no .h5ad file to join (one per modality, named by the file).");
        var modalities = files.Select(f => KeyValuePair.Create(Path.GetFileNameWithoutExtension(f), H5ad.H5adFile.Read(f))).ToList();
        try
        {
            return new MultiCellDataset(modalities, source: directory);
        }
        catch (DigitalCellException e)
        {
            throw new DigitalCellException(directory, null, e.Message, e);
        }
    }

    /// <summary>
    /// Writes each modality to <c>&lt;directory&gt;/&lt;modality&gt;.h5ad</c>, its obs led by the shared columns
    /// (<see cref="MultiCellDataset.ModalityWithSharedObs"/>); each file is written atomically.
    /// </summary>
    /// <returns>The files written, in modality order.</returns>
    public static IReadOnlyList<string> WriteH5adFolder(MultiCellDataset data, string directory, H5adWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var name in data.ModalityNames)
        {
            string file = Path.Combine(directory, name + ".h5ad");
            H5ad.H5adFile.Write(data.ModalityWithSharedObs(name), file, options);
            written.Add(file);
        }
        return written;
    }
}
