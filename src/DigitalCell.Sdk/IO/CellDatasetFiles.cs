using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.IO.Parquet;

namespace DigitalCell.Sdk.IO;

/// <summary>
/// Reads and writes a <see cref="CellDataset"/> in the format its path names: <c>data.Write("cells.parquet")</c>
/// (reading is <c>CellDataset.Read("pbmc.h5ad")</c>, in the catalog's namespace because it applies the catalog's schema). Directories are 10x Matrix Market directories.
/// </summary>
public static class CellDatasetFiles
{
    /// <summary>The supported names, for error messages and help text.</summary>
    public const string SupportedFormats =
        ".h5ad (AnnData), a 10x directory or its matrix.mtx[.gz], .h5 (10x HDF5, read only), .parquet (one row per cell), .long.parquet (one row per non-zero value)";

    /// <summary>The format <paramref name="path"/> names when reading: an existing directory is a 10x directory, otherwise the extension decides.</summary>
    /// <exception cref="DigitalCellException">The extension is not one the SDK reads.</exception>
    public static CellDataFormat DetectForReading(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return CellDataFormat.TenXDirectory;
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".mtx", StringComparison.Ordinal) || name.EndsWith(".mtx.gz", StringComparison.Ordinal)) return CellDataFormat.TenXDirectory;
        if (name.EndsWith(".h5", StringComparison.Ordinal)) return CellDataFormat.TenXH5;
        return DetectCommon(path, name, "read");
    }

    /// <summary>The format <paramref name="path"/> names when writing: a path without extension (or an existing directory) is a 10x directory.</summary>
    /// <exception cref="DigitalCellException">The extension is not one the SDK writes.</exception>
    public static CellDataFormat DetectForWriting(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path)).ToLowerInvariant();
        if (Directory.Exists(path) || Path.EndsInDirectorySeparator(path) || !name.Contains('.')) return CellDataFormat.TenXDirectory;
        if (name.EndsWith(".h5", StringComparison.Ordinal))
            throw new DigitalCellException(path, null, "10x HDF5 (.h5) files can be read but not written; write .h5ad, .parquet or a 10x directory instead");
        if (name.EndsWith(".mtx", StringComparison.Ordinal) || name.EndsWith(".mtx.gz", StringComparison.Ordinal))
            throw new DigitalCellException(path, null, "give the 10x directory to write (it will hold matrix.mtx.gz, features.tsv.gz and barcodes.tsv.gz), not the matrix file");
        return DetectCommon(path, name, "write");
    }

    /// <summary>
    /// Describes the parts of <paramref name="data"/> that <paramref name="format"/> has no place for, e.g.
    /// <c>obs columns perturbation, n_counts</c>; empty when nothing would be lost. Callers show this before writing.
    /// </summary>
    public static IReadOnlyList<string> WhatWouldBeDropped(CellDataset data, CellDataFormat format)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (format == CellDataFormat.H5ad) return [];
        var dropped = new List<string>();
        void Add(string what, IEnumerable<string> names)
        {
            var list = names.ToList();
            if (list.Count > 0) dropped.Add($"{what} {string.Join(", ", list)}");
        }
        if (format != CellDataFormat.ParquetWide) Add("obs columns", data.Obs.ColumnNames);
        Add("var columns", format == CellDataFormat.TenXDirectory
            ? data.Var.ColumnNames.Where(c => c is not (TenX.TenXMatrix.GeneIdsColumn or TenX.TenXMatrix.FeatureTypesColumn))
            : data.Var.ColumnNames);
        Add("layers", data.Layers.Keys);
        Add("obsm", data.Obsm.Keys);
        Add("varm", data.Varm.Keys);
        Add("obsp", data.Obsp.Keys);
        Add("varp", data.Varp.Keys);
        Add("uns", data.Uns.Keys);
        return dropped;
    }

    private static CellDataFormat DetectCommon(string path, string name, string verb)
    {
        if (name.EndsWith(".h5ad", StringComparison.Ordinal)) return CellDataFormat.H5ad;
        if (name.EndsWith(".long.parquet", StringComparison.Ordinal)) return CellDataFormat.ParquetLong;
        if (name.EndsWith(".parquet", StringComparison.Ordinal)) return CellDataFormat.ParquetWide;
        if (name.EndsWith(".h5mu", StringComparison.Ordinal))
            throw new DigitalCellException(path, null, "an h5mu file holds several modalities: use H5muFile.Read / H5muFile.Write (MultiCellDataset), or split it with `dcell convert x.h5mu out/`");
        throw new DigitalCellException(path, null, $"cannot tell which format to {verb} from the name; supported: {SupportedFormats}");
    }

    /// <summary>
    /// Reads a dataset as stored, choosing the format from the path (see <see cref="DetectForReading"/>); the public
    /// door is <c>CellDataset.Read</c> (namespace <c>DigitalCell.Sdk.Catalog</c>), which also applies the catalog's
    /// schema to a file the catalog knows.
    /// </summary>
    /// <exception cref="DigitalCellException">Unknown format, missing or malformed file.</exception>
    internal static CellDataset ReadAsStored(string path) => DetectForReading(path) switch
    {
        CellDataFormat.H5ad => H5ad.H5adFile.Read(path),
        CellDataFormat.TenXDirectory => TenX.TenXMatrix.Read(path),
        CellDataFormat.TenXH5 => TenX.TenXMatrix.ReadH5(path),
        CellDataFormat.ParquetWide => ParquetCells.ReadWide(path),
        CellDataFormat.ParquetLong => ParquetCells.ReadLong(path),
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    extension(CellDataset data)
    {
        /// <summary>Writes the dataset atomically, choosing the format from the path (see <see cref="DetectForWriting"/>).</summary>
        /// <param name="path">The file, or the folder of a 10x directory.</param>
        /// <param name="force">Replace an existing 10x folder even when it holds files this SDK did not write.</param>
        /// <exception cref="DigitalCellException">Unknown format, a value the format cannot hold, or a folder holding other files.</exception>
        public void Write(string path, bool force = false)
        {
            switch (DetectForWriting(path))
            {
                case CellDataFormat.H5ad: H5ad.H5adFile.Write(data, path); break;
                case CellDataFormat.TenXDirectory: TenX.TenXMatrix.Write(data, path, force); break;
                case CellDataFormat.ParquetWide: ParquetCells.WriteWide(data, path); break;
                case CellDataFormat.ParquetLong: ParquetCells.WriteLong(data, path); break;
                default: throw new ArgumentOutOfRangeException(nameof(path));
            }
        }
    }
}
