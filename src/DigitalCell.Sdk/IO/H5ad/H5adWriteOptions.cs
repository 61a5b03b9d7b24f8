namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>How datasets are compressed in a written h5ad file.</summary>
public enum H5adCompression
{
    /// <summary>No compression: fastest to write and read.</summary>
    None,

    /// <summary>gzip (deflate), as <c>adata.write_h5ad(path, compression="gzip")</c>: smaller files, slower writes.</summary>
    Gzip,
}

/// <summary>Options for <see cref="H5adFile.Write"/>.</summary>
public sealed record H5adWriteOptions
{
    /// <summary>Dataset compression; <see cref="H5adCompression.None"/> by default.</summary>
    public H5adCompression Compression { get; init; } = H5adCompression.None;

    /// <summary>
    /// Stores a sparse X gene-major (<c>csc_matrix</c>, as anndata writes a CSC matrix) instead of CSR, for readers
    /// that take every cell's values of a block of genes, as <see cref="Collections.CellPartition"/>'s tests do.
    /// Layers and a dense X are written as usual. Row-streaming readers (<see cref="BackedCellMatrix"/>) refuse such a file.
    /// </summary>
    public bool GeneMajor { get; init; }
}
