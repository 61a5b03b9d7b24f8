using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary><c>string</c> and <c>numeric-scalar</c> 0.2.0: a rank-0 dataset, read as string, long, double or bool.</summary>
internal sealed class ScalarEncoding(string encodingType) : IH5adEncoding
{
    public string EncodingType => encodingType;

    public IReadOnlyList<string> Versions { get; } = ["0.2.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Dataset dataset) throw reader.Fail(path, $"a {encodingType} must be a dataset, found a group.");
        var value = H5Values.ReadScalar(dataset);
        if (encodingType == "string" && value is not string)
            throw reader.Fail(path, $"encoding-type 'string' holds {H5Values.DescribeType(dataset.Type)}, not text.");
        return value;
    }
}
