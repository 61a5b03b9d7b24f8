using PureHDF;

namespace DigitalCell.Sdk.IO.TenX;

/// <summary>
/// Reads 1-D numeric HDF5 datasets whatever their stored type. PureHDF does no numeric conversion on read
/// (reading int64 as int32 throws), while Cell Ranger stores counts as int32 and indices/indptr as int64,
/// so each reader dispatches on the stored class and size, then converts with range checks.
/// </summary>
internal static class H5Arrays
{
    public static long[] ReadInt64(string path, IH5Dataset dataset, string element) => Read(path, dataset, element, "integer",
        static v => checked((long)v), static v => v, static v => double.IsInteger(v) ? (long)v : throw new OverflowException());

    public static int[] ReadInt32(string path, IH5Dataset dataset, string element) => Read(path, dataset, element, "int32",
        static v => checked((int)v), static v => checked((int)v), static v => double.IsInteger(v) ? checked((int)v) : throw new OverflowException());

    public static float[] ReadSingle(string path, IH5Dataset dataset, string element) => Read(path, dataset, element, "float32",
        static v => v, static v => v, static v => (float)v);

    private static T[] Read<T>(string path, IH5Dataset dataset, string element, string target,
        Func<ulong, T> fromUnsigned, Func<long, T> fromSigned, Func<double, T> fromFloat)
    {
        var type = dataset.Type;
        try
        {
            return (type.Class, type.Size, type.Class == H5DataTypeClass.FixedPoint && type.FixedPoint.IsSigned) switch
            {
                (H5DataTypeClass.FixedPoint, 1, true) => Array.ConvertAll(dataset.Read<sbyte[]>(), v => fromSigned(v)),
                (H5DataTypeClass.FixedPoint, 2, true) => Array.ConvertAll(dataset.Read<short[]>(), v => fromSigned(v)),
                (H5DataTypeClass.FixedPoint, 4, true) => Array.ConvertAll(dataset.Read<int[]>(), v => fromSigned(v)),
                (H5DataTypeClass.FixedPoint, 8, true) => Array.ConvertAll(dataset.Read<long[]>(), v => fromSigned(v)),
                (H5DataTypeClass.FixedPoint, 1, false) => Array.ConvertAll(dataset.Read<byte[]>(), v => fromUnsigned(v)),
                (H5DataTypeClass.FixedPoint, 2, false) => Array.ConvertAll(dataset.Read<ushort[]>(), v => fromUnsigned(v)),
                (H5DataTypeClass.FixedPoint, 4, false) => Array.ConvertAll(dataset.Read<uint[]>(), v => fromUnsigned(v)),
                (H5DataTypeClass.FixedPoint, 8, false) => Array.ConvertAll(dataset.Read<ulong[]>(), fromUnsigned.Invoke),
                (H5DataTypeClass.FloatingPoint, 4, _) => Array.ConvertAll(dataset.Read<float[]>(), v => fromFloat(v)),
                (H5DataTypeClass.FloatingPoint, 8, _) => Array.ConvertAll(dataset.Read<double[]>(), fromFloat.Invoke),
                _ => throw new DigitalCellException(path, element, $"has HDF5 type {type.Class} of {type.Size} bytes; expected numbers"),
            };
        }
        catch (OverflowException e)
        {
            throw new DigitalCellException(path, element, $"holds a value that does not fit {target}", e);
        }
    }
}
