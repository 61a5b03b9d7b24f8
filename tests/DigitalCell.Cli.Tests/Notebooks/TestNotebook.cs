using System.Diagnostics;
using System.Text.Json.Nodes;
using DigitalCell.Notebooks;

namespace DigitalCell.Cli.Tests.Notebooks;

/// <summary>Builds small .NET Interactive notebooks on disk for runner tests, and helpers to read results back.</summary>
internal static class TestNotebook
{
    /// <summary>A C# code cell with the metadata Polyglot Notebooks writes.</summary>
    public static JsonObject Code(string source, params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray([.. tags.Select(t => (JsonNode?)t)]);
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = Guid.NewGuid().ToString("N")[..8],
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        };
    }

    /// <summary>A markdown cell.</summary>
    public static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = Guid.NewGuid().ToString("N")[..8],
        ["metadata"] = new JsonObject(),
        ["source"] = source,
    };

    /// <summary>Writes a notebook with <paramref name="cells"/> into a fresh temporary folder and returns its path.</summary>
    public static string Write(params JsonObject[] cells)
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray(cells),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "C#" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        string directory = Directory.CreateTempSubdirectory("dcell-nb-").FullName;
        string path = Path.Combine(directory, "test.ipynb");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    /// <summary>Runs the notebook at <paramref name="path"/> in the real kernel and returns the executed notebook (written
    /// beside it as executed.ipynb) and the result. Ignores the test when the kernel is not registered.</summary>
    public static async Task<(NotebookDocument Notebook, NotebookRunResult Result)> RunAsync(string path, NotebookRunOptions? options = null)
    {
        RequireKernel();
        string target = Path.Combine(Path.GetDirectoryName(path)!, "executed.ipynb");
        var result = await new NotebookRunner(options).RunAsync(NotebookDocument.Load(path), target);
        return (NotebookDocument.Load(target), result);
    }

    /// <summary>Ignores the test unless the .NET Interactive kernel is registered with Jupyter (.ci/run registers it).</summary>
    public static void RequireKernel()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!File.Exists(Path.Combine(home, ".local", "share", "jupyter", "kernels", ".net-csharp", "kernel.json")))
            Assert.Ignore("The .NET Interactive kernel is not registered (dotnet tool install -g Microsoft.dotnet-interactive; dotnet interactive jupyter install).");
    }

    /// <summary>The outputs of cell <paramref name="index"/> (0-based).</summary>
    public static JsonArray Outputs(NotebookDocument notebook, int index) => notebook.Cells[index]!["outputs"]!.AsArray();

    /// <summary>Concatenated stdout of a cell.</summary>
    public static string Stdout(NotebookDocument notebook, int index) => string.Concat(Outputs(notebook, index)
        .Where(o => (string?)o!["output_type"] == "stream" && (string?)o["name"] == "stdout").Select(o => Text(o!["text"])));

    /// <summary>A multi-line nbformat string, which is a plain string in memory and a list of lines once saved.</summary>
    public static string Text(JsonNode? value) =>
        value is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)value ?? "";

    /// <summary>Runs a process to completion, returning its exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
