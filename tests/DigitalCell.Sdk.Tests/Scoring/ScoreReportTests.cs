using System.Text.Json.Nodes;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Tests.Scoring;

public class ScoreReportTests
{
    private static ScoreReport Report(out ScoringInput synthetic)
    {
        var input = synthetic = MetricTests.Synthetic(seed: 11, perturbations: 6, genes: 30);
        var metrics = new[] { Metrics.Mae, Metrics.PearsonDelta, Metrics.DiscriminationScoreL1 };
        var good = Scorer.Score("model", input, metrics, ScoringMode.CellEval);
        var flat = new ScoringInput(input.Perturbations, input.Genes, input.RealMeans,
            input.Perturbations.Select(_ => input.RealMeans.Aggregate(new double[input.Genes.Count], (a, r) => a.Select((v, g) => v + r[g] / input.Perturbations.Count).ToArray())).ToArray(),
            input.RealControls[0], input.PredictedControls[0]);
        var baseline = Scorer.Score("cell-mean", flat, metrics, ScoringMode.CellEval);
        var split = new PerturbationSplit("gears-simulation", 1, ["T"], [], input.Perturbations, ["ctrl"])
        {
            TestGroups = new Dictionary<string, IReadOnlyList<string>> { ["unseen_single"] = input.Perturbations.Take(2).ToArray(), ["combo_seen1"] = input.Perturbations.Skip(2).ToArray() },
        };
        return ScoreReport.Create([good, baseline], metrics, ScoringMode.CellEval, new ScoreReportOptions(BootstrapSamples: 200, Seed: 3))
            .WithProvenance(split, "synthetic", ["note"]);
    }

    [Test]
    public void SummariesAreMeansOverPerturbationsWithTheMeanInsideTheBootstrapInterval()
    {
        var report = Report(out var input);
        var mae = Metrics.Mae.Compute(input, ScoringMode.CellEval);
        var s = report.Summary("model", "mae");
        Assert.That(s.Mean, Is.EqualTo(mae.Average()).Within(1e-12));
        Assert.That(s.Count, Is.EqualTo(6));
        Assert.That(s.CiLow!.Value, Is.LessThanOrEqualTo(s.Mean!.Value));
        Assert.That(s.CiHigh!.Value, Is.GreaterThanOrEqualTo(s.Mean!.Value));
    }

    [Test]
    public void AMetricsIntervalDependsOnTheSeedAloneNotOnTheOtherMetricsChosen()
    {
        var input = MetricTests.Synthetic(seed: 11, perturbations: 6, genes: 30);
        var options = new ScoreReportOptions(BaselineModel: null, BootstrapSamples: 200, Seed: 3);
        (double?, double?) Interval(params Metric[] metrics)
        {
            var s = ScoreReport.Create([Scorer.Score("model", input, metrics, ScoringMode.CellEval)], metrics, ScoringMode.CellEval, options).Summary("model", "pearson_delta");
            return (s.CiLow, s.CiHigh);
        }

        Assert.That(Interval(Metrics.Mae, Metrics.PearsonDelta), Is.EqualTo(Interval(Metrics.PearsonDelta)), "seeded by (seed, metric name), not its position");
    }

    [Test]
    public void OverallScoreScalesAgainstTheBaselineAndRanksModels()
    {
        var report = Report(out _);
        Assert.That(report.Rankings.Single(r => r.Model == "cell-mean").OverallScore, Is.Zero, "the baseline scores 0 against itself");
        var model = report.Rankings.Single(r => r.Model == "model");
        double expected = new[] { "mae", "pearson_delta", "discrimination_score_l1" }
            .Select(m => OverallScore.Scaled(report.Summary("model", m).Mean!.Value, report.Summary("cell-mean", m).Mean!.Value, report.Metrics.First(x => x.Name == m).Best)).Average();
        Assert.That(model.OverallScore, Is.EqualTo(expected).Within(1e-12));
        Assert.That(report.Rankings[0].Model, Is.EqualTo("model"));
    }

    [Test]
    public void GroupMeansAverageEachTestGroup()
    {
        var report = Report(out var input);
        var mae = Metrics.Mae.Compute(input, ScoringMode.CellEval);
        var groups = report.GroupMeans();
        Assert.That(groups["unseen_single"]["model"]["mae"], Is.EqualTo((mae[0]!.Value + mae[1]!.Value) / 2).Within(1e-12));
        Assert.That(report.ToMarkdown(), Does.Contain("By test group").And.Contain("combo_seen1"));
        var json = JsonNode.Parse(report.ToJson())!;
        Assert.That(json["group_means"]!["combo_seen1"]!["model"]!["mae"]!.GetValue<double>(), Is.EqualTo(mae.Skip(2).Average(v => v!.Value)).Within(1e-12));
        Assert.That(json["split"]!["test_groups"]!["unseen_single"]!.AsArray(), Has.Count.EqualTo(2));
    }
}
