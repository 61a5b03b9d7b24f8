using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Data;

/// <summary>A column of free text (anndata <c>string-array</c>); null entries are missing values.</summary>
public sealed class StringColumn : AnnotationColumn
{
    private readonly string?[] _values;

    /// <summary>Wraps the values (not copied).</summary>
    public StringColumn(string name, string?[] values) : base(name) => _values = values ?? throw new ArgumentNullException(nameof(values));

    /// <summary>The values.</summary>
    public IReadOnlyList<string?> Values => _values;

    /// <summary>The value of row <paramref name="row"/>.</summary>
    public string? this[int row] => _values[row];

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <inheritdoc />
    public override string TypeName => "string";

    /// <inheritdoc />
    public override object? GetValue(int row) => _values[row];

    /// <inheritdoc />
    public override AnnotationColumn Select(ReadOnlySpan<int> rows) => new StringColumn(Name, Gather(_values, rows));

    /// <inheritdoc />
    public override AnnotationColumn Rename(string name) => new StringColumn(name, _values);

    /// <inheritdoc />
    public override DataFrameColumn ToDataFrameColumn() => new StringDataFrameColumn(Name, _values);
}
