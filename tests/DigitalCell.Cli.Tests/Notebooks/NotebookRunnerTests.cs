using System.Text.Json.Nodes;
using DigitalCell.Notebooks;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

/// <summary>
/// The runner drives the real .NET Interactive kernel; each test that starts it costs a kernel start (~10 s), so one
/// notebook covers the everyday semantics and the failure modes get one short notebook each.
/// </summary>
[TestFixture]
public class NotebookRunnerTests
{
    [Test]
    public async Task State_outputs_parameters_and_relative_paths_behave_as_in_the_kernel()
    {
        string path = Write(
            Markdown("# Title\nkept *exactly*"),
            Code("var seed = 0;\nvar label = \"default\";\nvar fraction = 0.5;", "parameters"),
            Code("record Gene(string Name);\nvar gene = new Gene(\"IFNG\");"),
            Code("Console.WriteLine($\"{seed} {label} {fraction} {gene.Name}\");\ndisplay(\"shown\");\nseed + 1"),
            Code("Console.Write(System.IO.File.ReadAllText(\"beside.txt\"));"),
            // One write of 5,000 lines: the kernel drops stream messages when a cell floods it with thousands of separate
            // writes (docs/notebooks.md), which would make this test flaky without saying anything about our capture.
            Code("Console.Write(string.Concat(Enumerable.Range(0, 5_000).Select(i => i + \"\\n\")));"));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "beside.txt"), "relative to the notebook");
        var options = new NotebookRunOptions
        {
            Parameters = new Dictionary<string, string> { ["seed"] = "7", ["label"] = "a \"quoted\" \\ value", ["fraction"] = "0.25" },
        };

        var (notebook, result) = await RunAsync(path, options);

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That(result.ExecutedCells, Is.EqualTo(6), "five code cells and the injected one");
        Assert.That(NotebookDocument.TextOf(notebook.Cells[0]!["source"]), Is.EqualTo("# Title\nkept *exactly*"));
        Assert.That(notebook.Cells[2]!["metadata"]!["tags"]![0]!.GetValue<string>(), Is.EqualTo("injected-parameters"));
        Assert.That(Stdout(notebook, 4), Is.EqualTo("7 a \"quoted\" \\ value 0.25 IFNG\n"), "parameters keep their declared types");
        var kinds = Outputs(notebook, 4).Select(o => (string?)o!["output_type"]).ToArray();
        Assert.That(kinds, Is.EqualTo(new[] { "stream", "display_data", "execute_result" }), "outputs in the order produced");
        Assert.That(Text(Outputs(notebook, 4)[2]!["data"]!["text/html"]), Does.Contain("<pre>8</pre>"));
        Assert.That(Stdout(notebook, 5), Is.EqualTo("relative to the notebook"));
        // 5,000 writes arrive as many stream messages; the saved cell holds them as one output, every line in order.
        // (Far larger floods lose lines inside the kernel's message transport: see docs/notebooks.md.)
        var lines = Outputs(notebook, 6);
        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That(Text(lines[0]!["text"]).Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(Enumerable.Range(0, 5_000).Select(i => i.ToString())));
        Assert.That(File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "executed.ipynb")), Does.Not.Contain(Path.GetDirectoryName(path)!),
            "no machine path in the outputs");
    }

    [Test]
    public async Task A_compilation_error_names_the_compilers_diagnostic()
    {
        string path = Write(Code("var x = UndefinedName + 1;"));

        var (_, result) = await RunAsync(path);

        Assert.That(result.Failure?.Message, Does.Contain("error CS0103: The name 'UndefinedName' does not exist"));
    }

    [Test]
    public async Task The_run_stops_at_the_first_failing_cell_and_records_its_error()
    {
        string path = Write(Code("Console.Write(\"ran\");"), Markdown("between"), Code("throw new ArgumentException(\"bad gene\");"), Code("Console.Write(\"never\");"));

        var (notebook, result) = await RunAsync(path);

        Assert.That(result.Failure, Is.Not.Null);
        Assert.That(result.Failure!.CellNumber, Is.EqualTo(3));
        Assert.That(result.Failure.Message, Does.Contain("bad gene"));
        Assert.That(Outputs(notebook, 2).Any(o => (string?)o!["output_type"] == "error"), Is.True);
        Assert.That(Outputs(notebook, 3), Is.Empty, "later cells do not run");
        Assert.That((int?)notebook.Cells[3]!["execution_count"], Is.Null);
    }

    [Test]
    public async Task A_cell_running_past_the_timeout_is_stopped_and_reported_as_that_cells_error()
    {
        string path = Write(Code("Console.Write(\"before\");"), Code("while (true) { }"), Code("Console.Write(\"never\");"));

        // Long enough for the kernel's first cell (it compiles its scripting host on first use), far below the loop's forever.
        var (notebook, result) = await RunAsync(path, new NotebookRunOptions { CellTimeout = TimeSpan.FromSeconds(30) });

        Assert.That(result.Failure?.CellNumber, Is.EqualTo(2));
        Assert.That(result.Failure!.ErrorName, Is.EqualTo("CellTimeoutError"));
        Assert.That(Text(Outputs(notebook, 1).Last()!["evalue"]), Does.Contain("longer than 30 s"));
        Assert.That(Outputs(notebook, 2), Is.Empty);
    }

    [Test]
    public async Task A_cell_that_kills_the_kernel_is_reported_as_that_cells_error()
    {
        string path = Write(Code("int Deeper(int n) => Deeper(n + 1) + 1;"), Code("Deeper(0)"), Code("Console.Write(\"never\");"));

        var (notebook, result) = await RunAsync(path);

        Assert.That(result.Failure?.CellNumber, Is.EqualTo(2), "the stack overflow ends the kernel process, not the runner");
        Assert.That(result.Failure!.ErrorName, Is.EqualTo("DeadKernelError"));
        Assert.That(Outputs(notebook, 2), Is.Empty);
    }

    [Test]
    public async Task Parameters_the_notebook_does_not_declare_are_refused_before_the_kernel_starts()
    {
        string path = Write(Code("var seed = 0;\nint steps = 10; // comment", "parameters"));
        var unknown = new NotebookRunOptions { Parameters = new Dictionary<string, string> { ["learningRate"] = "1" } };
        string withoutCell = Write(Code("var seed = 0;"));

        var e = await Assert.ThrowsAsync<DigitalCell.Sdk.DigitalCellException>(() => new NotebookRunner(unknown).RunAsync(NotebookDocument.Load(path), path + ".out"));
        var none = await Assert.ThrowsAsync<DigitalCell.Sdk.DigitalCellException>(() => new NotebookRunner(unknown).RunAsync(NotebookDocument.Load(withoutCell), path + ".out"));

        Assert.That(e!.Message, Does.Contain("declares no variable 'learningRate'; it declares: seed, steps"));
        Assert.That(none!.Message, Does.Contain("no cell is tagged 'parameters'"));
        Assert.That(File.Exists(path + ".out"), Is.False);
    }

    [Test]
    public async Task A_missing_kernel_fails_with_the_install_commands()
    {
        string path = Write(Code("1"));

        var e = await Assert.ThrowsAsync<DigitalCell.Sdk.DigitalCellException>(() =>
            new NotebookRunner(new NotebookRunOptions { KernelName = "no-such-kernel" }).RunAsync(NotebookDocument.Load(path), path + ".out"));

        Assert.That(e!.Message, Does.Contain("'no-such-kernel' kernel did not start").And.Contain("dotnet interactive jupyter install"));
    }

    [Test]
    public void String_parameters_become_escaped_csharp_literals()
    {
        Assert.That(NotebookParameters.StringLiteral("a\"b\\c\nd\u2028"), Is.EqualTo("\"a\\\"b\\\\c\\u000ad\\u2028\""));
    }

    [Test]
    public void A_notebook_for_another_kernel_is_refused()
    {
        string path = Write(Code("1"));
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["metadata"]!["kernelspec"]!["name"] = "python3";
        File.WriteAllText(path, json.ToJsonString());

        var e = Assert.Throws<DigitalCell.Sdk.DigitalCellException>(() => NotebookDocument.Load(path));

        Assert.That(e!.Message, Does.Contain("'python3' is not the .NET Interactive C# kernel"));
    }
}
