using System.Text.Json;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>
/// The categories of a categorical obs column, kept in the footer so a round trip restores pandas' category order
/// (Parquet stores the labels as plain strings).
/// </summary>
internal sealed record ParquetCategories(string[] Categories, bool Ordered)
{
    public static string Serialise(IEnumerable<CategoricalColumn> columns) => JsonSerializer.Serialize(
        columns.ToDictionary(c => c.Name, c => new Dictionary<string, object> { ["categories"] = c.Categories, ["ordered"] = c.Ordered }));

    public static Dictionary<string, ParquetCategories> Parse(string path, string? json)
    {
        var result = new Dictionary<string, ParquetCategories>(StringComparer.Ordinal);
        if (json is null) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var column in doc.RootElement.EnumerateObject())
                result[column.Name] = new ParquetCategories(
                    column.Value.GetProperty("categories").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                    column.Value.GetProperty("ordered").GetBoolean());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new DigitalCellException(path, ParquetSchemaInfo.CategoriesKey, $"footer metadata is not valid ({e.Message})", e);
        }
        return result;
    }

    /// <summary>Encodes labels as codes into these categories; a label outside them is an error.</summary>
    public CategoricalColumn Encode(string name, IReadOnlyList<string?> labels)
    {
        var lookup = new Dictionary<string, int>(Categories.Length, StringComparer.Ordinal);
        for (int i = 0; i < Categories.Length; i++) lookup[Categories[i]] = i;
        var codes = new int[labels.Count];
        for (int i = 0; i < codes.Length; i++)
            codes[i] = labels[i] is not { } label ? -1
                : lookup.TryGetValue(label, out int code) ? code
                : throw new DigitalCellException($"Parquet obs column '{name}': value '{label}' at row {i} is not one of its {Categories.Length} categories.");
        return new CategoricalColumn(name, codes, Categories, Ordered);
    }
}
