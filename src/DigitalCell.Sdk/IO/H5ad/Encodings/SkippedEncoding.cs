using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>A valid anndata encoding with no counterpart in <see cref="Data.CellDataset"/>: skipped and reported, never a crash.</summary>
internal sealed class SkippedEncoding(string encodingType, string reason) : IH5adEncoding
{
    public string EncodingType => encodingType;

    public IReadOnlyList<string> Versions { get; } = ["0.1.0", "0.2.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        reader.Skip(path, $"encoding-type '{encodingType}' skipped: {reason}.");
        return null;
    }
}
