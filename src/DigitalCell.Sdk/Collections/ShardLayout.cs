namespace DigitalCell.Sdk.Collections;

/// <summary>How one shard of a <see cref="CellCollection"/> stores its cells.</summary>
public enum ShardLayout
{
    /// <summary>An AnnData file (<c>.h5ad</c>), read backed: obs in memory, X streamed by rows (CSR or dense).</summary>
    H5ad,

    /// <summary>Our wide Parquet layout (<c>.parquet</c>): one row per cell, obs columns, one float column per gene.</summary>
    ParquetWide,

    /// <summary>Our long Parquet layout (<c>.long.parquet</c>): one row per non-zero value (<c>cell</c>, <c>gene</c>, <c>value</c>).</summary>
    ParquetLong,

    /// <summary>
    /// Tahoe-100M's Parquet layout: one row per cell with list columns <c>genes</c> (token ids) and <c>expressions</c>
    /// (counts), every other column an obs column; token ids name genes through a gene-metadata file.
    /// </summary>
    ParquetTahoe,
}
