using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// <c>nullable-integer</c>, <c>nullable-boolean</c> (anndata ≥ 0.8) and <c>nullable-string-array</c> (anndata ≥ 0.11)
/// 0.1.0: a group with <c>values</c> and a boolean <c>mask</c> (true = missing), as pandas' masked arrays.
/// </summary>
internal sealed class NullableEncoding(string encodingType) : IH5adEncoding
{
    public string EncodingType => encodingType;

    public IReadOnlyList<string> Versions { get; } = ["0.1.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Group group) throw reader.Fail(path, $"a {encodingType} must be a group, found a dataset.");
        string valuesPath = H5adReader.Join(path, "values"), maskPath = H5adReader.Join(path, "mask");
        var values = reader.Guard(valuesPath, () => reader.ReadArray(reader.ChildDataset(group, "values", path), valuesPath));
        var mask = reader.Guard(maskPath, () => reader.ReadArray(reader.ChildDataset(group, "mask", path), maskPath)) as bool[]
            ?? throw reader.Fail(maskPath, "the mask must hold booleans.");
        if (mask.Length != values.Length)
            throw reader.Fail(maskPath, $"has {mask.Length} entries but values has {values.Length}.");
        string name = H5adReader.NameOf(path);
        return (encodingType, H5Values.ElementCode(values)) switch
        {
            ("nullable-boolean", TypeCode.Boolean) => new BooleanColumn(name, (bool[])values, mask),
            ("nullable-string-array", TypeCode.String) => new StringColumn(name, ((string[])values).Select((v, i) => mask[i] ? null : v).ToArray()),
            ("nullable-integer", >= TypeCode.SByte and <= TypeCode.UInt64) => Columns.FromArray(name, values, mask),
            _ => throw reader.Fail(valuesPath, $"{encodingType} cannot hold {H5adReader.Describe(values)}."),
        };
    }

    /// <summary>A nullable-integer or nullable-boolean group.</summary>
    public static H5Group Write(H5adWriter writer, string encodingType, Array values, IReadOnlyList<bool> missing) => new()
    {
        Attributes = H5adWriter.Encoding(encodingType, "0.1.0"),
        ["values"] = ArrayEncoding.Write(writer, values),
        ["mask"] = ArrayEncoding.Write(writer, missing.ToArray()),
    };
}
