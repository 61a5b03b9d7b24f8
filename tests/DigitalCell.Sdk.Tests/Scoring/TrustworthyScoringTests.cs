using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>Scores that cannot crash or mislead: undefined values are kept, counted and never rank first.</summary>
public class TrustworthyScoringTests
{
    private static readonly string[] Genes = ["g0", "g1", "g2"];

    private static ScoringInput WithDe(double[] predictedLog2Fc) =>
        new(["p"], Genes, [[1, 2, 3]], [[1, 2, 3]], [0, 0, 0], [0, 0, 0])
        {
            RealDifferentialExpression = [new([1, -2, 0.5], [0.01, 0.01, 0.01])],
            PredictedDifferentialExpression = [new(predictedLog2Fc, [0.01, double.NaN, 0.5])],
        };

    [Test]
    public void AnUndefinedPredictedFoldChangeCountsAsAWrongDirectionInsteadOfThrowing()
    {
        // The log of a negative predicted mean is NaN; Math.Sign(NaN) used to end the whole run.
        var input = WithDe([2, double.NaN, -1]);
        Assert.That(Metrics.DeDirectionMatch.Compute(input, ScoringMode.CellEval)[0], Is.EqualTo(1.0 / 3));
        Assert.That(double.IsNaN(Metrics.DeSpearmanLfc.Compute(input, ScoringMode.CellEval)[0]!.Value), "Spearman with a NaN input is NaN, as scipy's default");
        Assert.That(Metrics.PrAuc.Compute(input, ScoringMode.CellEval)[0], Is.Not.Null, "an undefined FDR counts as no evidence");
    }

    [Test]
    public void EveryMetricAcceptsConstantAndEmptyProfiles()
    {
        var flat = new double[3];
        var input = new ScoringInput(["a", "b"], Genes, [flat, flat], [flat, flat], flat, flat)
        {
            RealDifferentialExpression = [new(flat, [1, 1, 1]), new(flat, [1, 1, 1])],
            PredictedDifferentialExpression = [new(flat, [1, 1, 1]), new(flat, [1, 1, 1])],
            TopDifferentiallyExpressedGenes = [[], []],
            PerturbedReference = flat,
        };
        foreach (var metric in Metrics.Full.Where(m => !m.Needs.HasFlag(MetricNeeds.Cells)))
            Assert.DoesNotThrow(() => metric.Compute(input, ScoringMode.CellEval), metric.Name);
    }

    private static ModelScores Scores(string model, double?[] pearson)
    {
        var input = new ScoringInput(["a", "b", "c"], Genes, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], [0, 0, 0]);
        return new ModelScores(model, input, new Dictionary<string, double?[]> { ["pearson_delta"] = pearson });
    }

    [Test]
    public void AModelWithAnUndefinedValueNeverOutranksOneDefinedEverywhere()
    {
        var report = ScoreReport.Create([Scores("nan-model", [0.99, double.NaN, 0.99]), Scores("defined", [0.1, 0.2, 0.3])],
            [Metrics.PearsonDelta], ScoringMode.CellEval, new ScoreReportOptions(BaselineModel: null, BootstrapSamples: 50));
        var nan = report.Summary("nan-model", "pearson_delta");
        Assert.That(nan.Mean, Is.EqualTo(0.99).Within(1e-12), "the mean leaves the NaN out instead of becoming NaN");
        Assert.That((nan.Count, nan.Undefined, nan.Total), Is.EqualTo((2, 1, 3)));
        Assert.That(ScoreReport.FormatWithInterval(nan), Does.EndWith("(2/3)"), "the report says how many perturbations the mean covers");
        Assert.That(report.Rankings[0].Ranks["pearson_delta"], Is.EqualTo(1));
        Assert.That(report.Rankings.Single(r => r.Model == "defined").Ranks["pearson_delta"], Is.EqualTo(1));
        Assert.That(report.Rankings.Single(r => r.Model == "nan-model").Ranks["pearson_delta"], Is.EqualTo(2));
        Assert.That(report.ToJson(), Does.Contain("\"undefined\": 1"));
    }

    [Test]
    public void TheUnclippedVccScoreShowsHowMuchWorseThanTheBaselineAModelIs()
    {
        var report = ScoreReport.Create([Scores("worse", [0.1, 0.1, 0.1]), Scores("cell-mean", [0.5, 0.5, 0.5])],
            [Metrics.PearsonDelta], ScoringMode.CellEval, new ScoreReportOptions(BootstrapSamples: 0));
        var worse = report.Rankings.Single(r => r.Model == "worse");
        Assert.That(worse.OverallScore, Is.Zero, "the VCC clips at 0");
        Assert.That(worse.OverallScoreUnclipped, Is.EqualTo((0.1 - 0.5) / (1 - 0.5)).Within(1e-12));
        Assert.That(report.ToMarkdown(), Does.Contain("-0.8000"));
    }

    [Test]
    public void OverlapAtAnyKGetsItsDifferentialExpressionBecauseItDeclaresTheNeed()
    {
        Assert.That(Metrics.OverlapAt(7).Needs.HasFlag(MetricNeeds.DifferentialExpression));
        Assert.That(Metrics.ByName("overlap_at_7").Name, Is.EqualTo("overlap_at_7"));
        var rows = Enumerable.Range(0, 12).ToArray();
        var labels = rows.Select(i => i < 4 ? "control" : i < 8 ? "A" : "B").ToArray();
        var x = new DenseCellMatrix(12, 3, rows.SelectMany(i => new[] { (float)(i % 3), labels[i] == "A" ? 2f + i % 2 : 0.5f, 1f + i % 4 }).ToArray());
        var data = new CellDataset(x, new AnnotationTable("obs", rows.Select(i => $"c{i}").ToArray(), [CategoricalColumn.FromLabels("perturbation", labels)]),
            new AnnotationTable("var", Genes));
        var builder = new ScoringInputBuilder(data, "perturbation", "control", ScoringMode.CellEval);
        var input = builder.Build(data, [Metrics.OverlapAt(7)]);
        Assert.That(input.RealDifferentialExpression, Is.Not.Null);
        Assert.That(Metrics.OverlapAt(7).Compute(input, ScoringMode.CellEval), Has.Length.EqualTo(2));
    }

    [Test]
    public void ABaselinesFallbackIsListedInTheReportsNotes()
    {
        // Targets renamed so that none is a measured gene: linear has no embedding for them and falls back to the mean change.
        var data = Sdk.IO.H5ad.H5adFile.Read(ScoringTestSupport.PapalexiPath);
        var labels = PerturbationTrainingSet.CellLabels(data, "perturbation").Select(l => l == "control" ? l : "not-" + l).ToArray();
        data = data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", labels)));
        var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout);
        var split = PerturbationSplits.UnseenPerturbations(data, schema, testFraction: 0.2, seed: 0);

        var report = Benchmark.On(data, schema, split).Models(Baselines.Linear()).Metrics([Metrics.Mae])
            .Options(new ScoreReportOptions(BootstrapSamples: 0)).Run();

        Assert.That(report.Notes, Has.One.StartsWith("linear: target(s) ").And.Contains("are not measured genes").And.Contains(split.Test[0]));
    }
}
