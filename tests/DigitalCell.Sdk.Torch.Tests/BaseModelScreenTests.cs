using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Screens;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Sdk.Torch.Tests;

/// <summary>What a screen of the base model relies on: its target genes, the set-of-n shortcut for a mean start state and stacked forward passes.</summary>
public class BaseModelScreenTests
{
    private static readonly string[] Panel = ["STAT1", "IRF1", "JAK2", "CD274", "GAPDH", "MYC"];

    private static DigitalCellBaseModel Trained(bool priors, int? cellsPerForward = null)
    {
        var random = new Random(5);
        string[] labels = [.. Enumerable.Repeat("control", 40), .. Enumerable.Repeat("STAT1", 20), .. Enumerable.Repeat("MYC", 20)];
        var x = labels.SelectMany(l => Panel.Select(g => (float)(random.NextDouble() + (g == l ? -0.8 : 0)))).ToArray();
        var data = CellDataset.FromMatrix(new DenseCellMatrix(labels.Length, Panel.Length, x), null, Panel);
        data = data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", labels)));
        var options = new BaseModelOptions
        {
            Config = new BaseModelConfig("micro", 32, 2, 4, 64, 8), Pretrain = false, UseGenePriors = priors, JointSteps = 4, FineTuneSteps = 4,
            SetsPerBatch = 2, WarmupSteps = 2, Device = DevicePreference.Cpu, Threads = 1,
            Priors = priors ? GenePriors.FromDirectory(DigitalCell.Tests.Shared.SharedData.File(GenePriors.CatalogId)) : null,
        };
        var model = new DigitalCellBaseModel(cellsPerForward is int cells ? options with { CellsPerForward = cells } : options);
        model.Fit(new PerturbationTrainingSet(data, new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout), ["STAT1", "MYC"]));
        return model;
    }

    [Test]
    public void ControlsThatDivideTheSetSizePredictAsTheirCopiesFillingASet()
    {
        using var model = Trained(priors: false);
        float[] a = [0.1f, 1.2f, 0.5f, 2.0f, 3.1f, 0.0f], b = [0.9f, 0.2f, 1.5f, 0.4f, 2.2f, 1.0f];
        IReadOnlyList<Perturbation> candidates = [Perturbation.Genes(PerturbationMode.Knockout, "STAT1"), Perturbation.Genes(PerturbationMode.Knockout, "JAK2")];
        PerturbationPrediction With(params float[][] cells) =>
            model.Predict(candidates, new PredictionContext(ControlCells: new DenseCellMatrix(cells.Length, Panel.Length, [.. cells.SelectMany(c => c)])));
        // 8 = S controls fill one full set the long way; 1 and 2 controls are predicted as sets of 1 and 2 cells.
        var one = With(a);
        var eightOfOne = With(Enumerable.Repeat(a, 8).ToArray());
        var two = With(a, b);
        var eightOfTwo = With(Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? a : b).ToArray());
        for (int i = 0; i < candidates.Count; i++)
        {
            Assert.That(one.Means.Row(i).ToArray(), Is.EqualTo(eightOfOne.Means.Row(i).ToArray()).Within(1e-5), "one cell = a set of its copies");
            Assert.That(two.Means.Row(i).ToArray(), Is.EqualTo(eightOfTwo.Means.Row(i).ToArray()).Within(1e-5), "two cells = a set of four copies of each");
        }
        Assert.That(one.Means.Row(0).ToArray(), Is.Not.EqualTo(two.Means.Row(0).ToArray()), "the start cells matter");
    }

    [Test]
    public void StackedPredictionsEqualOneAtATime()
    {
        // 100 cells a pass: the 40 kept controls (5 sets of 8) stack two perturbations a pass, with a remainder; one start cell stacks them all.
        using var model = Trained(priors: true, cellsPerForward: 100);
        static Perturbation Knockout(params string[] genes) => Perturbation.Genes(PerturbationMode.Knockout, genes);
        // Vocabulary genes, IRF7 from its gene prior alone (in no data set), a control between them, and combinations of each kind.
        IReadOnlyList<Perturbation> candidates = [Knockout("STAT1"), Knockout("IRF7"), Perturbation.Control(), Knockout("MYC"), Knockout("STAT1", "MYC"),
            Knockout("JAK2", "IRF7"), Knockout("CD274")];
        var startCell = new PredictionContext(ControlCells: new DenseCellMatrix(1, Panel.Length, [0.4f, 1.1f, 0.7f, 2.3f, 3.0f, 0.2f]));
        foreach (var context in new[] { null, startCell })
            AssertStackedEqualsAlone(p => model.Predict(p, context), candidates, context is null ? "kept controls" : "one start cell");
    }

    [Test]
    public void CellsPerForwardBelowOneIsRefusedByName()
    {
        using var model = new DigitalCellBaseModel(new BaseModelOptions { CellsPerForward = 0 });
        Assert.That(() => model.Predict([Perturbation.Genes(PerturbationMode.Knockout, "STAT1")]),
            Throws.TypeOf<DigitalCellException>().With.Message.Contains("CellsPerForward must be ≥ 1, got 0"));
    }

    /// <summary>
    /// Each row of one prediction of all <paramref name="candidates"/> equals the prediction of that candidate alone, to
    /// float32 rounding (1e-5 on log-expression or CLR values of order 1): the passes differ in batch size, not in arithmetic.
    /// </summary>
    internal static void AssertStackedEqualsAlone(Func<IReadOnlyList<Perturbation>, PerturbationPrediction> predict, IReadOnlyList<Perturbation> candidates, string what)
    {
        var stacked = predict(candidates).Means;
        double largest = 0;
        for (int i = 0; i < candidates.Count; i++)
        {
            var alone = predict([candidates[i]]).Means.Row(0).ToArray();
            Assert.That(stacked.Row(i).ToArray(), Is.EqualTo(alone).Within(1e-5), $"{candidates[i].Label}, {what}");
            largest = Math.Max(largest, alone.Zip(stacked.Row(i).ToArray(), (a, b) => Math.Abs(a - b)).Max());
        }
        TestContext.Out.WriteLine($"{what}: largest |stacked − alone| {largest:G2}");
    }

    [Test]
    public void TargetGenesAreTheVocabularyPlusEveryGeneWithANonZeroPrior()
    {
        using var model = Trained(priors: true);
        var table = GenePriors.FromDirectory(DigitalCell.Tests.Shared.SharedData.File(GenePriors.CatalogId)).Features();
        var expected = table.Genes.Where(g => table.Vector(g)!.Any(v => v != 0)).Union(Panel).ToHashSet(StringComparer.Ordinal);
        Assert.That(model.TargetGenes, Is.EquivalentTo(expected));
        Assert.That(model.TargetGenes, Does.Contain("IRF7"), "a gene in no data set is a target through its prior");
        Assert.That(ScreenCandidates.Vocabulary(model), Has.Count.EqualTo(expected.Count), "a screen's 'all'");
    }
}
