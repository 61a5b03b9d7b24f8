using DigitalCell.Sdk.Catalog;
using System.Diagnostics;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>
/// Every perturbation data set of the mirror × every split kind that applies × every scoring mode (cell-eval, vcc2025,
/// and vcc2026 with its six metrics) × every baseline:
/// no run may fail inside, and every value is finite, not applicable (null) or NaN — and each NaN is counted in its
/// summary. The runs that used to end in Math.Sign(NaN) (Papalexi seed 1, Norman gears, Kang contexts) are among them.
/// </summary>
public class EveryDatasetBenchmarkTests
{
    public sealed record Case(string Name, Func<CellDataset> Data, PerturbationSchema Schema, string[] Splits)
    {
        public override string ToString() => Name;
    }

    private static readonly Lazy<CellDataset> Papalexi = new(() => CellDataset.Read(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")));
    private static readonly Lazy<CellDataset> Norman = new(() => CellDataset.Read(SharedData.File("norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")));
    private static readonly Lazy<CellDataset> Kang = new(() => CellDataset.Read(SharedData.File("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad")));

    private static IEnumerable<Case> Cases()
    {
        string[] unseen = ["unseen:0.2#0", "unseen:0.2#1", "unseen:0.2#2", "unseen:0.2#3", "unseen:0.2#4"];
        yield return new Case("papalexi", () => Papalexi.Value, new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout), unseen);
        var normanSchema = new PerturbationSchema("perturbation", ["control"], PerturbationMode.Other, ContextColumn: "cell_type");
        yield return new Case("norman", () => Norman.Value, normanSchema,
            unseen.Concat(new[] { "gears#1", "context:k562#0", "context:A172#0", "context:T98G#0", "context:U87MG#0" }).ToArray());
        // Kang has one perturbation (IFN-β): only whole cell types can be held out.
        yield return new Case("kang", () => Kang.Value, new PerturbationSchema("condition", ["control"], PerturbationMode.Other, ContextColumn: "cell_type"),
            new[] { "CD4T", "FCGR3A+Mono", "CD14+Mono", "B", "NK", "CD8T", "Dendritic" }.Select(c => $"context:{c}#0").ToArray());
    }

    [TestCaseSource(nameof(Cases))]
    public void EverySplitModeAndBaselineScoresWithoutAnInternalError(Case c)
    {
        var data = c.Data();
        var metrics = Metrics.Full.Where(m => !m.Needs.HasFlag(MetricNeeds.Cells)).ToArray(); // E-distance is O(cells²): covered elsewhere
        var clock = Stopwatch.StartNew();
        foreach (var spec in c.Splits)
        {
            var parts = spec.Split('#');
            var split = PerturbationSplits.Parse(parts[0], data, c.Schema, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            foreach (var mode in ScoringMode.All)
            {
                var report = Benchmark.On(data, c.Schema, split)
                    .Models(Baselines.Names.Select(Baselines.Create).ToArray())
                    .Metrics(mode.DefaultMetrics ?? metrics).Mode(mode).Options(new ScoreReportOptions(BootstrapSamples: 20))
                    .Run();
                foreach (var s in report.ModelScores)
                    foreach (var (metric, values) in s.Values)
                    {
                        var summary = report.Summary(s.Model, metric);
                        Assert.That(values.All(v => v is null || double.IsFinite(v.Value) || double.IsNaN(v.Value)), $"{c} {spec} {mode.Name} {s.Model} {metric}");
                        Assert.That(summary.Undefined, Is.EqualTo(values.Count(v => v is double d && double.IsNaN(d))), $"{c} {spec} {mode.Name} {s.Model} {metric}: NaN counted");
                        Assert.That(summary.Count + summary.Undefined + values.Count(v => v is null), Is.EqualTo(summary.Total));
                    }
                if (mode.ScaledByAnchors)
                    foreach (var r in report.Rankings)
                        Assert.That(r.OverallScoreUnclipped, Is.Not.Null, $"{c} {spec} {r.Model}: a VCC 2026 score (finite, or NaN where an anchor is undefined)");
                int undefined = report.Summaries.Sum(x => x.Undefined);
                if (undefined > 0) TestContext.Out.WriteLine($"{c} {spec} {mode.Name}: {undefined} undefined values, counted");
            }
        }
        TestContext.Out.WriteLine($"{c}: {c.Splits.Length} splits × {ScoringMode.All.Count} modes × {Baselines.Names.Count} baselines in {clock.Elapsed.TotalSeconds:F1} s");
    }
}
