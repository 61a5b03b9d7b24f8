using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.H5ad;

/// <summary>Conversions between decoded HDF5 arrays and annotation columns.</summary>
internal static class Columns
{
    /// <summary>A column holding <paramref name="values"/> in their own element type.</summary>
    public static AnnotationColumn FromArray(string name, Array values, bool[]? missing = null) => values switch
    {
        string[] s => new StringColumn(name, s),
        bool[] b => new BooleanColumn(name, b, missing),
        sbyte[] v => new NumericColumn<sbyte>(name, v, missing),
        byte[] v => new NumericColumn<byte>(name, v, missing),
        short[] v => new NumericColumn<short>(name, v, missing),
        ushort[] v => new NumericColumn<ushort>(name, v, missing),
        int[] v => new NumericColumn<int>(name, v, missing),
        uint[] v => new NumericColumn<uint>(name, v, missing),
        long[] v => new NumericColumn<long>(name, v, missing),
        ulong[] v => new NumericColumn<ulong>(name, v, missing),
        float[] v => new NumericColumn<float>(name, v, missing),
        double[] v => new NumericColumn<double>(name, v, missing),
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
