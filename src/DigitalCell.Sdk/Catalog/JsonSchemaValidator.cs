using System.Text.Json;
using System.Text.RegularExpressions;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Validates JSON against the subset of JSON Schema (draft 2020-12) that <c>datasets-manifest/schema.json</c> uses:
/// <c>type</c> (one name or a list), <c>required</c>, <c>properties</c>, <c>additionalProperties: false</c>,
/// <c>enum</c>, <c>pattern</c>, <c>items</c>, <c>minItems</c>, <c>minLength</c>, <c>minimum</c> and <c>maximum</c>;
/// an <c>integer</c> must also fit in 64 bits (the SDK reads it as a <see cref="long"/>). Any other keyword
/// in the schema is an error rather than silently ignored, so the schema cannot drift past what is checked.
/// </summary>
internal sealed class JsonSchemaValidator
{
    private static readonly HashSet<string> Supported =
    [
        "$schema", "title", "description", "type", "required", "properties", "additionalProperties",
        "enum", "pattern", "items", "minItems", "minLength", "minimum", "maximum",
    ];

    private readonly JsonElement _schema;

    /// <summary>Wraps a parsed schema document; throws if it uses keywords this validator does not implement.</summary>
    public JsonSchemaValidator(JsonElement schema)
    {
        CheckKeywords(schema, "#");
        _schema = schema;
    }

    /// <summary>Every violation of <paramref name="instance"/>, each as (JSON path, problem); empty when valid.</summary>
    public IReadOnlyList<(string Path, string Problem)> Validate(JsonElement instance)
    {
        var errors = new List<(string, string)>();
        Check(_schema, instance, "$", errors);
        return errors;
    }

    private static void CheckKeywords(JsonElement schema, string where)
    {
        foreach (var p in schema.EnumerateObject())
        {
            if (!Supported.Contains(p.Name))
                throw new DigitalCellException($"JSON schema keyword '{p.Name}' at {where} is not supported by the manifest validator.");
            if (p.Name == "properties")
                foreach (var child in p.Value.EnumerateObject()) CheckKeywords(child.Value, $"{where}/properties/{child.Name}");
            if (p.Name == "items") CheckKeywords(p.Value, $"{where}/items");
        }
    }

    private static void Check(JsonElement schema, JsonElement value, string path, List<(string, string)> errors)
    {
        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
        {
            errors.Add((path, $"expected {Describe(type)}, found {Kind(value)}{(value.ValueKind == JsonValueKind.Number ? " " + value.GetRawText() : "")}"));
            return;
        }
        // Keywords other than type constrain only values of their own kind (JSON Schema semantics), so a null
        // allowed by "type": ["string", "null"] skips "pattern".
        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
            errors.Add((path, $"value {value.GetRawText()} is not one of {string.Join(", ", allowed.EnumerateArray().Select(a => a.GetRawText()))}"));
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                string s = value.GetString()!;
                if (schema.TryGetProperty("minLength", out var minLength) && s.Length < minLength.GetInt32())
                    errors.Add((path, $"must have at least {minLength.GetInt32()} character(s)"));
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!, RegexOptions.CultureInvariant))
                    errors.Add((path, $"'{s}' does not match the pattern {pattern.GetString()}"));
                break;
            case JsonValueKind.Number:
                if (schema.TryGetProperty("type", out var numberType) && AllowsOnlyIntegers(numberType) && !value.TryGetInt64(out _))
                    errors.Add((path, $"{value.GetRawText()} is not a whole number between {long.MinValue} and {long.MaxValue}"));
                else if (schema.TryGetProperty("minimum", out var minimum) && value.GetDouble() < minimum.GetDouble())
                    errors.Add((path, $"{value.GetRawText()} is below the minimum {minimum.GetRawText()}"));
                else if (schema.TryGetProperty("maximum", out var maximum) && value.GetDouble() > maximum.GetDouble())
                    errors.Add((path, $"{value.GetRawText()} is above the maximum {maximum.GetRawText()}"));
                break;
            case JsonValueKind.Array:
                int count = value.GetArrayLength();
                if (schema.TryGetProperty("minItems", out var minItems) && count < minItems.GetInt32())
                    errors.Add((path, $"must have at least {minItems.GetInt32()} item(s), found {count}"));
                if (schema.TryGetProperty("items", out var items))
                {
                    int i = 0;
                    foreach (var item in value.EnumerateArray()) Check(items, item, $"{path}[{i++}]", errors);
                }
                break;
            case JsonValueKind.Object:
                CheckObject(schema, value, path, errors);
                break;
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string path, List<(string, string)> errors)
    {
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _))
                    errors.Add(($"{path}.{name}", "required field is missing"));
        bool hasProperties = schema.TryGetProperty("properties", out var properties);
        bool closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var p in value.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(p.Name, out var sub)) Check(sub, p.Value, $"{path}.{p.Name}", errors);
            else if (closed) errors.Add(($"{path}.{p.Name}", "unknown field (not in the schema; check the spelling)"));
        }
    }

    private static bool MatchesType(JsonElement type, JsonElement value) =>
        type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Any(t => MatchesTypeName(t.GetString()!, value))
            : MatchesTypeName(type.GetString()!, value);

    private static bool MatchesTypeName(string name, JsonElement value) => name switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "null" => value.ValueKind == JsonValueKind.Null,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "number" => value.ValueKind == JsonValueKind.Number,
        // JSON Schema's integer is any number with a zero fractional part (1.0 counts).
        "integer" => value.ValueKind == JsonValueKind.Number && Math.Floor(value.GetDouble()) == value.GetDouble(),
        _ => throw new DigitalCellException($"JSON schema type '{name}' is not supported by the manifest validator."),
    };

    private static bool AllowsOnlyIntegers(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Any(t => t.GetString() == "integer") && !type.EnumerateArray().Any(t => t.GetString() == "number")
            : type.GetString() == "integer";

    private static string Describe(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString()!;

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var k => k.ToString().ToLowerInvariant(),
    };
}
