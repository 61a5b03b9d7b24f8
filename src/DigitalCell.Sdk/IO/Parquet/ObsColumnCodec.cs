using System.Numerics;
using System.Reflection;
using DigitalCell.Sdk.Data;
using global::Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>
/// Maps obs columns to Parquet columns and back: categorical and string columns become (nullable) UTF-8 strings,
/// booleans and numbers keep their type; a missing-value mask becomes a nullable column.
/// </summary>
internal static class ObsColumnCodec
{
    private static readonly Type[] NumericTypes =
        [typeof(sbyte), typeof(short), typeof(int), typeof(long), typeof(byte), typeof(ushort), typeof(uint), typeof(ulong), typeof(float), typeof(double)];

    private static readonly MethodInfo WriteNumericMethod = typeof(ObsColumnCodec).GetMethod(nameof(WriteNumericAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo NumericBuilderMethod = typeof(ObsColumnCodec).GetMethod(nameof(CreateNumericBuilder), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static DataField FieldFor(AnnotationColumn column) => column switch
    {
        CategoricalColumn or StringColumn => new DataField<string>(column.Name),
        BooleanColumn b => new DataField(column.Name, typeof(bool), isNullable: b.Missing is not null),
        _ when column.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(NumericColumn<>) =>
            new DataField(column.Name, t.GetGenericArguments()[0], isNullable: Missing(column) is not null),
        _ => throw new DigitalCellException($"obs column '{column.Name}' of type {column.TypeName} cannot be written to Parquet."),
    };

    /// <summary>Writes rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the column.</summary>
    public static Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, AnnotationColumn column, int start, int count)
    {
        switch (column)
        {
            case CategoricalColumn or StringColumn:
                var labels = new string[count];
                for (int i = 0; i < count; i++) labels[i] = (string?)column.GetValue(start + i)!;
                return rowGroup.WriteAsync(field, labels);
            case BooleanColumn { Missing: null } b:
                return rowGroup.WriteAsync(field, (ReadOnlyMemory<bool>)b.Values.Slice(start, count).ToArray());
            case BooleanColumn b:
                var nullable = new bool?[count];
                for (int i = 0; i < count; i++) nullable[i] = b[start + i];
                return rowGroup.WriteAsync(field, (ReadOnlyMemory<bool?>)nullable);
            default:
                return (Task)WriteNumericMethod.MakeGenericMethod(field.ClrType).Invoke(null, [rowGroup, field, column, start, count])!;
        }
    }

    /// <summary>A builder that collects a Parquet column row group by row group into an obs column.</summary>
    public static ObsColumnBuilder BuilderFor(string path, DataField field)
    {
        if (field.IsArray) throw new DigitalCellException(path, field.Name, "is a list column; obs columns must hold one value per cell");
        if (ParquetFile.IsString(field)) return new StringColumnBuilder(field);
        if (field.ClrType == typeof(bool)) return new ValueColumnBuilder<bool>(field, (name, values, missing) => new BooleanColumn(name, values, missing));
        if (NumericTypes.Contains(field.ClrType)) return (ObsColumnBuilder)NumericBuilderMethod.MakeGenericMethod(field.ClrType).Invoke(null, [field])!;
        throw new DigitalCellException(path, field.Name, $"has Parquet type {ParquetFile.TypeName(field)}, which is not an obs column type (string, bool or number)");
    }

    private static ObsColumnBuilder CreateNumericBuilder<T>(DataField field) where T : unmanaged, INumber<T> =>
        new ValueColumnBuilder<T>(field, (name, values, missing) => new NumericColumn<T>(name, values, missing));

    private static Task WriteNumericAsync<T>(ParquetRowGroupWriter rowGroup, DataField field, AnnotationColumn column, int start, int count)
        where T : unmanaged, INumber<T>
    {
        var numeric = (NumericColumn<T>)column;
        if (numeric.Missing is null) return rowGroup.WriteAsync(field, (ReadOnlyMemory<T>)numeric.Values.Slice(start, count).ToArray());
        var values = new T?[count];
        for (int i = 0; i < count; i++) values[i] = numeric[start + i];
        return rowGroup.WriteAsync(field, (ReadOnlyMemory<T?>)values);
    }

    private static IReadOnlyList<bool>? Missing(AnnotationColumn column) =>
        (IReadOnlyList<bool>?)column.GetType().GetProperty(nameof(NumericColumn<int>.Missing))!.GetValue(column);

    private sealed class StringColumnBuilder(DataField field) : ObsColumnBuilder(field)
    {
        private readonly List<string?> _values = [];

        public override async Task AppendAsync(ParquetRowGroupReader rowGroup, int rows)
        {
            var buffer = new string?[rows];
            await rowGroup.ReadAsync(Field, buffer.AsMemory()).ConfigureAwait(false);
            _values.AddRange(buffer);
        }

        public override AnnotationColumn Build(ParquetCategories? categories) =>
            categories is null ? new StringColumn(Field.Name, _values.ToArray()) : categories.Encode(Field.Name, _values);
    }

    /// <summary>Booleans and numbers: values plus a missing mask when the Parquet column is nullable.</summary>
    private sealed class ValueColumnBuilder<T>(DataField field, Func<string, T[], bool[]?, AnnotationColumn> create) : ObsColumnBuilder(field)
        where T : struct
    {
        private readonly List<T?> _values = [];

        public override async Task AppendAsync(ParquetRowGroupReader rowGroup, int rows)
        {
            if (Field.IsNullable)
            {
                var buffer = new T?[rows];
                await rowGroup.ReadAsync(Field, buffer.AsMemory()).ConfigureAwait(false);
                _values.AddRange(buffer);
            }
            else
            {
                var buffer = new T[rows];
                await rowGroup.ReadAsync(Field, buffer.AsMemory()).ConfigureAwait(false);
                _values.AddRange(buffer.Select(v => (T?)v));
            }
        }

        public override AnnotationColumn Build(ParquetCategories? categories) =>
            create(Field.Name, _values.Select(v => v ?? default).ToArray(), Field.IsNullable ? _values.Select(v => v is null).ToArray() : null);
    }
}

/// <summary>Collects one obs column across row groups.</summary>
internal abstract class ObsColumnBuilder(DataField field)
{
    public DataField Field { get; } = field;

    public abstract Task AppendAsync(ParquetRowGroupReader rowGroup, int rows);

    public abstract AnnotationColumn Build(ParquetCategories? categories);
}
