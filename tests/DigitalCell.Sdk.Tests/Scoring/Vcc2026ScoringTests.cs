using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;
using static DigitalCell.Sdk.Tests.Scoring.ScoringTestSupport;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>
/// The VCC 2026 suite against peers/vcc2026_ref.py, an independent numpy/scipy implementation of cell-eval2's brief:
/// every per-unit value, the expression-error ratio, the baseline and split-half replicate anchors of each context, and
/// the scaled scores, on two synthetic count contexts (one with a combination perturbation).
/// </summary>
public class Vcc2026ScoringTests
{
    private static readonly string Peer = Path.Combine(RepoPaths.Root, "tests", "DigitalCell.Sdk.Tests", "peers", "vcc2026_ref.py");
    private const int Genes = 40;
    private static readonly string[] Contexts = ["GBM", "K562"];
    private static readonly string[] Perturbations = ["G1", "G2", "G3", "G4", "G5", "G6", "G7+G8"];

    /// <summary>Poisson counts with gene-specific rates, per-cell depth and per-perturbation effects (target knocked down, a few genes moved).</summary>
    private static CellDataset Synthetic(int seed, double effectScale)
    {
        var random = new Random(seed);
        var baseRate = Enumerable.Range(0, Genes).Select(_ => Math.Exp(random.NextDouble() * 4 - 1)).ToArray();
        var rows = new List<float[]>();
        var labels = new List<string>();
        var contexts = new List<string>();
        foreach (var context in Contexts)
        {
            var contextShift = Enumerable.Range(0, Genes).Select(_ => Math.Exp(random.NextDouble() * 0.6 - 0.3)).ToArray();
            foreach (var label in Perturbations.Append("non-targeting"))
            {
                var effect = Enumerable.Repeat(1.0, Genes).ToArray();
                if (label != "non-targeting")
                {
                    foreach (var t in label.Split('+')) effect[int.Parse(t[1..], CultureInfo.InvariantCulture)] = 0.1;
                    for (int k = 0; k < 6; k++) effect[random.Next(Genes)] *= Math.Exp(effectScale * (random.NextDouble() * 2 - 1));
                }
                int cells = label == "non-targeting" ? 60 : 24 + random.Next(10);
                for (int c = 0; c < cells; c++)
                {
                    double depth = Math.Exp(random.NextDouble() - 0.5);
                    rows.Add(Enumerable.Range(0, Genes).Select(g => (float)Math.Log(1 + Poisson(random, baseRate[g] * contextShift[g] * effect[g] * depth))).ToArray());
                    labels.Add(label);
                    contexts.Add(context);
                }
            }
        }
        var values = rows.SelectMany(r => r).ToArray();
        var obs = new AnnotationTable("obs", Enumerable.Range(0, rows.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
            [CategoricalColumn.FromLabels("target_gene", labels), CategoricalColumn.FromLabels("cell_line", contexts)]);
        return new CellDataset(new DenseCellMatrix(rows.Count, Genes, values), obs,
            new AnnotationTable("var", Enumerable.Range(0, Genes).Select(g => $"G{g}").ToArray()));
    }

    private static int Poisson(Random random, double rate)
    {
        double limit = Math.Exp(-rate), product = random.NextDouble();
        int k = 0;
        while (product > limit) { k++; product *= random.NextDouble(); }
        return k;
    }

    [Test]
    public void EveryMetricAnchorAndScaledScoreMatchesTheNumpyReference()
    {
        var real = Synthetic(1, 1.5);
        var predicted = Synthetic(2, 1.0); // same design, other draws and weaker effects
        var builder = new ScoringInputBuilder(real, "target_gene", "non-targeting", ScoringMode.Vcc2026, "cell_line");
        var input = builder.Build(predicted, Vcc2026Metrics.All);
        var scores = Scorer.Score("model", input, Vcc2026Metrics.All, ScoringMode.Vcc2026);
        var report = ScoreReport.Create([scores], Vcc2026Metrics.All, ScoringMode.Vcc2026, new ScoreReportOptions(BaselineModel: null, BootstrapSamples: 0));

        var reference = RunReference(input).AsArray();
        Assert.That(reference.Count, Is.EqualTo(Contexts.Length));
        var rows = Enumerable.Range(0, input.Units.Count).ToArray();
        foreach (var (context, c) in Contexts.Select((x, i) => (x, i)))
        {
            var expected = reference[c]!.AsObject();
            var mine = rows.Where(i => input.Units[i].Context == context).ToArray();
            foreach (var metric in Vcc2026Metrics.All.Where(m => m.IsPerPerturbation))
                AssertClose($"{context} {metric.Name}", mine.Select(i => scores.Values[metric.Name][i]).ToArray(), expected["user"]![metric.Name]!.AsArray(), 1e-9);
            foreach (var metric in Vcc2026Metrics.All)
            {
                var anchor = input.Vcc2026Reference!.Anchor(context, metric.Name);
                Assert.That(anchor.Baseline, Is.EqualTo(Value(expected["anchors"]![metric.Name]!["b"])).Within(1e-9), $"{context} {metric.Name} baseline");
                Assert.That(anchor.Replicate, Is.EqualTo(Value(expected["anchors"]![metric.Name]!["r"])).Within(1e-9), $"{context} {metric.Name} replicate");
            }
        }
        var n = reference.SelectMany(x => x!["user"]!["N"]!.AsArray()).Sum(v => Value(v)!.Value);
        var d = reference.SelectMany(x => x!["user"]!["D"]!.AsArray()).Sum(v => Value(v)!.Value);
        Assert.That(scores.Values["expr_mse_unbiased_capped_norm"].Single(), Is.EqualTo(n / d).Within(1e-9), "ΣN/ΣD over both contexts");
        foreach (var metric in Vcc2026Metrics.All)
        {
            // The reported scaled score is the mean over contexts of (u − b)/(r − b), unclamped in ScaledUnclipped.
            double expected = reference.Average(x => Value(x!["scaled"]![metric.Name])!.Value);
            Assert.That(report.Summary("model", metric.Name).ScaledUnclipped, Is.EqualTo(expected).Within(1e-9), metric.Name);
        }
        var overall = report.Rankings.Single();
        Assert.That(overall.OverallScoreUnclipped, Is.EqualTo(report.Summaries.Average(s => s.ScaledUnclipped!.Value)).Within(1e-12));
        Assert.That(overall.OverallScore, Is.EqualTo(report.Summaries.Average(s => s.Scaled!.Value)).Within(1e-12));
    }

    [Test]
    public void TheRealDataScoresAtTheReplicateScaleAndTheContextMeanAtZero()
    {
        var real = Synthetic(1, 1.5);
        var builder = new ScoringInputBuilder(real, "target_gene", "non-targeting", ScoringMode.Vcc2026, "cell_line");
        var input = builder.Build(real, Vcc2026Metrics.All);
        var report = ScoreReport.Create([Scorer.Score("real", input, Vcc2026Metrics.All, ScoringMode.Vcc2026)], Vcc2026Metrics.All, ScoringMode.Vcc2026,
            new ScoreReportOptions(BaselineModel: null, BootstrapSamples: 0));
        foreach (var anchor in input.Vcc2026Reference!.Anchors)
            TestContext.Out.WriteLine($"{anchor.Context} {anchor.Metric}: b = {anchor.Baseline:F4}, r = {anchor.Replicate:F4} ± {anchor.ReplicateStandardDeviation:F4}");
        // An exact reproduction is better than a half-sized replicate on every DE and discrimination metric (brief §8:
        // scaled 1.0–2.9). Its expression error is the sampling corrections alone, negative; the replicate's ratio is
        // too noisy on 40 genes to anchor it (±0.9 and ±3.7 over the splits here, ±1–2 % on the competition's panels).
        foreach (var s in report.Summaries.Where(s => s.Metric != "expr_mse_unbiased_capped_norm"))
            Assert.That(s.ScaledUnclipped, Is.GreaterThan(0.9), s.Metric);
        Assert.That(report.Summary("real", "expr_mse_unbiased_capped_norm").Mean, Is.LessThan(0));
        // The context-mean baseline carries no discriminating information: PDS exactly 0.5 (brief §8).
        Assert.That(input.Vcc2026Reference.Anchors.Where(a => a.Metric == "pds_cosine").Select(a => a.Baseline), Is.All.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void ScalingIsUnclippedExceptForTheBriefsMemberClamps()
    {
        var anchor = new Vcc2026Anchor("GBM", "pds_cosine", Baseline: 0.5, Replicate: 0.9, ReplicateStandardDeviation: 0, Perturbations: 10);
        Assert.That(Vcc2026Reference.Scale("pds_cosine", 0.3, anchor, clamp: true), Is.EqualTo(-0.5).Within(1e-12));
        Assert.That(Vcc2026Reference.Scale("pds_cosine", 1.0, anchor, clamp: true), Is.EqualTo(1.25).Within(1e-12));
        var mse = anchor with { Metric = "expr_mse_unbiased_capped_norm", Baseline = 1.0, Replicate = 0.04 };
        Assert.That(Vcc2026Reference.Scale(mse.Metric, 1.5, mse, clamp: false), Is.EqualTo(-0.5 / 0.96 * 1).Within(1e-12));
        Assert.That(Vcc2026Reference.Scale(mse.Metric, 1.5, mse, clamp: true), Is.EqualTo(0));
        Assert.That(Vcc2026Reference.Scale(mse.Metric, 0.0, mse, clamp: true), Is.EqualTo(1));
        var nmae = anchor with { Metric = "de_wilcoxon_lfc_nmae", Baseline = 1.0, Replicate = 0.4 };
        Assert.That(Vcc2026Reference.Scale(nmae.Metric, 6.0, nmae, clamp: false), Is.EqualTo(-5.0 / 0.6).Within(1e-12));
        Assert.That(Vcc2026Reference.Scale(nmae.Metric, 6.0, nmae, clamp: true), Is.EqualTo(-6));
    }

    /// <summary>Writes the units' cells (log1p floats), the predictions and the replicate halves, and runs the reference.</summary>
    private static JsonNode RunReference(ScoringInput input)
    {
        var json = new StringBuilder("{\"genes\":").Append(Strings(input.Genes)).Append(",\"contexts\":[");
        static string Cells(CellMatrix m) => Array(Enumerable.Range(0, m.RowCount).Select(r =>
        {
            var row = new float[m.ColumnCount];
            m.CopyRow(r, row);
            return row.Select(v => (double)v);
        }));
        static string Half((int[] A, int[] B) h) => $"{{\"a\":[{string.Join(",", h.A)}],\"b\":[{string.Join(",", h.B)}]}}";
        foreach (var (context, c) in Contexts.Select((x, i) => (x, i)))
        {
            var rows = Enumerable.Range(0, input.Units.Count).Where(i => input.Units[i].Context == context).ToArray();
            var control = input.RealCells!.Controls[rows[0]];
            json.Append(c > 0 ? "," : "").Append($"{{\"name\":\"{context}\",\"units\":").Append(Strings(rows.Select(i => input.Units[i].Perturbation)))
                .Append(",\"real\":[").Append(string.Join(",", rows.Select(i => Cells(input.RealCells.Perturbations[i])))).Append(']')
                .Append(",\"control\":").Append(Cells(control))
                .Append(",\"pred\":[").Append(string.Join(",", rows.Select(i => Cells(input.PredictedCells!.Perturbations[i])))).Append(']')
                .Append(",\"halves\":[").Append(string.Join(",", Enumerable.Range(0, Vcc2026Reference.Splits).Select(s =>
                    "[" + string.Join(",", rows.Select(i => Half(Vcc2026Reference.HalfRows(input.RealCells.Perturbations[i].RowCount, s, context, input.Units[i].Perturbation)))
                        .Append(Half(Vcc2026Reference.HalfRows(control.RowCount, s, context, Vcc2026Reference.ControlKey)))) + "]"))).Append("]}");
        }
        json.Append("]}");
        string dir = RepoPaths.NewTempDirectory();
        try
        {
            string inPath = Path.Combine(dir, "in.json"), outPath = Path.Combine(dir, "out.json");
            File.WriteAllText(inPath, json.ToString());
            PythonPeer.Run("import runpy; runpy.run_path(" + System.Text.Json.JsonSerializer.Serialize(Peer) + ", run_name='__main__')", inPath, outPath);
            return JsonNode.Parse(File.ReadAllText(outPath))!;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
