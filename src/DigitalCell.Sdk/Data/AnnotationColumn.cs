using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Data;

/// <summary>
/// One named column of per-cell (obs) or per-gene (var) annotations. Concrete kinds mirror anndata's dataframe
/// column encodings: <see cref="CategoricalColumn"/>, <see cref="StringColumn"/>, <see cref="NumericColumn{T}"/>
/// and <see cref="BooleanColumn"/>, the last two optionally nullable through a missing-value mask.
/// </summary>
public abstract class AnnotationColumn
{
    /// <summary>Creates a column.</summary>
    protected AnnotationColumn(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Number of rows.</summary>
    public abstract int Length { get; }

    /// <summary>A short type description, e.g. <c>categorical</c>, <c>string</c>, <c>int64</c>, <c>float64</c>, <c>bool</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>The value of row <paramref name="row"/> as an object (null when missing).</summary>
    public abstract object? GetValue(int row);

    /// <summary>The value of row <paramref name="row"/> as text (empty when missing).</summary>
    public virtual string GetText(int row) => Convert.ToString(GetValue(row), System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>A new column holding the given rows in the given order.</summary>
    public abstract AnnotationColumn Select(ReadOnlySpan<int> rows);

    /// <summary>The same column under another name.</summary>
    public abstract AnnotationColumn Rename(string name);

    /// <summary>The column as a Microsoft.Data.Analysis column (categoricals become strings).</summary>
    public abstract DataFrameColumn ToDataFrameColumn();

    /// <summary>Selects entries of an array in the given order.</summary>
    protected static T[] Gather<T>(T[] source, ReadOnlySpan<int> rows)
    {
        var result = new T[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)source.Length)
                throw new DigitalCellException($"row index {rows[i]} is out of range for {source.Length} rows.");
            result[i] = source[rows[i]];
        }
        return result;
    }
}
