using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

/// <summary>The executed notebook is valid nbformat, converts with nbconvert, and its Plotly figures draw offline.</summary>
[TestFixture]
public partial class NotebookOutputTests
{
    private const string Python = "/usr/bin/python3";
    private const string Chromium = "/usr/bin/chromium";
    private const string PlotlyBanner = "plotly.js v2.28.0";

    private string executed = "";
    private NotebookDocumentSnapshot snapshot = null!;

    private sealed record NotebookDocumentSnapshot(JsonArray Cells, bool Succeeded);

    [OneTimeSetUp]
    public async Task RunNotebookWithEveryKindOfOutput()
    {
        string path = Write(
            Markdown("# Output kinds\nA markdown cell."),
            Code("#r \"nuget: DigitalCell.Sdk, 0.1.0\"\nusing Plotly.NET.CSharp;\nConsole.WriteLine(\"to stdout\");\ndisplay(new { Cells = 3, Genes = 2 });"),
            Code("Chart.Point<double, double, string>(x: new[] { 1.0, 2, 3 }, y: new[] { 2.0, 4, 3 }, Name: \"first\")"),
            Code("Chart.Point<double, double, string>(x: new[] { 1.0, 2, 3, 4 }, y: new[] { 1.0, 3, 2, 5 }, Name: \"</script>second\").Display();"),
            Code("throw new ArgumentException(\"bad gene\");"));
        var (notebook, result) = await RunAsync(path);
        notebook.Save(path);
        executed = path;
        snapshot = new NotebookDocumentSnapshot(notebook.Cells, result.Succeeded);
    }

    [Test]
    public void The_executed_notebook_passes_nbformat_validation()
    {
        RequirePython("nbformat");
        var (code, output) = Run(Python, "-c",
            "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); " +
            "print(len(nb.cells), [c.get('execution_count') for c in nb.cells])", executed);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Is.EqualTo("5 [None, 1, 2, 3, 4]"));
    }

    [Test]
    public void Plotly_js_is_embedded_in_the_first_figure_only()
    {
        Assert.That(snapshot.Succeeded, Is.False, "the last cell throws");
        string first = HtmlOf(snapshot.Cells[2]!);
        string second = HtmlOf(snapshot.Cells[3]!);
        Assert.That(first, Does.Contain(PlotlyBanner).And.Contain("Plotly.newPlot('dcell-figure-1'"));
        Assert.That(second, Does.Not.Contain(PlotlyBanner).And.Contain("Plotly.newPlot('dcell-figure-2'"));
        Assert.That(second, Does.Not.Contain("</script>second"), "a closing script tag inside figure data is escaped");
        Assert.That(Regex.Matches(File.ReadAllText(executed), Regex.Escape(PlotlyBanner)), Has.Count.EqualTo(1));
    }

    [Test]
    public void Nbconvert_renders_the_notebook_and_headless_chromium_draws_both_figures_offline()
    {
        RequirePython("nbconvert");
        string html = ConvertToHtml();
        Assert.That(File.ReadAllText(html), Does.Contain("bad gene"), "the error output is part of the page");
        if (!File.Exists(Chromium)) Assert.Ignore($"{Chromium} is not installed (apt-get install chromium); the figure check needs it.");

        // --dump-dom prints the page after its scripts ran: plotly.js builds an <svg class="main-svg"> per figure and
        // one <path class="point"> per marker, which exist only if the inline plotly.js loaded without a network.
        var (code, dom) = Run(Chromium, [.. ChromiumFlags(), "--dump-dom", new Uri(html).AbsoluteUri]);
        Assert.That(code, Is.EqualTo(0), dom);
        Assert.That(Regex.Matches(dom, "class=\"main-svg\""), Has.Count.GreaterThanOrEqualTo(2 * 2), "two figures drawn");
        Assert.That(Regex.Matches(dom, "class=\"point\""), Has.Count.EqualTo(3 + 4), "every marker drawn");

        string png = Path.Combine(TestContext.CurrentContext.WorkDirectory, "notebook-figure-offline.png");
        var (shot, log) = Run(Chromium, [.. ChromiumFlags(), "--window-size=1000,1600", $"--screenshot={png}", new Uri(html).AbsoluteUri]);
        Assert.That(shot, Is.EqualTo(0), log);
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(10_000), "a screenshot with content");
        TestContext.AddTestAttachment(png, "nbconvert HTML of an executed notebook, rendered offline by headless Chromium");
    }

    private string ConvertToHtml()
    {
        string directory = Directory.CreateTempSubdirectory("dcell-nbconvert-").FullName;
        var (code, output) = Run("jupyter", "nbconvert", "--to", "html", "--output-dir", directory, executed);
        Assert.That(code, Is.EqualTo(0), output);
        return Path.Combine(directory, "test.html");
    }

    // Offline and isolated: no network services, a fresh profile, and virtual time so scripts finish before capture.
    private static string[] ChromiumFlags() =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        $"--user-data-dir={Directory.CreateTempSubdirectory("dcell-chromium-").FullName}", "--virtual-time-budget=10000",
    ];

    private static string HtmlOf(JsonNode cell) => string.Concat(cell["outputs"]!.AsArray()
        .Select(o => o!["data"]?["text/html"]).Where(h => h is not null).Select(h => (string?)h));

    private static void RequirePython(string module)
    {
        if (!File.Exists(Python) || Run(Python, "-c", $"import {module}").ExitCode != 0)
            Assert.Ignore($"{Python} lacks the '{module}' module (Debian package python3-{module}); cannot check the notebook with it.");
    }
}
