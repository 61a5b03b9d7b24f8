using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DigitalCell.Sdk;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Scripting;

namespace DigitalCell.Notebooks;

/// <summary>
/// Papermill's parameter convention for C#: the cell tagged <c>parameters</c> declares defaults
/// (<c>var seed = 0;</c>); values given to the runner are assigned in a new cell tagged <c>injected-parameters</c>,
/// inserted right after it and run next, so the executed notebook records which values produced its outputs.
/// </summary>
internal static class NotebookParameters
{
    /// <summary>The tag that marks the defaults cell (papermill's name).</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell the runner inserts (papermill's name).</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>True when the cell carries <paramref name="tag"/> in <c>metadata.tags</c>.</summary>
    public static bool HasTag(JsonNode? cell, string tag) =>
        cell?["metadata"]?["tags"] is JsonArray tags && tags.Any(t => t?.GetValue<string>() == tag);

    /// <summary>Removes cells injected by an earlier run, so that re-running an executed notebook does not stack them.</summary>
    public static void RemoveInjected(JsonArray cells)
    {
        for (int i = cells.Count - 1; i >= 0; i--)
            if (HasTag(cells[i], InjectedTag)) cells.RemoveAt(i);
    }

    /// <summary>Builds the cell assigning <paramref name="values"/> to the variables the parameters cell declared.</summary>
    /// <param name="state">The script state after the parameters cell; null when that cell held no code.</param>
    /// <param name="values">The parameter values by name.</param>
    /// <param name="path">The notebook, for messages.</param>
    /// <exception cref="DigitalCellException">A name is not declared there, or a value does not parse as its type.</exception>
    public static JsonObject InjectedCell(ScriptState? state, IReadOnlyDictionary<string, string> values, string path)
    {
        string[] declared = state?.Variables.Select(v => v.Name).Distinct().ToArray() ?? [];
        if (state is null || declared.Length == 0)
            throw new DigitalCellException(path, "parameters", "the cell tagged 'parameters' declares no variables, so --param has nothing to set.");
        var code = new StringBuilder("// Parameters injected by dcell notebook run (--param).\n");
        foreach (var (name, value) in values)
        {
            var variable = state.GetVariable(name) ?? throw new DigitalCellException(path, $"--param {name}",
                $"the parameters cell declares no variable '{name}'; it declares: {string.Join(", ", declared)}.");
            code.Append(name).Append(" = ").Append(Literal(variable.Type, value, path, name)).Append(";\n");
        }
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = Guid.NewGuid().ToString("N")[..8],
            ["metadata"] = new JsonObject
            {
                ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                ["tags"] = new JsonArray(InjectedTag),
            },
            ["outputs"] = new JsonArray(),
            ["source"] = code.ToString().TrimEnd('\n'),
        };
    }

    // The value becomes a C# literal of the declared type, so the assignment compiles exactly as typed by hand.
    private static string Literal(Type declared, string value, string path, string name)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        var inv = CultureInfo.InvariantCulture;
        try
        {
            return type switch
            {
                _ when type == typeof(string) => SymbolDisplay.FormatLiteral(value, quote: true),
                _ when type == typeof(bool) => bool.Parse(value) ? "true" : "false",
                _ when type == typeof(int) => int.Parse(value, inv).ToString(inv),
                _ when type == typeof(long) => long.Parse(value, inv).ToString(inv) + "L",
                _ when type == typeof(double) => double.Parse(value, inv) is var d && double.IsFinite(d) ? d.ToString("R", inv) + "d" : NonFinite(d, "double"),
                _ when type == typeof(float) => float.Parse(value, inv) is var f && float.IsFinite(f) ? f.ToString("R", inv) + "f" : NonFinite(f, "float"),
                _ when type == typeof(decimal) => decimal.Parse(value, inv).ToString(inv) + "m",
                { IsEnum: true } => $"{type.FullName!.Replace('+', '.')}.{Enum.Parse(type, value, ignoreCase: true)}",
                _ => throw new DigitalCellException(path, $"--param {name}",
                    $"'{name}' is a {type.Name}; --param supports string, bool, int, long, float, double, decimal and enum parameters."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new DigitalCellException(path, $"--param {name}", $"'{value}' is not a valid {type.Name} (the type '{name}' has in the parameters cell).", e);
        }
    }

    private static string NonFinite(double value, string typeName) =>
        typeName + (double.IsNaN(value) ? ".NaN" : value > 0 ? ".PositiveInfinity" : ".NegativeInfinity");
}
