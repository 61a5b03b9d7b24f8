using System.Collections.Concurrent;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Statistics;
using static DigitalCell.Sdk.Tests.Scoring.ScoringTestSupport;

namespace DigitalCell.Sdk.Tests;

/// <summary>The long steps report their progress through <see cref="IProgress{T}"/> (issue 11, item 8).</summary>
public class WorkProgressTests
{
    [Test]
    public void A_benchmark_reports_each_models_scoring_steps_and_the_bootstrap()
    {
        var data = H5adFile.Read(PapalexiPath);
        var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout);
        var split = PerturbationSplits.UnseenPerturbations(data, schema, testFraction: 0.2, seed: 0);
        var reports = new ConcurrentQueue<BenchmarkProgress>();

        Benchmark.On(data, schema, split).Models(Baselines.ControlMean(), Baselines.CellMean())
            .Options(new ScoreReportOptions(BootstrapSamples: 20)).Run(new Collect<BenchmarkProgress>(reports));

        var de = reports.Where(r => r.Work?.Step == DifferentialExpressionAnalysis.ProgressStep).ToArray();
        Assert.That(de.Select(r => r.Model).Distinct(), Is.EquivalentTo(new[] { "control-mean", "cell-mean" }), "each model's DE is reported under its name");
        Assert.That(de, Has.All.Matches<BenchmarkProgress>(r => r!.Stage == "score" && r.Work!.Total == data.GeneCount));
        var bootstrap = reports.Where(r => r.Work?.Step == ScoreReport.BootstrapStep).Select(r => r.Work!).ToArray();
        Assert.That(bootstrap, Is.Not.Empty);
        Assert.That(bootstrap[^1].Completed, Is.EqualTo(bootstrap[^1].Total), "the bootstrap reports its end");
        Assert.That(bootstrap[^1].Total, Is.EqualTo(2 * Benchmark.Default.Count), "one unit per model × metric");
        Assert.That(reports.Last().Stage, Is.EqualTo("done"));
    }

    [Test]
    public void Pca_reports_each_pass_over_the_data()
    {
        var random = new Random(3);
        var x = new float[40 * 12];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var data = new CellDataset(new DenseCellMatrix(40, 12, x), new AnnotationTable("obs", Enumerable.Range(0, 40).Select(i => $"c{i}").ToArray()),
            new AnnotationTable("var", Enumerable.Range(0, 12).Select(i => $"g{i}").ToArray()));
        var reports = new ConcurrentQueue<WorkProgress>();

        data.Pca(3, new PcaOptions { PowerIterations = 4, Progress = new Collect<WorkProgress>(reports) });

        Assert.That(reports.Select(r => r.Completed), Is.EqualTo(Enumerable.Range(1, 10).Select(i => (long)i)), "2 + 2 × 4 passes, in order");
        Assert.That(reports, Has.All.Matches<WorkProgress>(r => r!.Step == PrincipalComponents.ProgressStep && r.Total == 10));
    }

    /// <summary>Collects reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class Collect<T>(ConcurrentQueue<T> into) : IProgress<T>
    {
        public void Report(T value) => into.Enqueue(value);
    }
}
