using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DigitalCell.Notebooks;

namespace DigitalCell.Cli.Tests.Notebooks;

/// <summary>
/// The notebooks under notebooks/ are what users open first: they must load in the real kernel (kernelspec, the
/// Interactive package reference first, resolved from the local feed through the nuget.config beside them), accept
/// parameters, and carry the outputs of a complete run in the real kernel (CI executes them again).
/// </summary>
[TestFixture]
public class CommittedNotebooksTests
{
    internal static IEnumerable<string> Notebooks() => Directory.GetFiles(NotebookFolder(), "*.ipynb").Order();

    private static string NotebookFolder()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln")))
                return Path.Combine(dir.FullName, "notebooks");
        throw new InvalidOperationException("repository root not found");
    }

    [Test]
    public void The_nuget_config_beside_the_notebooks_adds_the_local_feed_by_a_relative_path()
    {
        var config = System.Xml.Linq.XDocument.Load(Path.Combine(NotebookFolder(), "nuget.config"));
        var sources = config.Descendants("add").Select(a => (string?)a.Attribute("value")).ToList();

        Assert.That(sources, Does.Contain("../artifacts/packages"));
        Assert.That(Path.GetFullPath(Path.Combine(NotebookFolder(), "../artifacts/packages")),
            Is.EqualTo(Path.GetFullPath(Path.Combine(NotebookFolder(), "..", "artifacts", "packages"))), "the feed dotnet pack fills");
    }

    [Test]
    public void The_quickstart_and_benchmark_notebooks_exist()
    {
        Assert.That(Notebooks().Select(Path.GetFileName), Is.SupersetOf(new[] { "01-quickstart.ipynb", "02-perturbation-benchmark.ipynb" }));
    }

    [TestCaseSource(nameof(Notebooks))]
    public void A_notebook_loads_the_sdk_first_and_declares_its_parameters(string path)
    {
        var notebook = NotebookDocument.Load(path);
        var code = notebook.Cells.Where(c => (string?)c!["cell_type"] == "code").ToList();

        Assert.That(TestNotebook.Text(code[0]!["source"]), Does.Contain("#r \"nuget: DigitalCell.Sdk.Interactive, 0.2.0-*\""));
        Assert.That(File.ReadAllText(path), Does.Not.Contain("EmbeddedDatasets").And.Not.Contain("Plotly.NET"), "data from the catalog, figures from the SDK");
        var parameters = code.Where(c => c!["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "parameters")).ToList();
        Assert.That(parameters, Has.Count.EqualTo(1));
        Assert.That(TestNotebook.Text(parameters[0]!["source"]), Does.Contain("var seed = ").And.Contain("var device = "));
        Assert.That(code.All(c => (string?)c!["metadata"]?["polyglot_notebook"]?["kernelName"] == "csharp"), "Polyglot cell metadata");
    }

    [TestCaseSource(nameof(Notebooks))]
    public void A_committed_notebook_carries_the_outputs_of_a_complete_run(string path)
    {
        var notebook = NotebookDocument.Load(path);
        var code = notebook.Cells.Where(c => (string?)c!["cell_type"] == "code").ToList();
        string text = File.ReadAllText(path);

        Assert.That(code.Select(c => (int?)c!["execution_count"]), Is.EqualTo(Enumerable.Range(1, code.Count).Select(i => (int?)i)),
            "every cell ran, in order (regenerate with dcell notebook run --inplace)");
        Assert.That(code.SelectMany(c => c!["outputs"]!.AsArray()).Any(o => (string?)o!["output_type"] == "error"), Is.False);
        Assert.That(text, Does.Contain("data sha256"), "prints the run's provenance");
        Assert.That(Regex.Matches(text, Regex.Escape("plotly.js v3.7.0")), Has.Count.EqualTo(1), "plotly.js embedded once");
        Assert.That(text, Does.Contain("Plotly.newPlot('dcell-figure-2'"), "more than one figure");
        Assert.That(text, Does.Contain("Loading extension script from `~/.nuget/packages/digitalcell.sdk.interactive/"), "ran in the real kernel");
        Assert.That(Regex.Matches(text, @"(/root/|/home/|/tmp/|/work/|[A-Z]:\\\\Users)"), Is.Empty, "no machine paths in the outputs");
    }
}
