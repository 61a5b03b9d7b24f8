namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>Options for <see cref="H5adFile.Read"/>.</summary>
public sealed record H5adReadOptions
{
    /// <summary>
    /// Called for each element that is valid anndata but has no place in a <see cref="Data.CellDataset"/> and is
    /// therefore left out: <c>raw</c>, structured <c>rec-array</c>s in uns (scanpy's <c>rank_genes_groups</c>),
    /// awkward arrays, dataframes in obsm, arrays of rank 3 or more. Arguments: the element path and why it was skipped.
    /// Unknown encodings are never skipped silently; they raise a <see cref="DigitalCellException"/>.
    /// </summary>
    public Action<string, string>? OnSkipped { get; init; }

    /// <summary>
    /// Read <c>.raw</c> (its X and var) as the cells' matrix and genes instead of X: scanpy-processed files keep the
    /// log-normalised values there and scaled ones in X. Layers, varm and varp (shaped to X's genes) are then left out,
    /// reported to <see cref="OnSkipped"/>. A file without <c>.raw</c> fails with a <see cref="DigitalCellException"/>.
    /// Whole-file reads only (<see cref="H5adFile.Read"/>).
    /// </summary>
    public bool ReadRaw { get; init; }
}
