using System.Diagnostics;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Cli.Tests;

/// <summary>dcell simulate → query / pseudobulk / partition / partition-de on a synthetic sharded collection, and the Snakemake workflow.</summary>
public class CollectionCommandsTests
{
    private string _temp = "";
    private string _shards = "";

    [OneTimeSetUp]
    public void Simulate()
    {
        _temp = Directory.CreateTempSubdirectory("dcell-collection-").FullName;
        _shards = Path.Combine(_temp, "shards");
        var result = Dcell.Run("simulate", "--cells", "900", "--genes", "60", "--perturbations", "5", "--shards", "3", "--layout", "tahoe", "--seed", "2", "--out", _shards);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("Wrote 3 synthetic shards"));
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    [Test]
    public void Query_prints_the_group_by_as_csv()
    {
        var result = Dcell.Run("query", _shards, "SELECT cell_line, count(*) AS cells FROM obs GROUP BY cell_line ORDER BY cell_line");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var lines = result.Output.Trim().Split('\n').Select(l => l.Trim()).ToArray();
        Assert.That(lines[0], Is.EqualTo("cell_line,cells"));
        Assert.That(lines.Skip(1).Sum(l => int.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(900));
    }

    [Test]
    public void A_bad_query_and_a_bad_shard_are_one_error_line()
    {
        var query = Dcell.Run("query", _shards, "SELECT nope FROM obs");
        Assert.That(query.ExitCode, Is.EqualTo(1));
        Assert.That(query.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(query.Error, Does.StartWith("error: ").And.Contain("nope"));
        var shard = Dcell.Run("pseudobulk", _shards, "--shard", "7", "--groupby", "perturbation", "--out", Path.Combine(_temp, "x.parquet"));
        Assert.That(shard.Error, Does.Contain("--shard 7 is outside the collection's 3 shards"));
    }

    [Test]
    public void Per_shard_partials_merged_equal_the_single_process_pseudobulk_byte_for_byte()
    {
        string single = Path.Combine(_temp, "single.csv");
        Assert.That(Dcell.Run("pseudobulk", _shards, "--groupby", "cell_line,perturbation", "--normalize", "1e4", "--log1p", "--out", single).ExitCode, Is.EqualTo(0));
        var partials = Enumerable.Range(0, 3).Select(i =>
        {
            string partial = Path.Combine(_temp, $"p{i}.parquet");
            var r = Dcell.Run("pseudobulk", _shards, "--shard", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--groupby", "cell_line,perturbation",
                "--normalize", "1e4", "--log1p", "--out", partial);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
            return partial;
        }).ToArray();
        string merged = Path.Combine(_temp, "merged.csv");
        var merge = Dcell.Run(["pseudobulk-merge", .. partials, "--out", merged]);
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        Assert.That(File.ReadAllText(merged), Is.EqualTo(File.ReadAllText(single)));
        Assert.That(File.ReadLines(single).First(), Does.StartWith("group,n_cells,GENE00000,"));
        Assert.That(File.ReadLines(single).Count(), Is.EqualTo(1 + 2 * 6), "2 cell lines × (5 perturbations + control)");
    }

    [Test]
    public void A_where_clause_restricts_the_cells()
    {
        string out1 = Path.Combine(_temp, "controls.csv");
        var result = Dcell.Run("pseudobulk", _shards, "--groupby", "perturbation", "--where", "perturbation = 'control'", "--out", out1);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var lines = File.ReadAllLines(out1);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[1], Does.StartWith("control,"));
    }

    [Test]
    public void The_Snakemake_workflow_gives_the_single_process_results()
    {
        string? snakemake = FindOnPath("snakemake");
        if (snakemake is null) Assert.Ignore("snakemake is not installed (Debian: apt-get install -y snakemake); the workflow test needs it.");
        string dcell = Path.Combine(AppContext.BaseDirectory, "dcell.dll");
        Assert.That(File.Exists(dcell), Is.True, dcell);
        string work = Path.Combine(_temp, "workflow");
        Directory.CreateDirectory(work);
        string config = Path.Combine(work, "config.yaml");
        File.WriteAllText(config, $"""
            dcell: "dotnet {dcell}"
            collection: "{_shards}"
            out: "{Path.Combine(work, "results")}"
            """);
        var run = RunProcess(snakemake, work, "--snakefile", Path.Combine(RepoPaths.Root, "workflows", "Snakefile"), "--configfile", config, "--cores", "2", "--quiet");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);

        string pseudobulk = Path.Combine(work, "single-pseudobulk.csv");
        Assert.That(Dcell.Run("pseudobulk", _shards, "--groupby", "cell_line,perturbation", "--normalize", "10000", "--log1p", "--out", pseudobulk).ExitCode, Is.EqualTo(0));
        Assert.That(File.ReadAllText(Path.Combine(work, "results", "pseudobulk.csv")), Is.EqualTo(File.ReadAllText(pseudobulk)));

        // gzip parts and the smallest budget (1 MiB) in the single process: the same table as the workflow's defaults
        string partition = Path.Combine(work, "single-partition"), de = Path.Combine(work, "single-de.csv");
        Assert.That(Dcell.Run("partition", _shards, "--context-column", "cell_line", "--normalize", "10000", "--log1p", "--compression", "gzip", "--out", partition).ExitCode, Is.EqualTo(0));
        Assert.That(Dcell.Run("partition-de", partition, "--control", "control", "--memory-budget", "0", "--out", de).ExitCode, Is.Not.EqualTo(0));
        Assert.That(Dcell.Run("partition-de", partition, "--control", "control", "--memory-budget", "1", "--out", de).ExitCode, Is.EqualTo(0));
        Assert.That(File.ReadAllText(Path.Combine(work, "results", "de.csv")), Is.EqualTo(File.ReadAllText(de)));
        Assert.That(File.ReadLines(de).Count(), Is.EqualTo(1 + 2 * 5 * 60));
    }

    private static string? FindOnPath(string name) => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) RunProcess(string file, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
