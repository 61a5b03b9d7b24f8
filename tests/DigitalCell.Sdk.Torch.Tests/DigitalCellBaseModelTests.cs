using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Sdk.Torch.Tests;

public class DigitalCellBaseModelTests
{
    internal static readonly BaseModelConfig Micro = new("micro", 32, 2, 4, 64, 8);

    internal static BaseModelOptions Quick(IReadOnlyList<BaseModelSource> sources, long seed = 3) => new()
    {
        Config = Micro, Sources = sources, UseGenePriors = false, MaskedSteps = 5, JointSteps = 10, FineTuneSteps = 10,
        SetsPerBatch = 4, WarmupSteps = 5, Seed = seed, Device = DevicePreference.Cpu, PredictionCells = 64, Threads = 1,
    };

    /// <summary>
    /// Synthetic log-expression: controls ~ U(0, 1) per gene plus a per-context offset; each perturbation adds +1.5 to the
    /// gene it names when that gene is measured (CRISPRa-like) and −0.5 to the next gene.
    /// </summary>
    internal static CellDataset Cells(string[] genes, string[] perturbations, string[] contexts, int cellsPerGroup, int seed)
    {
        var random = new Random(seed);
        var labels = new List<string>(); var types = new List<string>(); var values = new List<float>();
        foreach (var context in contexts)
            foreach (var label in perturbations.Prepend("control"))
                for (int c = 0; c < cellsPerGroup; c++)
                {
                    labels.Add(label); types.Add(context);
                    for (int g = 0; g < genes.Length; g++)
                    {
                        double v = random.NextDouble() + Array.IndexOf(contexts, context) * 0.3;
                        foreach (var target in label.Split('+'))
                        {
                            int t = Array.IndexOf(genes, target);
                            if (t == g) v += 1.5;
                            if (t >= 0 && g == (t + 1) % genes.Length) v -= 0.5;
                        }
                        values.Add((float)v);
                    }
                }
        var data = CellDataset.FromMatrix(new DenseCellMatrix(labels.Count, genes.Length, [.. values]), null, genes);
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", [.. labels])).With(CategoricalColumn.FromLabels("cell_type", [.. types])));
    }

    internal static readonly PerturbationSchema Schema = new("perturbation", ["control"], PerturbationMode.CRISPRa, "+", "cell_type");

    private static readonly string[] PanelA = ["STAT1", "IRF1", "JAK2", "IFNGR1", "CD274", "GAPDH", "MYC", "KLF1", "CEBPA", "SPI1", "GATA1", "TAL1"];
    private static readonly string[] PanelB = ["STAT1", "IRF1", "JAK2", "CD274", "GAPDH", "MYC", "NFKB1", "RELA", "TNF", "IL6"];

    internal static BaseModelSource SourceA() =>
        new("screen-a", Cells(PanelA, ["KLF1", "CEBPA", "SPI1", "KLF1+CEBPA", "GATA1"], ["K562", "HEL"], 24, 1), Schema);

    internal static PerturbationTrainingSet TrainingB(string id = "screen-b") =>
        new(Cells(PanelB, ["STAT1", "IRF1", "JAK2", "MYC", "NFKB1"], ["THP-1"], 24, 2).WithSource(id), Schema, ["STAT1", "IRF1", "MYC", "NFKB1"], dataId: id);

    [Test]
    public void TrainsAcrossDataSetsWithDifferentPanelsAndPredictsTheTrainingPanel()
    {
        using var model = new DigitalCellBaseModel(Quick([SourceA()]));
        model.Fit(TrainingB());
        Assert.That(model.Vocabulary, Is.SupersetOf(PanelA).And.SupersetOf(PanelB), "one vocabulary over both panels");
        Assert.That(model.Genes, Is.EqualTo(PanelB));
        Assert.That(model.TrainingLosses.Select(l => l.Phase).Distinct(), Is.EqualTo(new[] { "masked", "joint", "fine-tune" }));
        Assert.That(model.TrainingLosses.All(l => double.IsFinite(l.Loss)));
        // JAK2 was held out: an unseen single knockout still gets a prediction (its token is in the vocabulary).
        var prediction = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "JAK2"), Perturbation.Control()], new PredictionContext("THP-1"));
        Assert.That(prediction.Means.RowCount, Is.EqualTo(2));
        Assert.That(prediction.Means.ColumnCount, Is.EqualTo(PanelB.Length));
        Assert.That(prediction.Notes.Single(n => n.StartsWith("pretrained", StringComparison.Ordinal)), Does.Contain("screen-a"));
        Assert.That(model.Card.TrainingInputs.Select(i => i.Id), Is.EqualTo(new[] { "screen-a", "screen-b" }));
    }

    [Test]
    public void FineTuningLearnsTheMeasuredShift()
    {
        using var model = new DigitalCellBaseModel(Quick([SourceA()]) with { FineTuneSteps = 60, LearningRate = 1e-2 });
        model.Fit(TrainingB());
        var fineTune = model.TrainingLosses.Where(l => l.Phase == "fine-tune").Select(l => l.Loss).ToArray();
        Assert.That(fineTune.TakeLast(15).Average(), Is.LessThan(fineTune.Take(15).Average()));
        var stat1 = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "STAT1"), Perturbation.Control()], new PredictionContext("THP-1"));
        int g = Array.IndexOf(PanelB, "STAT1");
        Assert.That(stat1.Means.Row(0)[g] - stat1.Means.Row(1)[g], Is.GreaterThan(0.2f), "STAT1 activation raises STAT1 (+1.5 measured; 60 steps learn part of it)");
    }

    [Test]
    public void LeavesTheBenchmarkedDataSetOutOfPretraining()
    {
        var own = new BaseModelSource("screen-b", TrainingB().Data, Schema, Aliases: ["screen-b-full"]);
        using var model = new DigitalCellBaseModel(Quick([SourceA(), own]));
        model.Fit(TrainingB("screen-b-full"));
        var note = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "STAT1")]).Notes.Single(n => n.StartsWith("pretrained", StringComparison.Ordinal));
        Assert.That(note, Does.Contain("pretrained on screen-a and the training fold of screen-b-full").And.Contain("screen-b left out as a pretraining source"));
        Assert.That(model.Card.TrainingInputs.Select(i => i.Id), Is.EqualTo(new[] { "screen-a", "screen-b-full" }));
    }

    [Test]
    public void SameSeedTrainsTheSameWeightsOnCpu()
    {
        string a = TestData.TempDirectory(), b = TestData.TempDirectory();
        foreach (var dir in new[] { a, b })
        {
            using var model = new DigitalCellBaseModel(Quick([SourceA()]));
            model.Fit(TrainingB());
            model.Save(Path.Combine(dir, "m"));
        }
        var first = SafeTensors.Read(Path.Combine(a, "m", DigitalCellBaseModel.WeightsFile));
        var second = SafeTensors.Read(Path.Combine(b, "m", DigitalCellBaseModel.WeightsFile));
        Assert.That(first.Tensors.Keys, Is.EquivalentTo(second.Tensors.Keys));
        foreach (var (name, tensor) in first.Tensors) Assert.That(second.Tensors[name].ToFloats(), Is.EqualTo(tensor.ToFloats()), name);
    }

    [Test]
    public void SavedModelLoadsAndPredictsTheSame()
    {
        using var model = new DigitalCellBaseModel(Quick([SourceA()]));
        model.Fit(TrainingB());
        var dir = Path.Combine(TestData.TempDirectory(), "model");
        model.Save(dir);
        using var loaded = (DigitalCellBaseModel)PerturbationModels.Load(dir);
        var perturbations = new[] { Perturbation.Genes(PerturbationMode.CRISPRa, "IRF1"), Perturbation.Genes(PerturbationMode.CRISPRa, "STAT1", "MYC") };
        // Same weights (bit for bit, see SameSeedTrainsTheSameWeightsOnCpu); the products may round differently in the last bit.
        Assert.That(loaded.Predict(perturbations).Means.Row(1).ToArray(), Is.EqualTo(model.Predict(perturbations).Means.Row(1).ToArray()).Within(1e-6));
        Assert.That(loaded.Name, Is.EqualTo(model.Name));
        // A label parsed without a mode (as `dcell predict` does) that names a gene is read in the training set's mode.
        var untyped = loaded.Predict([Perturbation.Parse("IRF1", new PerturbationSchema("perturbation", "control"))]);
        Assert.That(untyped.Means.Row(0).ToArray(), Is.EqualTo(loaded.Predict([perturbations[0]]).Means.Row(0).ToArray()));
        Assert.That(untyped.Notes, Has.Some.Contains("read as CRISPRa"));
        Assert.That(loaded.Vocabulary, Is.EqualTo(model.Vocabulary));
        Assert.That(File.ReadAllLines(Path.Combine(dir, DigitalCellBaseModel.VocabularyFile)), Is.EqualTo(model.Vocabulary));
        Assert.That(loaded.Card.Number("parameters"), Is.EqualTo(model.ParameterCount));
        // A folder of model folders is a zoo: the model loads by its id.
        using var fromZoo = (DigitalCellBaseModel)ModelZoo.Load("model", Path.GetDirectoryName(dir));
        Assert.That(fromZoo.Vocabulary, Is.EqualTo(model.Vocabulary));
    }

    [Test]
    public void NoPretrainingTrainsOnTheTrainingSetAlone()
    {
        using var model = new DigitalCellBaseModel(Quick([SourceA()]) with { Pretrain = false });
        model.Fit(TrainingB());
        Assert.That(model.Name, Is.EqualTo("dcell-base-micro-no-pretraining-no-priors"));
        Assert.That(model.Vocabulary, Is.EquivalentTo(PanelB));
        Assert.That(model.TrainingLosses, Has.Count.EqualTo(20), "joint + fine-tune steps, on the training set");
    }

    [Test]
    public void NoSetAttentionAblationIsNamedAndLoadsAsItself()
    {
        using var model = new DigitalCellBaseModel(Quick([SourceA()]) with { SetAttention = false });
        model.Fit(TrainingB());
        Assert.That(model.Name, Is.EqualTo("dcell-base-micro-no-priors-no-set-attention"));
        var dir = Path.Combine(TestData.TempDirectory(), "model");
        model.Save(dir);
        using var loaded = (DigitalCellBaseModel)PerturbationModels.Load(dir);
        Assert.That(loaded.Options.SetAttention, Is.False);
        var irf1 = new[] { Perturbation.Genes(PerturbationMode.CRISPRa, "IRF1") };
        Assert.That(loaded.Predict(irf1).Means.Row(0).ToArray(), Is.EqualTo(model.Predict(irf1).Means.Row(0).ToArray()).Within(1e-6));
        // The command-line spec selects the same ablation.
        using var fromSpec = (DigitalCellBaseModel)NeuralModels.Create("dcell-base-tiny-no-pretraining-no-set-attention");
        Assert.That(fromSpec.Options, Has.Property("SetAttention").False.And.Property("Pretrain").False.And.Property("UseGenePriors").True);
        Assert.That(fromSpec.Name, Is.EqualTo("dcell-base-tiny-no-pretraining-no-set-attention"));
    }

    [Test]
    public void NoPriorsAblationPredictsAGeneOutsideItsVocabularyWithTheUntrainedZeroToken()
    {
        // Unseen knockouts outside every panel (Papalexi's CEBPE, Norman's CUL3) must still be scored by the ablation.
        using var model = new DigitalCellBaseModel(Quick([SourceA()]));
        model.Fit(TrainingB());
        var context = new PredictionContext("THP-1");
        var irf7 = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "IRF7")], context);
        var cebpe = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "CEBPE")], context);
        var stat1 = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "STAT1")], context);
        Assert.That(irf7.Notes, Has.Some.Contains("IRF7 is outside the gene vocabulary and the model uses no gene priors"));
        Assert.That(cebpe.Means.Row(0).ToArray(), Is.EqualTo(irf7.Means.Row(0).ToArray()), "both are the same zero token");
        Assert.That(stat1.Means.Row(0).ToArray(), Is.Not.EqualTo(irf7.Means.Row(0).ToArray()), "a trained gene token differs");
    }

    [Test]
    public void GeneTokensStartFromTheGenePriors()
    {
        var priors = GenePriors.FromDirectory(DigitalCell.Tests.Shared.SharedData.File(GenePriors.CatalogId));
        using var model = new DigitalCellBaseModel(Quick([SourceA()]) with { UseGenePriors = true, Priors = priors, MaskedSteps = 0, JointSteps = 2, FineTuneSteps = 2 });
        model.Fit(TrainingB());
        Assert.That(model.Card.Description, Does.Match(@"gene tokens initialised from the gene-priors vectors \(.*; 1[0-9] of 1[0-9] vocabulary genes have a prior\)"));
        Assert.That(model.Card.Hyperparameters["prior_dimensions"], Is.EqualTo((long)priors.Features().Dimensions).Or.EqualTo(priors.Features().Dimensions));
        // A gene in no data set and no screen still has a token: its prior, projected.
        var prediction = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "IRF7")], new PredictionContext("THP-1"));
        Assert.That(prediction.Notes, Has.Some.Contains("IRF7 is outside the gene vocabulary"));
        Assert.Throws<DigitalCellException>(() => model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "NOT-A-GENE-X")]));
    }
}
