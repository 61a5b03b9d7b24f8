namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>An h5ad file opened without loading X.</summary>
public sealed class BackedCellDataset : IDisposable
{
    private readonly H5adReader _reader;

    internal BackedCellDataset(H5adReader reader) => _reader = reader;

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
