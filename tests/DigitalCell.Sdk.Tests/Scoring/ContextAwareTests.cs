using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Statistics;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>
/// Norman/PerturBench pools K562 (CRISPRa) with three glioblastoma lines (CRISPRi), 100 controls each: a
/// perturbation's effect must be measured against the controls of its own line.
/// </summary>
public class ContextAwareTests
{
    private static readonly Lazy<CellDataset> Norman = new(() => CellDataset.Read(SharedData.File("norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")));

    private static readonly PerturbationSchema Schema = new("perturbation", ["control"], PerturbationMode.Other, ContextColumn: "cell_type");

    /// <summary>Mean of X over the cells of <paramref name="label"/> in <paramref name="context"/>, in double precision.</summary>
    private static double[] Mean(CellDataset data, string label, string context)
    {
        var labels = PerturbationTrainingSet.CellLabels(data, "perturbation");
        var contexts = PerturbationTrainingSet.CellLabels(data, "cell_type");
        var rows = Enumerable.Range(0, data.CellCount).Where(i => labels[i] == label && contexts[i] == context).ToArray();
        var sum = new double[data.GeneCount];
        var row = new float[data.GeneCount];
        foreach (int r in rows) { data.X.CopyRow(r, row); for (int g = 0; g < sum.Length; g++) sum[g] += row[g]; }
        return sum.Select(v => v / rows.Length).ToArray();
    }

    [Test]
    public void AGlioblastomaPerturbationsDeltaIsMeasuredAgainstItsOwnLinesControlsOnly()
    {
        var data = Norman.Value;
        var builder = new ScoringInputBuilder(data, "perturbation", "control", ScoringMode.CellEval, "cell_type");
        var input = builder.Build(data, [Metrics.PearsonDelta]);
        int unit = input.Units.Select((u, i) => (u, i)).Single(x => x.u == new ScoringUnit("MAPK1", "U87MG")).i;
        var expected = Mean(data, "MAPK1", "U87MG").Zip(Mean(data, "control", "U87MG"), (a, b) => a - b).ToArray();
        Assert.That(input.RealDelta(unit), Is.EqualTo(expected).Within(1e-5));
        var pooled = Mean(data, "MAPK1", "U87MG").Zip(PooledControl(data), (a, b) => a - b).ToArray();
        Assert.That(input.RealDelta(unit), Is.Not.EqualTo(pooled).Within(1e-3), "K562 controls must not enter a U87MG delta");
        Assert.That(input.Units.Where(u => u.Perturbation == "MAPK1").Select(u => u.Context), Is.EquivalentTo(LinesOf(data, "MAPK1")),
            "MAPK1 is scored once in each line it was measured in");
    }

    [Test]
    public void DifferentialExpressionByContextTestsAGlioblastomaPerturbationAgainstItsOwnLinesControls()
    {
        var data = Norman.Value;
        var lines = PerturbationTrainingSet.CellLabels(data, "cell_type");
        var labels = PerturbationTrainingSet.CellLabels(data, "perturbation");
        var genes = Enumerable.Range(0, 50).ToArray(); // a slice keeps the test quick; the per-gene tests are independent
        var slice = data.SelectGenes(genes);
        var options = new DifferentialExpressionOptions { Groups = ["MAPK1"] };

        var perContext = slice.DifferentialExpressionByContext("perturbation", "control", "cell_type", options);

        Assert.That(perContext.Select(c => c.Context), Is.EquivalentTo(LinesOf(data, "MAPK1")), "only the lines where MAPK1 was measured");
        var u87 = perContext.Single(c => c.Context == "U87MG").Result;
        var alone = slice.SelectCells(Enumerable.Range(0, data.CellCount).Where(i => lines[i] == "U87MG").ToArray())
            .DifferentialExpression("perturbation", "control", options);
        Assert.That(u87.ReferenceCellCount, Is.EqualTo(alone.ReferenceCellCount).And.LessThan(slice.CellCount));
        Assert.That(u87.For("MAPK1").PValue, Is.EqualTo(alone.For("MAPK1").PValue), "the same test as on U87MG's cells alone");
        Assert.That(u87.For("MAPK1").Log2FoldChange, Is.EqualTo(alone.For("MAPK1").Log2FoldChange));

        var withoutControls = slice.SelectCells(Enumerable.Range(0, data.CellCount)
            .Where(i => lines[i] != "U87MG" || labels[i] != "control").ToArray());
        Assert.That(() => withoutControls.DifferentialExpressionByContext("perturbation", "control", "cell_type", options),
            Throws.InstanceOf<DigitalCellException>().With.Message.EqualTo("Context 'U87MG' (obs column 'cell_type') has no 'control' cells to test its groups against."));
    }

    [Test]
    public void ABaselineLearnsEachContextsChangeFromThatContextsControls()
    {
        var data = Norman.Value;
        var train = new PerturbationTrainingSet(data, Schema, ["MAPK1"]);
        var model = Baselines.CellMean();
        model.Fit(train);
        var lines = LinesOf(data, "MAPK1");
        Assert.That(lines, Does.Contain("U87MG").And.Contain("k562"));
        var expected = new double[data.GeneCount];
        foreach (var line in lines)
        {
            var delta = Mean(data, "MAPK1", line).Zip(Mean(data, "control", line), (a, b) => a - b).ToArray();
            for (int g = 0; g < expected.Length; g++) expected[g] += delta[g] / lines.Length;
        }
        var controls = PerturbationTrainingSet.CellLabels(data, "cell_type").Select((c, i) => (c, i))
            .Where(x => x.c == "U87MG" && PerturbationTrainingSet.CellLabels(data, "perturbation")[x.i] == "control").Select(x => x.i).ToArray();
        var prediction = model.Predict([Perturbation.Parse("MAPK1", Schema)], new PredictionContext("U87MG", ControlCells: data.X.SelectRows(controls)));
        var controlMean = Mean(data, "control", "U87MG");
        var predictedDelta = prediction.Means.Row(0).ToArray().Select((v, g) => v - controlMean[g]).ToArray();
        Assert.That(predictedDelta, Is.EqualTo(expected).Within(1e-4));
    }

    [Test]
    public void DataWithAContextColumnButNoContextGivenGetsAOneLineWarning()
    {
        var warning = ContextColumns.Warning(Norman.Value, Schema with { ContextColumn = null });
        Assert.That(warning, Does.StartWith("warning:").And.Contain("cell_type").And.Not.Contain("\n"));
        Assert.That(ContextColumns.Warning(Norman.Value, Schema), Is.Null);
    }

    [Test]
    public void ASubsetKeepsOnlyTheNamedValuesAndDescribesItself()
    {
        var subset = CellSubset.Parse("cell_type=U87MG,A172");
        var kept = subset.Apply(Norman.Value);
        Assert.That(PerturbationTrainingSet.CellLabels(kept, "cell_type").Distinct().Order(), Is.EqualTo(new[] { "A172", "U87MG" }));
        Assert.That(subset.Describe(kept.CellCount, Norman.Value.CellCount), Does.StartWith("Subset: cell_type=U87MG,A172 ("));
        Assert.Throws<DigitalCellException>(() => CellSubset.Parse("cell_type"));
    }

    private static string[] LinesOf(CellDataset data, string label)
    {
        var labels = PerturbationTrainingSet.CellLabels(data, "perturbation");
        return PerturbationTrainingSet.CellLabels(data, "cell_type").Where((c, i) => labels[i] == label).Distinct().ToArray();
    }

    private static double[] PooledControl(CellDataset data)
    {
        var lines = PerturbationTrainingSet.CellLabels(data, "cell_type").Distinct().ToArray();
        var labels = PerturbationTrainingSet.CellLabels(data, "perturbation");
        var contexts = PerturbationTrainingSet.CellLabels(data, "cell_type");
        var means = lines.Select(l => (Mean: Mean(data, "control", l), Cells: Enumerable.Range(0, data.CellCount).Count(i => labels[i] == "control" && contexts[i] == l))).ToArray();
        int total = means.Sum(m => m.Cells);
        return Enumerable.Range(0, data.GeneCount).Select(g => means.Sum(m => m.Mean[g] * m.Cells / total)).ToArray();
    }
}
