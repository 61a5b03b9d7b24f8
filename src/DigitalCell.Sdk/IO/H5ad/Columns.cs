using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>Conversions between decoded HDF5 arrays and annotation columns.</summary>
internal static class Columns
{
    /// <summary>A column holding <paramref name="values"/> in their own element type.</summary>
    public static AnnotationColumn FromArray(string name, Array values, bool[]? missing = null) => H5Values.ElementCode(values) switch
    {
        TypeCode.String => new StringColumn(name, (string[])values),
        TypeCode.Boolean => new BooleanColumn(name, (bool[])values, missing),
        TypeCode.SByte => new NumericColumn<sbyte>(name, (sbyte[])values, missing),
        TypeCode.Byte => new NumericColumn<byte>(name, (byte[])values, missing),
        TypeCode.Int16 => new NumericColumn<short>(name, (short[])values, missing),
        TypeCode.UInt16 => new NumericColumn<ushort>(name, (ushort[])values, missing),
        TypeCode.Int32 => new NumericColumn<int>(name, (int[])values, missing),
        TypeCode.UInt32 => new NumericColumn<uint>(name, (uint[])values, missing),
        TypeCode.Int64 => new NumericColumn<long>(name, (long[])values, missing),
        TypeCode.UInt64 => new NumericColumn<ulong>(name, (ulong[])values, missing),
        TypeCode.Single => new NumericColumn<float>(name, (float[])values, missing),
        TypeCode.Double => new NumericColumn<double>(name, (double[])values, missing),
        _ => throw new DigitalCellException($"Column '{name}': unsupported element type {values.GetType().GetElementType()?.Name}."),
    };

    /// <summary>The values of a numeric column as a typed array, and its mask.</summary>
    public static (Array Values, IReadOnlyList<bool>? Missing) NumericValues(AnnotationColumn column) => column switch
    {
        NumericColumn<sbyte> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<byte> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<short> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<ushort> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<int> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<uint> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<long> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<ulong> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<float> c => (c.Values.ToArray(), c.Missing),
        NumericColumn<double> c => (c.Values.ToArray(), c.Missing),
        _ => throw new DigitalCellException($"Column '{column.Name}' of type {column.TypeName} cannot be written to h5ad."),
    };
}
