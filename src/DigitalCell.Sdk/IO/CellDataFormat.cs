namespace DigitalCell.Sdk.IO;

/// <summary>The on-disk formats <see cref="CellDatasetFiles"/> chooses between.</summary>
public enum CellDataFormat
{
    /// <summary>AnnData HDF5 (<c>.h5ad</c>): everything a dataset holds.</summary>
    H5ad,

    /// <summary>A 10x Genomics Matrix Market directory (<c>matrix.mtx.gz</c>, <c>features.tsv.gz</c>, <c>barcodes.tsv.gz</c>).</summary>
    TenXDirectory,

    /// <summary>A 10x Genomics HDF5 matrix (<c>filtered_feature_bc_matrix.h5</c>); read only.</summary>
    TenXH5,

    /// <summary>Parquet, one row per cell: <c>cell</c>, obs columns, one float column per gene (<c>.parquet</c>).</summary>
    ParquetWide,

    /// <summary>Parquet, one row per non-zero value: <c>cell</c>, <c>gene</c>, <c>value</c> (<c>.long.parquet</c>).</summary>
    ParquetLong,
}
