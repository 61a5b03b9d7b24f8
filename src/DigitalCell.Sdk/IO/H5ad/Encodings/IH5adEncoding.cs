using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// Reader of one anndata on-disk encoding, looked up by the element's <c>encoding-type</c> attribute
/// (https://anndata.readthedocs.io/en/latest/fileformat-prose.html). Adding an encoding is one new class plus one
/// line in <see cref="H5adEncodings"/>.
/// </summary>
internal interface IH5adEncoding
{
    /// <summary>The <c>encoding-type</c> attribute value.</summary>
    string EncodingType { get; }

    /// <summary>The <c>encoding-version</c> values this reader understands (the first is the one we write).</summary>
    IReadOnlyList<string> Versions { get; }

    /// <summary>Reads the element; returns null when it is deliberately skipped (reported through the reader).</summary>
    object? Read(H5adReader reader, IH5Object element, string path);
}
