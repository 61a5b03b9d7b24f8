using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DigitalCell.Sdk;

namespace DigitalCell.Notebooks;

/// <summary>
/// Papermill's parameter convention for C#: the cell tagged <c>parameters</c> declares defaults
/// (<c>var seed = 0;</c>); values given to the runner are assigned in a new cell tagged <c>injected-parameters</c>,
/// inserted right after it and run next, so the executed notebook records which values produced its outputs.
/// The kernel converts each value to the declared variable's type (invariant culture), so a value that does not
/// fit fails that cell with the converter's message.
/// </summary>
internal static partial class NotebookParameters
{
    /// <summary>The tag that marks the defaults cell (papermill's name).</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell the runner inserts (papermill's name).</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>True when the cell carries <paramref name="tag"/> in <c>metadata.tags</c>.</summary>
    public static bool HasTag(JsonNode? cell, string tag) =>
        cell?["metadata"]?["tags"] is JsonArray tags && tags.Any(t => t?.GetValue<string>() == tag);

    /// <summary>
    /// Removes cells injected by an earlier run and, when <paramref name="values"/> are given, inserts the cell that
    /// assigns them after the parameters cell.
    /// </summary>
    /// <exception cref="DigitalCellException">Values were given but no cell is tagged <c>parameters</c>, or a name is not declared there.</exception>
    public static void Inject(NotebookDocument notebook, IReadOnlyDictionary<string, string> values)
    {
        var cells = notebook.Cells;
        for (int i = cells.Count - 1; i >= 0; i--)
            if (HasTag(cells[i], InjectedTag)) cells.RemoveAt(i);
        if (values.Count == 0) return;
        int index = cells.ToList().FindIndex(c => HasTag(c, ParametersTag));
        if (index < 0)
            throw new DigitalCellException(notebook.Path, ParametersTag,
                $"--param {values.First().Key} was given, but no cell is tagged '{ParametersTag}' to declare it.");
        string[] declared = [.. Declaration().Matches(NotebookDocument.TextOf(cells[index]!["source"])).Select(m => m.Groups[1].Value).Distinct()];
        foreach (var name in values.Keys.Where(n => !declared.Contains(n)))
            throw new DigitalCellException(notebook.Path, $"--param {name}",
                $"the parameters cell declares no variable '{name}'; it declares: {(declared.Length == 0 ? "nothing" : string.Join(", ", declared))}.");
        cells.Insert(index + 1, InjectedCell(values));
    }

    private static JsonObject InjectedCell(IReadOnlyDictionary<string, string> values)
    {
        // T is inferred from the variable, so "1" becomes an int for `var seed = 0;` and a double for `var f = 0.2;`.
        var code = new StringBuilder("// Parameters injected by dcell notebook run (--param).\n")
            .Append("T DcellParameter<T>(T current, string value) =>\n")
            .Append("    (T)System.ComponentModel.TypeDescriptor.GetConverter(typeof(T)).ConvertFromInvariantString(value)!;\n");
        foreach (var (name, value) in values)
            code.Append(name).Append(" = DcellParameter(").Append(name).Append(", ").Append(StringLiteral(value)).Append(");\n");
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

    /// <summary>A C# string literal of <paramref name="value"/>: quotes, backslashes and control characters escaped.</summary>
    internal static string StringLiteral(string value)
    {
        var literal = new StringBuilder("\"");
        foreach (char c in value)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return literal.Append('"').ToString();
    }

    // `var seed = 0;`, `int steps = 10;`, `const string Name = "x";` at the start of a line: group 1 is the name.
    [GeneratedRegex(@"(?m)^\s*(?:const\s+)?[A-Za-z_][\w.<>?\[\],]*\s+([A-Za-z_]\w*)\s*=(?!=)")]
    private static partial Regex Declaration();
}
