using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Reads and writes h5ad files, the on-disk format of Python's anndata/scanpy, interoperable both ways with files
/// written by anndata 0.8 and later (and the pre-0.7 legacy layout on read).
/// </summary>
/// <remarks>
/// <para>What is read: X (csr_matrix, csc_matrix or dense array of any float/int dtype; values become float32),
/// layers, obs/var dataframes (categorical with its ordered flag, string, numeric in their own dtype, boolean,
/// nullable-integer, nullable-boolean, nullable-string-array), obsm/varm (as float32 dense), obsp/varp, and uns
/// (nested dicts of strings, numbers, booleans and arrays). gzip-compressed datasets are decompressed transparently.</para>
/// <para>What is skipped, never a crash: <c>raw</c>, structured rec-arrays in uns (scanpy's rank_genes_groups), awkward arrays and
/// other elements with no place in a <see cref="CellDataset"/>; each is reported to <see cref="H5adReadOptions.OnSkipped"/>.
/// Categorical categories are always strings: numeric categories are converted to their invariant-culture text.</para>
/// <para>Errors: a missing, truncated or malformed file, an unknown encoding or inconsistent shapes raise a
/// <see cref="DigitalCellException"/> naming the file, the element path (e.g. <c>/X/indptr</c>) and the problem.</para>
/// </remarks>
public static class H5adFile
{
    /// <summary>Reads the whole h5ad file at <paramref name="path"/> into memory.</summary>
    /// <exception cref="DigitalCellException">The file is missing, unreadable or malformed.</exception>
    public static CellDataset Read(string path, H5adReadOptions? options = null)
    {
        using var reader = H5adReader.Open(path, options);
        return LegacyLayout.Applies(reader) ? LegacyLayout.Read(reader) : AnnDataLayout.Read(reader);
    }

    /// <summary>
    /// Writes <paramref name="data"/> as an h5ad file that anndata ≥ 0.8 reads back with identical values. The write is
    /// atomic: the file appears complete or not at all. Strings are variable-length UTF-8, booleans h5py's bool enum,
    /// X float32 CSR (or dense), string columns with missing values become categoricals.
    /// </summary>
    /// <exception cref="DigitalCellException">A value cannot be represented or the file cannot be written.</exception>
    public static void Write(CellDataset data, string path, H5adWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(path);
        new H5adWriter(options ?? new H5adWriteOptions()).Write(data, path);
    }

    /// <summary>
    /// Opens an h5ad file without loading X: obs, var, uns and obsm are read, X (and layers) are read on demand by row
    /// range, row selection or in chunks, so data larger than memory can be streamed. Dispose to close the file.
    /// </summary>
    /// <exception cref="DigitalCellException">The file is missing, unreadable or malformed, or X is CSC (not streamable by rows).</exception>
    public static BackedCellDataset OpenBacked(string path, H5adReadOptions? options = null)
    {
        if (options?.ReadRaw == true) throw new DigitalCellException(path, "/raw", "a backed file streams X only; read .raw with H5adFile.Read.");
        var reader = H5adReader.Open(path, options);
        try
        {
            return new BackedCellDataset(reader);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Writes the dataset as h5ad; see <see cref="Write"/>.</summary>
    public static void WriteH5ad(this CellDataset data, string path, H5adWriteOptions? options = null) => Write(data, path, options);
}
