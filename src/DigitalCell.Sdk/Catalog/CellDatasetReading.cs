using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// The one door for reading cells from a path: <c>CellDataset.Read("x.h5ad" | "10x/" | "x.parquet")</c>. A file the
/// catalog knows (the data file of an entry: same name and the manifest's or pinned SHA-256) comes back exactly as
/// <see cref="DatasetCatalog.Load"/> returns it for that id, with the entry's schema applied, so a path and an id never
/// give two different data sets.
/// </summary>
public static class CellDatasetReading
{
    extension(CellDataset)
    {
        /// <summary>Reads a dataset, choosing the format from the path; a catalog file gets its entry's schema (see the type's summary).</summary>
        /// <exception cref="DigitalCellException">Unknown format, missing or malformed file.</exception>
        public static CellDataset Read(string path) => CellDataset.Read(path, DatasetCatalog.Default);

        /// <summary>Reads a dataset, recognising the files of <paramref name="catalog"/> (see the type's summary).</summary>
        /// <exception cref="DigitalCellException">Unknown format, missing or malformed file.</exception>
        public static CellDataset Read(string path, DatasetCatalog catalog)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(catalog);
            if (catalog.Recognize(path) is not var (entry, sha256)) return CellDatasetFiles.ReadAsStored(path);
            // A recognised file is the entry's h5ad, read as DatasetCatalog.Load reads it (from .raw where the manifest says so).
            return entry.ApplySchema(IO.H5ad.H5adFile.Read(path, entry.PrimaryFile.ReadOptions), sha256);
        }

        /// <summary>
        /// Reads the file exactly as stored, without a catalog entry's schema: for tools that rewrite a file
        /// (<c>dcell convert</c>, <c>dcell preprocess</c>) and must not add the catalog's columns to it.
        /// </summary>
        /// <exception cref="DigitalCellException">Unknown format, missing or malformed file.</exception>
        public static CellDataset ReadAsStored(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            return CellDatasetFiles.ReadAsStored(path);
        }
    }
}
