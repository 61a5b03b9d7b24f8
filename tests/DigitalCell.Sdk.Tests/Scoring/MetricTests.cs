using System.Text;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Scoring;
using static DigitalCell.Sdk.Tests.Scoring.ScoringTestSupport;

namespace DigitalCell.Sdk.Tests.Scoring;

public class MetricTests
{
    private static readonly double[] Zero3 = [0, 0, 0];

    /// <summary>Genes A, B, C; perturbations A and X; controls at 0. Worked by hand in the comments.</summary>
    private static ScoringInput DiscriminationCase() => new(["A", "X"], ["A", "B", "C"],
        [[-1, 0, 2], [1, 0, 2]], [[5, 0.1, 1.9], [1, 0, 2]], Zero3, Zero3);

    [Test]
    public void DiscriminationScoreExcludesTheTargetGeneAndBreaksTiesInPerturbationOrder()
    {
        // p = A: gene A excluded, pred (0.1, 1.9) is 0.2 from both real A and real X; the tie keeps A first → rank 0 → 1.
        // p = X: signed, pred (1, 0, 2) is 0 from real X and 2 from real A → rank 0 → 1.
        var values = Metrics.DiscriminationScoreL1.Compute(DiscriminationCase(), ScoringMode.CellEval);
        Assert.That(values, Is.EqualTo(new double?[] { 1.0, 1.0 }));
    }

    [Test]
    public void Vcc2025DiscriminationUsesAbsoluteEffects()
    {
        // With |Δ|, real A = (1, 0, 2) equals real X, so for p = X both distances are 0 and A (first) wins → rank 1 → 1 − 1/2.
        var values = Metrics.DiscriminationScoreL1.Compute(DiscriminationCase(), ScoringMode.Vcc2025);
        Assert.That(values, Is.EqualTo(new double?[] { 1.0, 0.5 }));
    }

    private static ScoringInput DeCase()
    {
        var genes = new[] { "g0", "g1", "g2", "g3", "g4", "g5" };
        var flat = new double[6];
        return new ScoringInput(["p", "q"], genes, [flat, flat], [flat, flat], flat, flat)
        {
            RealDifferentialExpression =
            [
                new([1, -3, 5, 2, 0, 0], [0.01, 0.01, 0.2, 0.01, 0.5, 0.9]),
                new([1, 1, 1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
            ],
            PredictedDifferentialExpression =
            [
                new([0.5, -1, 4, 3, 0.1, 0], [0.01, 0.3, 0.01, 0.01, 0.01, 0.9]),
                new([1, 1, 1, 1, 1, 1], [0.01, 0.5, 0.5, 0.5, 0.5, 0.5]),
            ],
        };
    }

    [Test]
    public void DifferentialExpressionScoreMatchesTheHandComputedOverlap()
    {
        // True DE genes by |log2FC|: g1 (3), g3 (2), g0 (1); predicted: g2 (4), g3 (3), g0 (0.5), g4 (0.1).
        // overlap_at_N: k = 3 → {g2, g3, g0} ∩ {g1, g3, g0} = 2 → 2/3. q has no true DE genes → 0.
        var input = DeCase();
        Assert.That(Metrics.OverlapAtN.Compute(input, ScoringMode.CellEval)[0], Is.EqualTo(2.0 / 3).Within(1e-15));
        Assert.That(Metrics.OverlapAtN.Compute(input, ScoringMode.CellEval)[1], Is.EqualTo(0.0));
        // precision_at_N: k = #predicted = 4 → first 4 true {g1, g3, g0} vs {g2, g3, g0, g4} → 2/4.
        Assert.That(Metrics.PrecisionAtN.Compute(input, ScoringMode.CellEval)[0], Is.EqualTo(0.5));
        // overlap_at_1: {g1} vs {g2} → 0.
        Assert.That(Metrics.OverlapAt(1).Compute(input, ScoringMode.CellEval)[0], Is.EqualTo(0.0));
        // Direction: signs of g0, g1, g3 agree → 1; recall: g0 and g3 are predicted significant → 2/3; q has no true DE → null.
        Assert.That(Metrics.DeDirectionMatch.Compute(input, ScoringMode.CellEval), Is.EqualTo(new double?[] { 1.0, null }));
        Assert.That(Metrics.DeSigGenesRecall.Compute(input, ScoringMode.CellEval)[0], Is.EqualTo(2.0 / 3).Within(1e-15));
    }

    [Test]
    public void OverallScoreReproducesAPublishedLeaderboardScore()
    {
        // A participant's 9.4 with DES 0.18, PDS 0.61, MAE 0.036 against the validation baseline 0.106 / 0.514 / 0.027
        // (SCIENCE-NOTES §1.7): (0.074/0.894 + 0.096/0.486 + 0) / 3 = 0.093435.
        var user = new Dictionary<string, double?> { ["overlap_at_N"] = 0.18, ["discrimination_score_l1"] = 0.61, ["mae"] = 0.036 };
        var baseline = new Dictionary<string, double?> { ["overlap_at_N"] = 0.106, ["discrimination_score_l1"] = 0.514, ["mae"] = 0.027 };
        double score = OverallScore.Compute(user, baseline, Metrics.VirtualCellChallenge);
        Assert.That(score, Is.EqualTo((0.074 / 0.894 + 0.096 / 0.486) / 3).Within(1e-12));
        Assert.That(Math.Round(score * 100, 1), Is.EqualTo(9.3).Or.EqualTo(9.4));
    }

    [Test]
    public void ScaledScoreIsClippedAtZeroAndNaNBecomesZero()
    {
        Assert.That(OverallScore.Scaled(0.5, 0.6, MetricBest.One), Is.Zero);
        Assert.That(OverallScore.Scaled(0.04, 0.02, MetricBest.Zero), Is.Zero);
        Assert.That(OverallScore.Scaled(double.NaN, 0.5, MetricBest.One), Is.Zero);
        Assert.That(OverallScore.Scaled(0.01, 0.02, MetricBest.Zero), Is.EqualTo(0.5));
    }

    [Test]
    public void PearsonDeltaOfAConstantPredictionIsNaN()
    {
        var input = new ScoringInput(["p"], ["a", "b", "c"], [[1, 2, 3]], [[0, 0, 0]], Zero3, Zero3);
        Assert.That(double.IsNaN(Metrics.PearsonDelta.Compute(input, ScoringMode.CellEval)[0]!.Value), Is.True);
    }

    [Test]
    public void NaNPredictionsAreRejectedWithTheGeneNamed()
    {
        var ex = Assert.Throws<DigitalCellException>(() => _ = new ScoringInput(["p"], ["a", "b"], [[1, 2]], [[0, double.NaN]], [0, 0], [0, 0]));
        Assert.That(ex!.Message, Does.Contain("'b'").And.Contain("NaN"));
    }

    [Test]
    public void MissingGenesInPredictionsAreRejected()
    {
        var ex = Assert.Throws<DigitalCellException>(() => _ = new ScoringInput(["p"], ["a", "b", "c"], [[1, 2, 3]], [[1, 2]], Zero3, Zero3));
        Assert.That(ex!.Message, Does.Contain("2 genes, expected 3"));
    }

    [Test]
    public void AMetricNeedingDifferentialExpressionSaysSo()
    {
        var input = new ScoringInput(["p"], ["a", "b", "c"], [[1, 2, 3]], [[1, 2, 4]], Zero3, Zero3);
        var ex = Assert.Throws<DigitalCellException>(() => Metrics.OverlapAtN.Compute(input, ScoringMode.CellEval));
        Assert.That(ex!.Message, Does.Contain("overlap_at_N").And.Contain("differential expression"));
    }

    [Test]
    public void APerturbationWithASingleCellIsRejectedByName()
    {
        var x = DenseCellMatrix.From(new float[,] { { 1, 2 }, { 2, 1 }, { 0, 3 }, { 1, 1 }, { 2, 2 } });
        var obs = new AnnotationTable("obs", ["a", "b", "c", "d", "e"], [CategoricalColumn.FromLabels("perturbation", ["ctrl", "ctrl", "KO1", "KO1", "KO2"])]);
        var real = new CellDataset(x, obs, new AnnotationTable("var", ["g1", "g2"]));
        var ex = Assert.Throws<DigitalCellException>(() => _ = new ScoringInputBuilder(real, "perturbation", "ctrl", ScoringMode.CellEval));
        Assert.That(ex!.Message, Does.Contain("single cell").And.Contain("KO2"));
        var noControl = Assert.Throws<DigitalCellException>(() => _ = new ScoringInputBuilder(real, "perturbation", "non-targeting", ScoringMode.CellEval));
        Assert.That(noControl!.Message, Does.Contain("no control cells").And.Contain("non-targeting"));
    }

    [TestCase("cell-eval")]
    [TestCase("vcc2025")]
    public void EveryMetricMatchesTheNumpyScipyReferenceOnSyntheticData(string modeName)
    {
        var mode = ScoringMode.Parse(modeName);
        var input = Synthetic(seed: 7, perturbations: 9, genes: 40);
        var json = new StringBuilder("{");
        json.AppendField("mode", $"\"{mode.Name}\"")
            .AppendField("perts", Strings(input.Perturbations))
            .AppendField("genes", Strings(input.Genes))
            .AppendField("real_means", Array(input.RealMeans))
            .AppendField("pred_means", Array(input.PredictedMeans))
            .AppendField("real_ctrl", Array(input.RealControls[0]))
            .AppendField("pred_ctrl", Array(input.PredictedControls[0]))
            .AppendField("real_lfc", Array(input.RealDifferentialExpression!.Select(t => t.Log2FoldChange)))
            .AppendField("real_fdr", Array(input.RealDifferentialExpression!.Select(t => t.Fdr)))
            .AppendField("pred_lfc", Array(input.PredictedDifferentialExpression!.Select(t => t.Log2FoldChange)))
            .AppendField("pred_fdr", Array(input.PredictedDifferentialExpression!.Select(t => t.Fdr)))
            .AppendField("top_de", "[" + string.Join(",", input.TopDifferentiallyExpressedGenes!.Select(g => "[" + string.Join(",", g) + "]")) + "]")
            .AppendField("perturbed_ref", Array(input.PerturbedReference!))
            .AppendField("real_cells", "[" + string.Join(",", input.RealCells!.Perturbations.Select(m => Array(Rows(m)))) + "]")
            .AppendField("pred_cells", "[" + string.Join(",", input.PredictedCells!.Perturbations.Select(m => Array(Rows(m)))) + "]")
            .AppendField("real_ctrl_cells", Array(Rows(input.RealCells!.Controls[0])))
            .AppendField("pred_ctrl_cells", Array(Rows(input.PredictedCells!.Controls[0])))
            .Append('}');
        var reference = RunPeer("metrics", json.ToString());
        foreach (var metric in Metrics.Full)
        {
            Assert.That(reference.ContainsKey(metric.Name), Is.True, $"reference lacks {metric.Name}");
            AssertClose(metric.Name, metric.Compute(input, mode), reference[metric.Name]!.AsArray());
        }
    }

    private static IEnumerable<double[]> Rows(CellMatrix m) =>
        Enumerable.Range(0, m.RowCount).Select(r => { var row = new float[m.ColumnCount]; m.CopyRow(r, row); return row.Select(v => (double)v).ToArray(); });

    /// <summary>
    /// Random profiles with structure (shared signatures, so ranks are not trivial), gene names that include some
    /// perturbation names (target exclusion), DE tables with ±∞ fold changes, ties and FDRs around 0.05, and cells.
    /// </summary>
    internal static ScoringInput Synthetic(int seed, int perturbations, int genes)
    {
        var random = new Random(seed);
        var perts = Enumerable.Range(0, perturbations).Select(i => $"G{i}").ToArray();
        var geneNames = Enumerable.Range(0, genes).Select(g => g < perturbations / 2 ? $"G{g}" : $"gene{g}").ToArray();
        double[] Vector(double scale) => Enumerable.Range(0, genes).Select(_ => scale * (random.NextDouble() * 2 - 1)).ToArray();
        var control = Vector(1).Select(v => 2 + v).ToArray();
        var signature = Vector(1);
        var real = perts.Select((_, i) => { var own = Vector(0.5); return control.Select((c, g) => c + (i % 3) * 0.3 * signature[g] + own[g]).ToArray(); }).ToArray();
        var pred = real.Select(r => r.Select(v => v + 0.3 * (random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var predControl = control.Select(v => v + 0.05 * (random.NextDouble() * 2 - 1)).ToArray();
        DifferentialExpressionTable Table() => new(
            Enumerable.Range(0, genes).Select(g => random.Next(25) switch { 0 => double.PositiveInfinity, 1 => double.NegativeInfinity, 2 => 1.5, _ => 4 * (random.NextDouble() * 2 - 1) }).ToArray(),
            Enumerable.Range(0, genes).Select(_ => random.Next(3) == 0 ? random.NextDouble() : random.NextDouble() * 0.08).ToArray());
        static ScoringCells WithControl(CellMatrix[] cells, CellMatrix control) => new(cells, cells.Select(_ => control).ToArray());
        CellMatrix Cells(int n, double[] mean) => new DenseCellMatrix(n, genes,
            Enumerable.Range(0, n).SelectMany(_ => mean.Select(m => (float)(m + random.NextDouble() - 0.5))).ToArray());
        return new ScoringInput(perts, geneNames, real, pred, control, predControl)
        {
            RealDifferentialExpression = perts.Select(_ => Table()).ToArray(),
            PredictedDifferentialExpression = perts.Select(_ => Table()).ToArray(),
            TopDifferentiallyExpressedGenes = perts.Select(_ => Enumerable.Range(0, genes).OrderBy(_ => random.Next()).Take(20).ToArray()).ToArray(),
            PerturbedReference = real.Aggregate(new double[genes], (acc, r) => acc.Select((a, g) => a + r[g] / perts.Length).ToArray()),
            RealCells = WithControl(real.Select(r => Cells(5 + random.Next(4), r)).ToArray(), Cells(7, control)),
            PredictedCells = WithControl(pred.Select(r => Cells(4 + random.Next(4), r)).ToArray(), Cells(6, predControl)),
        };
    }
}
