using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using static DigitalCell.Sdk.Tests.Scoring.ScoringTestSupport;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>The README's benchmark: unseen perturbations of the Papalexi 2021 THP-1 knockout screen (seed 0, 20% test).</summary>
public class PapalexiBenchmarkTests
{
    private static ScoreReport? _report;

    private static ScoreReport Report => _report ??= Run();

    private static ScoreReport Run()
    {
        var data = H5adFile.Read(PapalexiPath);
        var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout);
        var split = PerturbationSplits.UnseenPerturbations(data, schema, testFraction: 0.2, seed: 0);
        return Benchmark.On(data, schema, split)
            .Models(Baselines.ControlMean(), Baselines.CellMean(), Baselines.NonControlMean(), Baselines.Linear())
            .Run();
    }

    [Test]
    public void ReportsEveryModelOnTheFiveHeldOutKnockouts()
    {
        TestContext.Out.WriteLine(Report.ToMarkdown());
        Assert.That(Report.Split!.Test, Has.Count.EqualTo(5));
        Assert.That(Report.Models, Is.EquivalentTo(new[] { "control-mean", "cell-mean", "non-control-mean", "linear" }));
        Assert.That(Report.ModelScores[0].Input.Perturbations, Is.EqualTo(Report.Split.Test));
    }
}
