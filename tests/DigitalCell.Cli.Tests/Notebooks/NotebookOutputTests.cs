using System.Text.RegularExpressions;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests.Notebooks;

/// <summary>
/// The committed notebooks (executed by the real kernel, see <see cref="CommittedNotebooksTests"/>) are valid nbformat,
/// convert with nbconvert, and their figures draw offline in headless Chromium.
/// </summary>
[TestFixture]
public class NotebookOutputTests
{
    private const string Python = "/usr/bin/python3";
    private const string Chromium = "/usr/bin/chromium";

    [TestCaseSource(typeof(CommittedNotebooksTests), nameof(CommittedNotebooksTests.Notebooks))]
    public void A_committed_notebook_passes_nbformat_validation(string path)
    {
        RequirePython("nbformat");
        var (code, output) = Run(Python, "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", path);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Is.EqualTo("valid"));
    }

    [Test]
    public void Nbconvert_renders_the_quickstart_and_headless_chromium_draws_its_figures_offline()
    {
        RequirePython("nbconvert");
        string notebook = CommittedNotebooksTests.Notebooks().First(p => p.EndsWith("01-quickstart.ipynb", StringComparison.Ordinal));
        string directory = Directory.CreateTempSubdirectory("dcell-nbconvert-").FullName;
        var (converted, log) = Run("jupyter", "nbconvert", "--to", "html", "--output-dir", directory, notebook);
        Assert.That(converted, Is.EqualTo(0), log);
        string html = Path.Combine(directory, "01-quickstart.html");
        if (!File.Exists(Chromium)) Assert.Ignore($"{Chromium} is not installed (apt-get install chromium); the figure check needs it.");

        // --dump-dom prints the page after its scripts ran: plotly.js builds an <svg class="main-svg"> pair per figure,
        // which exists only if the inline plotly.js loaded without a network.
        var (code, dom) = Run(Chromium, [.. ChromiumFlags(), "--dump-dom", new Uri(html).AbsoluteUri]);
        Assert.That(code, Is.EqualTo(0), dom);
        Assert.That(Regex.Matches(dom, "class=\"main-svg\""), Has.Count.GreaterThanOrEqualTo(3 * 2), "the histogram, PCA and volcano figures drawn");
        Assert.That(Regex.Matches(dom, "class=\"point\"").Count, Is.GreaterThan(1000), "the PCA's markers drawn");

        string png = Path.Combine(TestContext.CurrentContext.WorkDirectory, "notebook-figure-offline.png");
        var (shot, shotLog) = Run(Chromium, [.. ChromiumFlags(), "--window-size=1000,1600", $"--screenshot={png}", new Uri(html).AbsoluteUri]);
        Assert.That(shot, Is.EqualTo(0), shotLog);
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(10_000), "a screenshot with content");
        TestContext.AddTestAttachment(png, "nbconvert HTML of the quickstart, rendered offline by headless Chromium");
    }

    // Offline and isolated: no network services, a fresh profile, and virtual time so scripts finish before capture.
    private static string[] ChromiumFlags() =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        $"--user-data-dir={Directory.CreateTempSubdirectory("dcell-chromium-").FullName}", "--virtual-time-budget=10000",
    ];

    private static void RequirePython(string module)
    {
        if (!File.Exists(Python) || Run(Python, "-c", $"import {module}").ExitCode != 0)
            Assert.Ignore($"{Python} lacks the '{module}' module (Debian package python3-{module}); cannot check the notebook with it.");
    }
}
