using System.Text.Json;
using DigitalCell.Sdk.Catalog;

namespace DigitalCell.Sdk.Registry;

/// <summary>
/// The JSON Schemas (kept in <c>src/DigitalCell.Sdk/Registry/Schemas</c>, embedded in the assembly) that describe the
/// required structure of each record format dcell writes, and validation against them with the catalog's validator.
/// </summary>
public static class RecordSchemas
{
    /// <summary>The formats with a schema: <c>croissant</c>, <c>schema-org</c>, <c>datacite</c>, <c>model-card</c>, <c>ro-crate</c>.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["croissant", "schema-org", "datacite", "model-card", "ro-crate"];

    /// <summary>The schema of <paramref name="format"/> as text.</summary>
    /// <exception cref="DigitalCellException">An unknown format.</exception>
    public static string Text(string format)
    {
        if (!Formats.Contains(format)) throw new DigitalCellException($"No record schema for '{format}'; the formats are {string.Join(", ", Formats)}.");
        using var reader = new StreamReader(DatasetManifest.OpenResource($"DigitalCell.Sdk.Registry.Schemas.{format}.schema.json"));
        return reader.ReadToEnd();
    }

    /// <summary>Every violation of <paramref name="format"/>'s schema in <paramref name="json"/>, as <c>path: problem</c>; empty when valid.</summary>
    /// <exception cref="DigitalCellException">An unknown format, or <paramref name="json"/> is not JSON.</exception>
    public static IReadOnlyList<string> Validate(string format, string json)
    {
        using var schema = JsonDocument.Parse(Text(format));
        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DigitalCellException($"{format} record", null, $"not valid JSON: {e.Message}");
        }
        using (instance)
            return [.. new JsonSchemaValidator(schema.RootElement).Validate(instance.RootElement).Select(e => $"{e.Path}: {e.Problem}")];
    }
}
