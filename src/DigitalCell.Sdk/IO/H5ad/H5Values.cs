using PureHDF;
using PureHDF.Selections;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Typed reads of HDF5 datasets and attributes. PureHDF does no numeric conversion (SPIKE-NOTES gotcha 1), so every
/// read dispatches on the stored type class, size and signedness and asks for exactly that CLR type.
/// </summary>
internal static class H5Values
{
    /// <summary>Reads a numeric, boolean (h5py enum) or string dataset as a typed one-dimensional array (rank ≥ 2 flattened row-major).</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="selection">Part of the dataset to read (null = all).</param>
    /// <param name="memoryDims">Shape of the selection in memory; required by PureHDF for multi-dimensional selections.</param>
    public static Array ReadArray(IH5Dataset dataset, Selection? selection = null, ulong[]? memoryDims = null)
    {
        var type = dataset.Type;
        return type.Class switch
        {
            H5DataTypeClass.FloatingPoint when type.Size == 4 => dataset.Read<float[]>(selection, memoryDims: memoryDims),
            H5DataTypeClass.FloatingPoint when type.Size == 8 => dataset.Read<double[]>(selection, memoryDims: memoryDims),
            H5DataTypeClass.FixedPoint => ReadInteger(dataset, type.Size, type.FixedPoint.IsSigned, selection, memoryDims),
            H5DataTypeClass.Enumerated or H5DataTypeClass.BitField when type.Size == 1 => ToBooleans(dataset.Read<byte[]>(selection, memoryDims: memoryDims)),
            H5DataTypeClass.String or H5DataTypeClass.VariableLength => NullsAsEmpty(dataset.Read<string[]>(selection, memoryDims: memoryDims)),
            _ => throw new NotSupportedException($"HDF5 type class {type.Class} of size {type.Size} is not supported"),
        };
    }

    private static Array ReadInteger(IH5Dataset dataset, int size, bool signed, Selection? selection, ulong[]? memoryDims) => (size, signed) switch
    {
        (1, true) => dataset.Read<sbyte[]>(selection, memoryDims: memoryDims),
        (1, false) => dataset.Read<byte[]>(selection, memoryDims: memoryDims),
        (2, true) => dataset.Read<short[]>(selection, memoryDims: memoryDims),
        (2, false) => dataset.Read<ushort[]>(selection, memoryDims: memoryDims),
        (4, true) => dataset.Read<int[]>(selection, memoryDims: memoryDims),
        (4, false) => dataset.Read<uint[]>(selection, memoryDims: memoryDims),
        (8, true) => dataset.Read<long[]>(selection, memoryDims: memoryDims),
        (8, false) => dataset.Read<ulong[]>(selection, memoryDims: memoryDims),
        _ => throw new NotSupportedException($"{size}-byte integers are not supported"),
    };

    /// <summary>Reads a numeric dataset converted to float32, the element type of every <see cref="Data.CellMatrix"/>.</summary>
    public static float[] ReadFloats(IH5Dataset dataset, Selection? selection = null, ulong[]? memoryDims = null)
    {
        var values = ReadArray(dataset, selection, memoryDims);
        return ElementCode(values) switch
        {
            TypeCode.Single => (float[])values,
            TypeCode.Double => Convert((double[])values, v => (float)v),
            TypeCode.Boolean => Convert((bool[])values, v => v ? 1f : 0f),
            TypeCode.String => throw new NotSupportedException("expected numbers, found strings"),
            _ => ConvertNumbers(values, v => (float)v),
        };
    }

    /// <summary>Reads an integer dataset (int32 or int64 indptr/indices/codes) as int32, failing on overflow.</summary>
    public static int[] ReadInt32(IH5Dataset dataset, Selection? selection = null)
    {
        var values = ReadArray(dataset, selection);
        return ElementCode(values) switch
        {
            TypeCode.Int32 => (int[])values,
            TypeCode.Single or TypeCode.Double or TypeCode.String or TypeCode.Boolean => throw new NotSupportedException($"expected integers, found {DescribeType(dataset.Type)}"),
            _ => ConvertNumbers(values, v => checked((int)v)),
        };
    }

    /// <summary>
    /// The element type of an array. Needed because the CLR lets <c>byte[]</c> pass as <c>sbyte[]</c> (and uint[] as int[], …)
    /// in type tests, so pattern matching on array types cannot tell signed from unsigned.
    /// </summary>
    public static TypeCode ElementCode(Array values) => Type.GetTypeCode(values.GetType().GetElementType());

    /// <summary>Reads a scalar (rank 0) or one-element dataset as an object: string, long, double or bool.</summary>
    public static object ReadScalar(IH5Dataset dataset)
    {
        var values = ReadArray(dataset);
        if (values.Length != 1) throw new NotSupportedException($"expected a scalar, found {values.Length} values");
        object value = values.GetValue(0)!;
        return value switch
        {
            string or bool or double => value,
            float f => (double)f,
            ulong u => u <= long.MaxValue ? (long)u : (double)u,
            _ => System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>numpy-style name of a stored type, for error messages.</summary>
    public static string DescribeType(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FloatingPoint => $"float{type.Size * 8}",
        H5DataTypeClass.FixedPoint => $"{(type.FixedPoint.IsSigned ? "int" : "uint")}{type.Size * 8}",
        H5DataTypeClass.Enumerated => "enum (bool)",
        H5DataTypeClass.String or H5DataTypeClass.VariableLength => "string",
        var c => c.ToString().ToLowerInvariant(),
    };

    /// <summary>Dimensions of a dataset.</summary>
    public static ulong[] Dimensions(IH5Dataset dataset) => dataset.Space.Dimensions;

    /// <summary>A string attribute, or null when absent.</summary>
    public static string? StringAttribute(IH5Object element, string name)
    {
        if (!element.AttributeExists(name)) return null;
        var attribute = element.Attribute(name);
        return attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength ? attribute.Read<string>() : null;
    }

    /// <summary>A string-array attribute; numpy writes an empty list as an empty float64 array, which reads as no strings.</summary>
    public static string[] StringArrayAttribute(IH5Object element, string name)
    {
        if (!element.AttributeExists(name)) return [];
        var attribute = element.Attribute(name);
        if (attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength)
            return NullsAsEmpty(attribute.Space.Rank == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>());
        if (attribute.Space.Dimensions.Aggregate(1UL, (a, b) => a * b) == 0) return [];
        throw new NotSupportedException($"attribute '{name}' holds {DescribeType(attribute.Type)} values, expected strings");
    }

    /// <summary>An integer-array attribute such as <c>shape</c>.</summary>
    public static long[] IntegerArrayAttribute(IH5Object element, string name)
    {
        var attribute = element.Attribute(name);
        var type = attribute.Type;
        if (type.Class != H5DataTypeClass.FixedPoint) throw new NotSupportedException($"attribute '{name}' is {DescribeType(type)}, expected integers");
        return (type.Size, type.FixedPoint.IsSigned) switch
        {
            (8, _) => attribute.Read<long[]>(),
            (4, true) => attribute.Read<int[]>().Select(v => (long)v).ToArray(),
            (4, false) => attribute.Read<uint[]>().Select(v => (long)v).ToArray(),
            _ => throw new NotSupportedException($"attribute '{name}' has {type.Size}-byte integers"),
        };
    }

    /// <summary>A boolean attribute (h5py writes numpy bools as an enum), or <paramref name="fallback"/> when absent.</summary>
    public static bool BoolAttribute(IH5Object element, string name, bool fallback)
    {
        if (!element.AttributeExists(name)) return fallback;
        var attribute = element.Attribute(name);
        return attribute.Type.Size switch
        {
            1 => attribute.Read<byte>() != 0,
            8 => attribute.Read<long>() != 0,
            _ => attribute.Read<int>() != 0,
        };
    }

    /// <summary>PureHDF gives null for a variable-length string with no heap object (a null heap ID, or a damaged one); h5py reads those as "".</summary>
    private static string[] NullsAsEmpty(string[] values)
    {
        for (int i = 0; i < values.Length; i++) values[i] ??= "";
        return values;
    }

    private static bool[] ToBooleans(byte[] bytes)
    {
        var result = new bool[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) result[i] = bytes[i] != 0;
        return result;
    }

    private static TOut[] Convert<TIn, TOut>(TIn[] source, Func<TIn, TOut> convert)
    {
        var result = new TOut[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = convert(source[i]);
        return result;
    }

    private static TOut[] ConvertNumbers<TOut>(Array source, Func<double, TOut> convert) => ElementCode(source) switch
    {
        TypeCode.SByte => Convert((sbyte[])source, v => convert(v)),
        TypeCode.Byte => Convert((byte[])source, v => convert(v)),
        TypeCode.Int16 => Convert((short[])source, v => convert(v)),
        TypeCode.UInt16 => Convert((ushort[])source, v => convert(v)),
        TypeCode.Int32 => Convert((int[])source, v => convert(v)),
        TypeCode.UInt32 => Convert((uint[])source, v => convert(v)),
        TypeCode.Int64 => Convert((long[])source, v => convert(v)),
        TypeCode.UInt64 => Convert((ulong[])source, v => convert(v)),
        TypeCode.Single => Convert((float[])source, v => convert(v)),
        TypeCode.Double => Convert((double[])source, convert),
        _ => throw new NotSupportedException($"cannot convert {source.GetType().Name} to numbers"),
    };
}
