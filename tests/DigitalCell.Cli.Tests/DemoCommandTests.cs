using System.Text.Json;

namespace DigitalCell.Cli.Tests;

public class DemoCommandTests : TempDirectoryTest
{
    [Test]
    public void SummaryCountsMatchAnndataOnTheShippedFile()
    {
        var result = Dcell.Run("demo", "--output", Temp);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("Perturbation").And.Contain("IFNGR1").And.Contain("knockout"));

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Temp, "summary.json"))).RootElement;
        var reference = PythonPeer.RunJson("""
            import sys, json, anndata
            a = anndata.read_h5ad(sys.argv[1], backed='r')
            print(json.dumps({'n_obs': a.n_obs, 'n_vars': a.n_vars, 'counts': {k: int(v) for k, v in a.obs['perturbation'].value_counts().items()}}))
            """, RepoPaths.Data("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"));

        Assert.That(summary.GetProperty("cells").GetInt32(), Is.EqualTo(reference.GetProperty("n_obs").GetInt32()));
        Assert.That(summary.GetProperty("genes").GetInt32(), Is.EqualTo(reference.GetProperty("n_vars").GetInt32()));
        Assert.That(summary.GetProperty("controls").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "control" }));
        var ours = summary.GetProperty("perturbations").EnumerateArray().ToDictionary(p => p.GetProperty("label").GetString()!, p => p.GetProperty("cells").GetInt32());
        var theirs = reference.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.That(ours, Is.EquivalentTo(theirs));
        Assert.That(result.Output, Does.Contain("control-mean").And.Contain("cell-mean").And.Contain("linear"), "the default benchmark's score table follows the summary");
        Assert.That(Directory.GetFiles(Temp).Select(Path.GetFileName), Is.EquivalentTo(new[] { DigitalCell.Sdk.IO.AtomicFile.OutputMarker, "summary.json", "report.json", "report.md", "report.html", "split.json" }));
        Assert.That(Directory.GetFiles(Temp, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty, "no temporary left behind");
    }
}
