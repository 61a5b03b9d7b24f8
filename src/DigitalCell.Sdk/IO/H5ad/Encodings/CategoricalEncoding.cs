using System.Globalization;
using DigitalCell.Sdk.Data;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5ad.Encodings;

/// <summary>
/// <c>categorical</c> 0.2.0: a group with integer <c>codes</c> (−1 = missing), <c>categories</c> and an <c>ordered</c>
/// attribute, as pandas <c>Categorical</c>. Categories are always strings here: numeric categories (cellxgene's
/// <c>feature_length</c>, for instance) are converted to their invariant-culture text (integers exactly, floats
/// round-trip "R" format).
/// </summary>
internal sealed class CategoricalEncoding : IH5adEncoding
{
    public string EncodingType => "categorical";

    public IReadOnlyList<string> Versions { get; } = ["0.2.0"];

    public object? Read(H5adReader reader, IH5Object element, string path)
    {
        if (element is not IH5Group group) throw reader.Fail(path, "a categorical must be a group, found a dataset.");
        string codesPath = H5adReader.Join(path, "codes"), categoriesPath = H5adReader.Join(path, "categories");
        var categories = reader.ReadElement(reader.Child(group, "categories", path), categoriesPath) switch
        {
            string[] s => s,
            Array a => a.Cast<object>().Select(CategoryText).ToArray(),
            var other => throw reader.Fail(categoriesPath, $"expected an array of categories, found {H5adReader.Describe(other)}."),
        };
        var codes = reader.Guard(codesPath, () => reader.ReadInt32(reader.ChildDataset(group, "codes", path), codesPath));
        for (int i = 0; i < codes.Length; i++)
            if (codes[i] < -1 || codes[i] >= categories.Length)
                throw reader.Fail(codesPath, $"code {codes[i]} at row {i} is out of range for {categories.Length} categories.");
        bool ordered = reader.Guard(path, () => H5Values.BoolAttribute(group, "ordered", false));
        return new CategoricalColumn(H5adReader.NameOf(path), codes, categories, ordered);
    }

    /// <summary>A categorical group; codes use the smallest signed integer type that fits, as pandas does.</summary>
    public static H5Group Write(H5adWriter writer, CategoricalColumn column)
    {
        var codes = column.Codes;
        Array stored = column.Categories.Count < sbyte.MaxValue ? Narrow(codes, c => (sbyte)c)
            : column.Categories.Count < short.MaxValue ? Narrow(codes, c => (short)c)
            : codes.ToArray();
        return new H5Group
        {
            Attributes = H5adWriter.Encoding("categorical", "0.2.0", new() { ["ordered"] = column.Ordered ? H5Bool.TRUE : H5Bool.FALSE }),
            ["codes"] = ArrayEncoding.Write(writer, stored),
            ["categories"] = StringArrayEncoding.Write(writer, column.Categories.ToArray()),
        };
    }

    private static string CategoryText(object value) =>
        value is IFormattable f ? f.ToString(value is float or double ? "R" : null, CultureInfo.InvariantCulture) : value.ToString() ?? "";

    private static T[] Narrow<T>(ReadOnlySpan<int> codes, Func<int, T> convert)
    {
        var result = new T[codes.Length];
        for (int i = 0; i < result.Length; i++) result[i] = convert(codes[i]);
        return result;
    }
}
