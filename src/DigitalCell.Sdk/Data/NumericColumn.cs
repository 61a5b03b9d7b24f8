using System.Numerics;
using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Data;

/// <summary>
/// A numeric column of element type <typeparamref name="T"/> (int8…int64, uint8…uint64, float32, float64), kept in
/// its on-disk type so files round-trip exactly. An optional <see cref="Missing"/> mask makes it a nullable column
/// (anndata's <c>nullable-integer</c>).
/// </summary>
public sealed class NumericColumn<T> : AnnotationColumn where T : unmanaged, INumber<T>
{
    private readonly T[] _values;
    private readonly bool[]? _missing;

    /// <summary>Wraps the values and optional missing mask (true = missing); neither is copied.</summary>
    public NumericColumn(string name, T[] values, bool[]? missing = null) : base(name)
    {
        _values = values ?? throw new ArgumentNullException(nameof(values));
        if (missing is not null && missing.Length != values.Length)
            throw new DigitalCellException($"Column '{name}': mask has {missing.Length} entries but there are {values.Length} values.");
        _missing = missing;
    }

    /// <summary>The values (undefined where <see cref="Missing"/> is true).</summary>
    public ReadOnlySpan<T> Values => _values;

    /// <summary>The missing-value mask, or null when the column is not nullable.</summary>
    public IReadOnlyList<bool>? Missing => _missing;

    /// <summary>The value of row <paramref name="row"/>, or null when missing.</summary>
    public T? this[int row] => _missing is not null && _missing[row] ? null : _values[row];

    /// <summary>All values converted to double (NaN where missing), for statistics.</summary>
    public double[] ToDoubles()
    {
        var result = new double[_values.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = _missing is not null && _missing[i] ? double.NaN : double.CreateChecked(_values[i]);
        return result;
    }

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <inheritdoc />
    public override string TypeName => (_missing is null ? "" : "nullable-") + NumericTypeNames.Of<T>();

    /// <inheritdoc />
    public override object? GetValue(int row) => this[row];

    /// <inheritdoc />
    public override AnnotationColumn Select(ReadOnlySpan<int> rows) =>
        new NumericColumn<T>(Name, Gather(_values, rows), _missing is null ? null : Gather(_missing, rows));

    /// <inheritdoc />
    public override AnnotationColumn Rename(string name) => new NumericColumn<T>(name, _values, _missing);

    /// <inheritdoc />
    public override DataFrameColumn ToDataFrameColumn()
    {
        return this switch
        {
            NumericColumn<double> d => new DoubleDataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => d[i])),
            NumericColumn<float> f => new SingleDataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => f[i])),
            NumericColumn<long> l => new Int64DataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => l[i])),
            NumericColumn<int> n => new Int32DataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => n[i])),
            _ => new DoubleDataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => _missing is not null && _missing[i] ? (double?)null : double.CreateChecked(_values[i]))),
        };
    }
}

/// <summary>numpy dtype names of the supported element types.</summary>
public static class NumericTypeNames
{
    /// <summary>The numpy name of <typeparamref name="T"/>, e.g. <c>int64</c> for <see cref="long"/>.</summary>
    public static string Of<T>() => typeof(T) switch
    {
        var t when t == typeof(sbyte) => "int8",
        var t when t == typeof(short) => "int16",
        var t when t == typeof(int) => "int32",
        var t when t == typeof(long) => "int64",
        var t when t == typeof(byte) => "uint8",
        var t when t == typeof(ushort) => "uint16",
        var t when t == typeof(uint) => "uint32",
        var t when t == typeof(ulong) => "uint64",
        var t when t == typeof(float) => "float32",
        var t when t == typeof(double) => "float64",
        var t => t.Name,
    };
}
