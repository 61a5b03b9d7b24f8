using DigitalCell.Fuzz;

namespace DigitalCell.Cli.Tests;

/// <summary>
/// Mutated h5ad, 10x, Parquet, safetensors and manifest files (tests/DigitalCell.Fuzz) run through dcell in child
/// processes with a heap ceiling: every case must exit 0, or 1 with one clean error line naming the file and no
/// leftover output; a crash, hang, memory bomb or escaped exception type fails the test with the case's id.
/// </summary>
[TestFixture]
public class FuzzSuiteTests : TempDirectoryTest
{
    /// <summary>Enough to hit every mutation of every format several times in about a minute on 2 cores; the long campaign runs thousands.</summary>
    private const int Cases = 300;

    [Test]
    public void SeededMutationsAreHandledCleanly()
    {
        var outcomes = FuzzCampaign.Run(typeof(FuzzCampaign).Assembly.Location, Temp, seed: 20261202, first: 0, count: Cases);
        Assert.That(outcomes, Has.Count.EqualTo(Cases));
        var failures = outcomes.Where(o => o.Problem is not null).Select(o => o.ToString()).ToList();
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
        Assert.That(outcomes.Count(o => o.ExitCode == 1), Is.GreaterThan(Cases / 2), "most mutations must actually break the file");
    }
}
