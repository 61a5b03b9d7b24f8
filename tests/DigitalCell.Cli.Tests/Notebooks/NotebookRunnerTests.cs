using System.Text.Json.Nodes;
using DigitalCell.Notebooks;
using DigitalCell.Sdk;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

[TestFixture]
public class NotebookRunnerTests
{
    [Test]
    public async Task Variables_and_types_declared_in_one_cell_are_visible_in_later_cells()
    {
        var (notebook, result) = await RunAsync(Write(
            Code("record Gene(string Symbol, double Mean);\nvar genes = new List<Gene> { new(\"CD4\", 2.5) };"),
            Code("genes.Add(new Gene(\"MT-CO1\", 1.5));\nvar total = genes.Sum(g => g.Mean);"),
            Code("await Task.Delay(1);\n$\"{genes.Count} genes, total {total}\"")));

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That(result.ExecutedCells, Is.EqualTo(3));
        Assert.That(notebook.Cells.Select(c => (int?)c!["execution_count"]), Is.EqualTo(new int?[] { 1, 2, 3 }));
        var value = Outputs(notebook, 2).Single()!;
        Assert.That((string?)value["output_type"], Is.EqualTo("execute_result"));
        Assert.That((int?)value["execution_count"], Is.EqualTo(3));
        Assert.That((string?)value["data"]!["text/plain"], Is.EqualTo("2 genes, total 4"));
    }

    [Test]
    public async Task Console_output_display_and_the_last_expression_become_ordered_outputs()
    {
        var (notebook, result) = await RunAsync(Write(Code(
            "Console.Write(\"a\");\nConsole.WriteLine(\"b\");\ndisplay(new[] { 1, 2, 3 });\n" +
            "new[] { 4 }.Display();\nConsole.Error.WriteLine(\"warn\");\n40 + 2")));

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        var outputs = Outputs(notebook, 0);
        Assert.That(outputs.Select(o => (string?)o!["output_type"]),
            Is.EqualTo(new[] { "stream", "display_data", "display_data", "stream", "execute_result" }));
        Assert.That((string?)outputs[0]!["text"], Is.EqualTo("ab\n"), "consecutive writes merge into one stream output");
        Assert.That((string?)outputs[1]!["data"]!["text/plain"], Is.EqualTo("[ 1, 2, 3 ]"));
        Assert.That((string?)outputs[1]!["data"]!["text/html"], Does.Contain("<pre>[ 1, 2, 3 ]</pre>"));
        Assert.That((string?)outputs[2]!["data"]!["text/plain"], Is.EqualTo("[ 4 ]"));
        Assert.That((string?)outputs[3]!["name"], Is.EqualTo("stderr"));
        Assert.That((string?)outputs[4]!["data"]!["text/plain"], Is.EqualTo("42"));
    }

    [Test]
    public async Task Parameters_override_the_defaults_of_the_parameters_cell_in_an_injected_cell()
    {
        string path = Write(
            Markdown("# Parameters"),
            Code("var seed = 1;\nvar dataset = \"norman\";\nvar fraction = 0.5;\nvar verbose = false;", "parameters"),
            Code("Console.Write($\"{seed}|{dataset}|{fraction}|{verbose}\");"));
        var options = new NotebookRunOptions
        {
            Parameters = new Dictionary<string, string> { ["seed"] = "7", ["dataset"] = "papalexi \"THP-1\"", ["fraction"] = "0.25", ["verbose"] = "true" },
        };

        var (notebook, result) = await RunAsync(path, options);

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That(notebook.Cells, Has.Count.EqualTo(4));
        Assert.That(notebook.Cells[2]!["metadata"]!["tags"]!.AsArray().Select(t => (string?)t), Does.Contain("injected-parameters"));
        Assert.That(Stdout(notebook, 3), Is.EqualTo("7|papalexi \"THP-1\"|0.25|True"));

        // Re-running the executed notebook replaces the injected cell instead of stacking another one.
        notebook.Save(path);
        var (again, _) = await RunAsync(path, options with { Parameters = new Dictionary<string, string> { ["seed"] = "8" } });
        Assert.That(again.Cells.Count(c => NotebookTags(c).Contains("injected-parameters")), Is.EqualTo(1));
        Assert.That(Stdout(again, 3), Is.EqualTo("8|norman|0.5|False"));
    }

    [Test]
    public async Task Without_parameters_the_defaults_are_used_and_no_cell_is_injected()
    {
        var (notebook, result) = await RunAsync(Write(Code("var seed = 3;", "parameters"), Code("Console.Write(seed);")));

        Assert.That(result.Succeeded, Is.True);
        Assert.That(notebook.Cells, Has.Count.EqualTo(2));
        Assert.That(Stdout(notebook, 1), Is.EqualTo("3"));
    }

    [Test]
    public async Task A_parameter_the_notebook_does_not_declare_fails_the_parameters_cell()
    {
        var options = new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["seeed"] = "2" } };
        var (notebook, result) = await RunAsync(Write(Code("var seed = 1;", "parameters"), Code("seed")), options);

        Assert.That(result.Failure?.CellNumber, Is.EqualTo(1));
        Assert.That(result.Failure!.Message, Does.Contain("no variable 'seeed'").And.Contain("seed"));
        Assert.That((int?)notebook.Cells[1]!["execution_count"], Is.Null, "later cells do not run");
    }

    [Test]
    public async Task A_parameter_value_of_the_wrong_type_fails_with_the_declared_type()
    {
        var options = new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["seed"] = "abc" } };
        var (_, result) = await RunAsync(Write(Code("var seed = 1;", "parameters")), options);

        Assert.That(result.Failure!.Message, Does.Contain("'abc' is not a valid Int32"));
    }

    [Test]
    public async Task Parameters_for_a_parameters_cell_without_code_fail_that_cell()
    {
        var options = new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["seed"] = "2" } };
        var (_, result) = await RunAsync(Write(Code("// defaults go here", "parameters")), options);

        Assert.That(result.Failure?.CellNumber, Is.EqualTo(1));
        Assert.That(result.Failure!.Message, Does.Contain("declares no variables"));
    }

    [Test]
    public async Task Parameters_without_a_parameters_cell_are_refused()
    {
        var options = new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["seed"] = "2" } };
        var e = await Assert.ThrowsAsync<DigitalCellException>(() => RunAsync(Write(Code("var seed = 1;")), options));
        Assert.That(e!.Message, Does.Contain("no cell is tagged 'parameters'"));
    }

    [Test]
    public async Task The_run_stops_at_the_first_failing_cell_and_records_its_error()
    {
        var (notebook, result) = await RunAsync(Write(
            Markdown("intro"),
            Code("Console.WriteLine(\"before\");"),
            Code("Console.WriteLine(\"partial\");\nthrow new InvalidOperationException(\"no control cells\");"),
            Code("Console.WriteLine(\"after\");")));

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Failure, Is.EqualTo(new NotebookCellFailure(3, 2, "InvalidOperationException", "no control cells")));
        var outputs = Outputs(notebook, 2);
        Assert.That((string?)outputs[0]!["text"], Is.EqualTo("partial\n"), "output before the failure is kept");
        var error = outputs[^1]!;
        Assert.That((string?)error["output_type"], Is.EqualTo("error"));
        Assert.That((string?)error["ename"], Is.EqualTo("InvalidOperationException"));
        Assert.That((string?)error["traceback"]![0], Does.StartWith("Failed cell 3 (In [2])"));
        Assert.That((int?)notebook.Cells[3]!["execution_count"], Is.Null);
        Assert.That(Outputs(notebook, 3), Is.Empty);
    }

    [Test]
    public async Task A_compilation_error_fails_with_the_compiler_message_and_line()
    {
        var (_, result) = await RunAsync(Write(Code("var a = 1;\nvar b = missing + a;")));

        Assert.That(result.Failure!.ErrorName, Is.EqualTo("CompilationError"));
        Assert.That(result.Failure.Message, Does.Contain("(2,9)").And.Contain("CS0103").And.Contain("missing"));
    }

    [Test]
    public async Task A_cell_running_past_the_timeout_fails_the_run()
    {
        var options = new NotebookRunOptions { CellTimeout = TimeSpan.FromMilliseconds(200) };
        var (_, result) = await RunAsync(Write(Code("System.Threading.Thread.Sleep(2000);"), Code("1")), options);

        Assert.That(result.Failure!.ErrorName, Is.EqualTo("Timeout"));
        Assert.That(result.ExecutedCells, Is.EqualTo(1));
    }

    [Test]
    public async Task The_sdk_package_reference_is_satisfied_by_the_host()
    {
        var (notebook, result) = await RunAsync(Write(
            Code("#r \"nuget: DigitalCell.Sdk, 0.1.0\"\n#r \"nuget: Plotly.NET\"\nusing DigitalCell.Sdk.Data;"),
            Code("var data = CellDataset.FromMatrix(DenseCellMatrix.From(new float[,] { { 1, 0 }, { 0, 2 } }));\ndata.GeneCount")));

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That((string?)Outputs(notebook, 1).Single()!["data"]!["text/plain"], Is.EqualTo("2"));
    }

    [Test]
    public async Task Sdk_objects_display_through_the_sdk_formatters_with_display_or_Display()
    {
        var (notebook, result) = await RunAsync(Write(
            Code("#r \"nuget: DigitalCell.Sdk, 0.1.0\"\nusing DigitalCell.Sdk.Data;\nusing DigitalCell.Sdk.Display;"),
            Code("var data = CellDataset.FromMatrix(DenseCellMatrix.From(new float[,] { { 1, 0 }, { 0, 2 } }));\ndisplay(data);\ndata.Display();")));

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        var outputs = Outputs(notebook, 1);
        Assert.That(outputs, Has.Count.EqualTo(2));
        foreach (var output in outputs)
        {
            Assert.That((string?)output!["data"]!["text/html"], Does.StartWith("<div class=\"dcell-dataset\">"));
            Assert.That((string?)output["data"]!["text/plain"], Does.StartWith("CellDataset 2 cells × 2 genes"));
        }
    }

    [Test]
    public async Task A_package_outside_the_sdk_fails_clearly()
    {
        var (_, result) = await RunAsync(Write(Code("// setup\n#r \"nuget: Humanizer, 2.14.1\"\nvar x = 1;")));

        Assert.That(result.Failure!.ErrorName, Is.EqualTo("NotSupported"));
        Assert.That(result.Failure.Message, Does.Contain("line 2").And.Contain("'Humanizer' is not available").And.Contain("DigitalCell.Sdk"));
    }

    [Test]
    public async Task A_newer_sdk_than_the_host_is_refused()
    {
        var (_, result) = await RunAsync(Write(Code("#r \"nuget: DigitalCell.Sdk, 99.0.0\"")));

        Assert.That(result.Failure!.Message, Does.Contain("asks for DigitalCell.Sdk 99.0.0").And.Contain("provides DigitalCell.Sdk 0.1.0"));
    }

    [Test]
    public async Task Kernel_magics_select_csharp_and_skip_markdown()
    {
        var (notebook, result) = await RunAsync(Write(
            Code("#!csharp\nvar x = 2;\n#!markdown\n# not C#\n#!csharp\nx * 21")));

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That((string?)Outputs(notebook, 0).Single()!["data"]!["text/plain"], Is.EqualTo("42"));
    }

    [TestCase("#!fsharp\nlet x = 1", "'#!fsharp' is not supported")]
    [TestCase("#!time\nvar x = 1;", "'#!time' is not supported")]
    public async Task Other_kernels_and_magic_commands_fail_clearly(string source, string message)
    {
        var (_, result) = await RunAsync(Write(Code(source)));

        Assert.That(result.Failure!.Message, Does.Contain(message).And.Contain("line 1"));
    }

    [Test]
    public async Task Markdown_cells_and_markdown_kernel_cells_are_left_exactly_as_they_were()
    {
        var markdown = Markdown("# Title\n\nSome *text* with <b>html</b> and ünïcödé.");
        markdown["source"] = new JsonArray("# Title\n", "\n", "Some *text* with <b>html</b> and ünïcödé."); // as Jupyter saves it
        markdown["attachments"] = new JsonObject { ["a.png"] = new JsonObject { ["image/png"] = "iVBORw0KGgo=" } };
        markdown["metadata"] = new JsonObject { ["custom"] = new JsonArray(1, 2) };
        var markdownKernel = Code("Some notes in a markdown-kernel code cell.");
        markdownKernel["source"] = new JsonArray("Some notes in a markdown-kernel code cell.");
        markdownKernel["metadata"]!["polyglot_notebook"]!["kernelName"] = "markdown";
        markdownKernel["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray("old") });
        markdownKernel["execution_count"] = 9;
        var before = new[] { markdown.DeepClone(), markdownKernel.DeepClone() };

        string path = Write(markdown, Code("1 + 1"), markdownKernel);
        var (notebook, result) = await RunAsync(path);
        notebook.Save(path);
        var reloaded = NotebookDocument.Load(path);

        Assert.That(result.Succeeded, Is.True);
        Assert.That(JsonNode.DeepEquals(reloaded.Cells[0], before[0]), Is.True, reloaded.Cells[0]!.ToJsonString());
        Assert.That(JsonNode.DeepEquals(reloaded.Cells[2], before[1]), Is.True, reloaded.Cells[2]!.ToJsonString());
    }

    [Test]
    public async Task Relative_paths_resolve_against_the_notebook_folder()
    {
        string path = Write(Code("System.IO.File.ReadAllText(\"data.txt\")"));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "data.txt"), "next to the notebook");
        string before = Environment.CurrentDirectory;

        var (notebook, result) = await RunAsync(path);

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That((string?)Outputs(notebook, 0).Single()!["data"]!["text/plain"], Is.EqualTo("next to the notebook"));
        Assert.That(Environment.CurrentDirectory, Is.EqualTo(before), "the working directory is restored");
    }

    [Test]
    public void A_notebook_for_another_kernel_is_refused()
    {
        string path = Write(Code("1"));
        File.WriteAllText(path, File.ReadAllText(path).Replace(".net-csharp", "python3"));

        var e = Assert.Throws<DigitalCellException>(() => NotebookDocument.Load(path));
        Assert.That(e!.Message, Does.Contain("'python3' is not the .NET Interactive C# kernel"));
    }

    private static IEnumerable<string?> NotebookTags(JsonNode? cell) =>
        cell?["metadata"]?["tags"]?.AsArray().Select(t => (string?)t) ?? [];
}
