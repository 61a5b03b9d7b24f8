using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// <c>array</c> 0.2.0: a plain numpy array. One-dimensional arrays keep their dtype (numeric obs/var columns, uns
/// values); two-dimensional ones become a float32 <see cref="DenseCellMatrix"/> (dense X, layers, obsm, varm).
/// </summary>
internal sealed class ArrayEncoding : IH5adEncoding
{
    public string EncodingType => "array";

    public IReadOnlyList<string> Versions { get; } = ["0.2.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Dataset dataset) throw reader.Fail(path, "an array must be a dataset, found a group.");
        var dims = dataset.Space.Dimensions;
        switch (dims.Length)
        {
            case 0:
                return H5Values.ReadScalar(dataset);
            case 1:
                return reader.ReadArray(dataset, path);
            case 2 when dataset.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength):
                if (dims[0] > int.MaxValue || dims[1] > int.MaxValue) throw reader.Fail(path, $"array of {dims[0]} × {dims[1]} is too large.");
                reader.EnsureStorable(dataset, path);
                return new DenseCellMatrix((int)dims[0], (int)dims[1], H5Values.ReadFloats(dataset));
            default:
                reader.Skip(path, $"arrays of rank {dims.Length} ({H5Values.DescribeType(dataset.Type)}) are not supported.");
                return null;
        }
    }

    /// <summary>A one-dimensional array dataset (booleans as h5py's enum).</summary>
    public static H5Dataset Write(H5adWriter writer, Array values) =>
        writer.Dataset(values is bool[] b ? H5adWriter.ToH5Bool(b) : values, null, "array", "0.2.0");

    /// <summary>A dense matrix as a rows × columns float32 array.</summary>
    public static H5Dataset Write(H5adWriter writer, DenseCellMatrix matrix) =>
        writer.Dataset(matrix.RawValues, [(ulong)matrix.RowCount, (ulong)matrix.ColumnCount], "array", "0.2.0");
}
