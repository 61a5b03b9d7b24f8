using System.Diagnostics;

namespace DigitalCell.Cli.Tests;

/// <summary>Third-party data never enters the repository: it lives in the mirror (../shared/data) and the catalog points at it.</summary>
public class RepositoryContentTests
{
    private static readonly string[] DataExtensions = [".h5ad", ".h5mu", ".h5", ".mtx", ".mtx.gz", ".gmt", ".gmt.gz", ".tsv.gz", ".csv.gz", ".loom", ".rda", ".rds", ".parquet", ".zarr", ".npz"];

    [Test]
    public void Git_tracks_no_third_party_data_file()
    {
        var start = new ProcessStartInfo("git", ["-C", RepoPaths.Root, "ls-files"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(start)!;
        string[] tracked = git.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.EqualTo(0), "git ls-files (the test needs the git checkout)");

        Assert.That(tracked, Is.Not.Empty);
        Assert.That(tracked.Where(f => DataExtensions.Any(x => f.EndsWith(x, StringComparison.OrdinalIgnoreCase))), Is.Empty);
        Assert.That(tracked.Where(f => f.StartsWith("data/", StringComparison.Ordinal)), Is.EqualTo(new[] { "data/README.md" }));
    }
}
