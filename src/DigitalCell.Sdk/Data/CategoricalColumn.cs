using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Data;

/// <summary>
/// A categorical column (pandas <c>Categorical</c>): integer codes into a list of categories; code −1 means missing.
/// Perturbation labels, cell types and batches are stored this way.
/// </summary>
public sealed class CategoricalColumn : AnnotationColumn
{
    private readonly int[] _codes;
    private readonly string[] _categories;

    /// <summary>Creates a column from codes and categories (not copied), checking every code is −1 or a valid category.</summary>
    public CategoricalColumn(string name, int[] codes, string[] categories, bool ordered = false) : base(name)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(categories);
        for (int i = 0; i < codes.Length; i++)
            if (codes[i] < -1 || codes[i] >= categories.Length)
                throw new DigitalCellException($"Column '{name}': categorical code {codes[i]} at row {i} is out of range for {categories.Length} categories.");
        _codes = codes;
        _categories = categories;
        Ordered = ordered;
    }

    /// <summary>Builds a categorical column from labels; categories are the distinct labels in sorted (ordinal) order, as pandas does.</summary>
    public static CategoricalColumn FromLabels(string name, IReadOnlyList<string?> labels, bool ordered = false)
    {
        var categories = labels.Where(l => l is not null).Select(l => l!).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        var lookup = new Dictionary<string, int>(categories.Length);
        for (int i = 0; i < categories.Length; i++) lookup[categories[i]] = i;
        var codes = new int[labels.Count];
        for (int i = 0; i < codes.Length; i++) codes[i] = labels[i] is { } l ? lookup[l] : -1;
        return new CategoricalColumn(name, codes, categories, ordered);
    }

    /// <summary>Integer code of each row (−1 = missing).</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The categories, in order.</summary>
    public IReadOnlyList<string> Categories => _categories;

    /// <summary>Whether the categories have a meaningful order.</summary>
    public bool Ordered { get; }

    /// <summary>The label of row <paramref name="row"/>, or null when missing.</summary>
    public string? this[int row] => _codes[row] < 0 ? null : _categories[_codes[row]];

    /// <inheritdoc />
    public override int Length => _codes.Length;

    /// <inheritdoc />
    public override string TypeName => "categorical";

    /// <inheritdoc />
    public override object? GetValue(int row) => this[row];

    /// <inheritdoc />
    public override AnnotationColumn Select(ReadOnlySpan<int> rows) => new CategoricalColumn(Name, Gather(_codes, rows), _categories, Ordered);

    /// <inheritdoc />
    public override AnnotationColumn Rename(string name) => new CategoricalColumn(name, _codes, _categories, Ordered);

    /// <inheritdoc />
    public override DataFrameColumn ToDataFrameColumn() =>
        new StringDataFrameColumn(Name, Enumerable.Range(0, Length).Select(i => this[i]));
}
