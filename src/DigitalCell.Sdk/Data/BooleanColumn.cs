using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Data;

/// <summary>A boolean column (e.g. <c>highly_variable</c>); an optional mask makes it anndata's <c>nullable-boolean</c>.</summary>
public sealed class BooleanColumn : AnnotationColumn
{
    private readonly bool[] _values;
    private readonly bool[]? _missing;

    /// <summary>Wraps the values and optional missing mask (true = missing).</summary>
    public BooleanColumn(string name, bool[] values, bool[]? missing = null) : base(name)
    {
        _values = values ?? throw new ArgumentNullException(nameof(values));
        if (missing is not null && missing.Length != values.Length)
            throw new DigitalCellException($"Column '{name}': mask has {missing.Length} entries but there are {values.Length} values.");
        _missing = missing;
    }

    /// <summary>The values (undefined where <see cref="Missing"/> is true).</summary>
    public ReadOnlySpan<bool> Values => _values;

    /// <summary>The missing-value mask, or null when the column is not nullable.</summary>
    public IReadOnlyList<bool>? Missing => _missing;

    /// <summary>The value of row <paramref name="row"/>, or null when missing.</summary>
    public bool? this[int row] => _missing is not null && _missing[row] ? null : _values[row];

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <inheritdoc />
    public override string TypeName => _missing is null ? "bool" : "nullable-bool";

    /// <inheritdoc />
    public override object? GetValue(int row) => this[row];

    /// <inheritdoc />
    public override AnnotationColumn Select(ReadOnlySpan<int> rows) =>
        new BooleanColumn(Name, Gather(_values, rows), _missing is null ? null : Gather(_missing, rows));

    /// <inheritdoc />
    public override AnnotationColumn Rename(string name) => new BooleanColumn(name, _values, _missing);

    /// <inheritdoc />
    public override DataFrameColumn ToDataFrameColumn() => new BooleanDataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => this[i]));
}
