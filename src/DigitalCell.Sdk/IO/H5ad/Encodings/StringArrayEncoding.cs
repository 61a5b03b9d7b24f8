using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary><c>string-array</c> 0.2.0: a dataset of variable-length UTF-8 strings (indexes, string columns, colour lists).</summary>
internal sealed class StringArrayEncoding : IH5adEncoding
{
    public string EncodingType => "string-array";

    public IReadOnlyList<string> Versions { get; } = ["0.2.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Dataset dataset) throw reader.Fail(path, "a string-array must be a dataset, found a group.");
        if (dataset.Space.Rank > 1)
        {
            reader.Skip(path, $"string arrays of rank {dataset.Space.Rank} are not supported.");
            return null;
        }
        return reader.ReadStringDataset(dataset, path) ?? throw reader.Fail(path, $"string-array holds {H5Values.DescribeType(dataset.Type)} values, not strings.");
    }

    /// <summary>A string-array dataset.</summary>
    public static H5Dataset Write(H5adWriter writer, string?[] values) =>
        writer.Dataset(values.Select(v => v ?? "").ToArray(), null, "string-array", "0.2.0");
}
