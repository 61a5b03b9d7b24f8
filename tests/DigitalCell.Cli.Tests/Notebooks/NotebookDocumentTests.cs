using System.Text.Json.Nodes;

namespace DigitalCell.Cli.Tests.Notebooks;

/// <summary>Notebook JSON of the wrong shape is one error line naming the file and the JSON path (issue 12: `internal error`).</summary>
public class NotebookDocumentTests : TempDirectoryTest
{
    private const string Valid = """
        {"cells": [{"cell_type": "code", "execution_count": null, "metadata": {"tags": ["parameters"]}, "outputs": [], "source": ["var x = 1;\n", "x"]}],
         "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}},
         "nbformat": 4, "nbformat_minor": 5}
        """;

    [TestCase("$", "[1, 2]", "not a Jupyter notebook: expected a JSON object, found a list")]
    [TestCase("$.cells", """{"cells": {"0": {}}, "nbformat": 4}""", "expected the list of cells, found an object")]
    [TestCase("line 1", """{"cells": [], "cells": {}, "nbformat": 4}""", "not valid notebook JSON")]
    [TestCase("$.nbformat", "nbformat=4.5", "version 4.5 is not supported")]
    [TestCase("$.nbformat", "nbformat=1e30", "version 1e30 is not supported")]
    [TestCase("$.metadata", "metadata=[]", "expected a JSON object, found a list")]
    [TestCase("$.metadata.kernelspec.name", "metadata.kernelspec.name=7", "expected a string, found the number 7")]
    [TestCase("$.cells[0]", "cells.0=3", "expected a cell (a JSON object), found the number 3")]
    [TestCase("$.cells[0].cell_type", "cells.0.cell_type=true", "expected a string, found a boolean")]
    [TestCase("$.cells[0].source", "cells.0.source=42", "expected a string, found the number 42")]
    [TestCase("$.cells[0].source[1]", "cells.0.source.1={}", "expected a line of text, found an object")]
    [TestCase("$.cells[0].metadata.tags", "cells.0.metadata.tags=[1]", "expected a list of strings, found [1]")]
    [TestCase("$.cells[0].outputs", "cells.0.outputs=\"none\"", "expected a list of outputs, found a string")]
    public void AValueOfTheWrongTypeNamesTheFileAndThePath(string element, string edit, string problem)
    {
        string path = Path.Combine(Temp, "bad.ipynb");
        File.WriteAllText(path, Edited(edit));

        var r = Dcell.Run("notebook", "run", path, "--out", Path.Combine(Temp, "out"));

        Assert.That(r.ExitCode, Is.EqualTo(Program.ErrorExitCode), r.Error);
        Assert.That(r.Error, Does.StartWith($"error: {path}: {element}: {problem}"));
        Assert.That(r.Error.TrimEnd('\n'), Does.Not.Contain("\n"), "one line");
        Assert.That(Directory.Exists(Path.Combine(Temp, "out")), Is.False);
    }

    /// <summary>The valid notebook with one value replaced (<c>a.b.0=json</c>), or the given text when it is not an edit.</summary>
    public static string Edited(string edit)
    {
        if (!edit.Contains('=') || edit.StartsWith('{') || edit.StartsWith('[')) return edit;
        var (where, value) = (edit[..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
        var root = JsonNode.Parse(Valid)!;
        string[] keys = where.Split('.');
        JsonNode parent = root;
        foreach (var key in keys[..^1]) parent = int.TryParse(key, out int i) ? parent[i]! : parent[key]!;
        var replacement = JsonNode.Parse(value);
        if (int.TryParse(keys[^1], out int at)) parent.AsArray()[at] = replacement;
        else parent.AsObject()[keys[^1]] = replacement;
        return root.ToJsonString();
    }
}
