using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO.H5mu;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch.BaseModel;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Tests;

public class BaseModelModalityTests
{
    private static readonly BaseModelConfig Micro = new("micro", 32, 2, 4, 64, 8);

    private static readonly string[] Genes = ["STAT1", "IRF1", "JAK2", "CD274", "GAPDH", "MYC", "NFKB1", "RELA", "CD8A", "CD4"];
    private static readonly string[] Markers = ["CD8", "CD4", "PD-L1 (CD274)", "IgG1"];
    private static readonly PerturbationSchema Schema = new("perturbation", ["control"], PerturbationMode.Knockout, "+", "cell_type");

    /// <summary>
    /// Synthetic CITE-seq screen: RNA ~ U(0, 1) per gene; each marker's protein is 1 + its encoding gene's RNA (IgG1 is
    /// noise); knocking out STAT1 lowers PD-L1 protein by 1 (and its RNA by 0.5), knocking out MYC raises CD8 protein by 1;
    /// IRF1 and NFKB1 knockouts change neither protein.
    /// </summary>
    private static (CellDataset Rna, CellDataset Protein) Screen(string[] perturbations, int cellsPerGroup, int seed)
    {
        var random = new Random(seed);
        var labels = new List<string>(); var rna = new List<float>(); var protein = new List<float>();
        foreach (var label in perturbations.Prepend("control"))
            for (int c = 0; c < cellsPerGroup; c++)
            {
                labels.Add(label);
                var x = Genes.Select(_ => (float)random.NextDouble()).ToArray();
                if (label == "STAT1") x[Array.IndexOf(Genes, "CD274")] -= 0.5f;
                var p = new[] { 1 + x[8], 1 + x[9], 1 + x[3], 0.1f * (float)random.NextDouble() };
                if (label == "STAT1") p[2] -= 1;
                if (label == "MYC") p[0] += 1;
                rna.AddRange(x); protein.AddRange(p);
            }
        var cells = labels.Select((_, i) => $"cell{i}").ToArray();
        var data = CellDataset.FromMatrix(new DenseCellMatrix(labels.Count, Genes.Length, [.. rna]), cells, Genes);
        data = data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", [.. labels]))
            .With(CategoricalColumn.FromLabels("cell_type", labels.Select(_ => (string?)"PBMC").ToArray())));
        return (data.WithSource("cite-screen"), CellDataset.FromMatrix(new DenseCellMatrix(labels.Count, Markers.Length, [.. protein]), cells, Markers));
    }

    private static BaseModelOptions Quick(CellDataset? protein, long seed = 5) => new()
    {
        Config = Micro, Sources = [], UseGenePriors = false, Pretrain = false, JointSteps = 20, FineTuneSteps = 400, LearningRate = 1e-2,
        SetsPerBatch = 4, WarmupSteps = 10, Seed = seed, Device = DevicePreference.Cpu, PredictionCells = 64, Threads = 1, TrainingProtein = protein,
    };

    private static readonly string[] Knockouts = ["STAT1", "MYC", "IRF1", "NFKB1"];

    [Test]
    public void MarkersMapToTheGenesThatEncodeThem()
    {
        string[] vocabulary = ["CD14", "CD1A", "CCR7"];
        Assert.That(ProteinMarkers.EncodingGene("CD8"), Is.EqualTo("CD8A"));
        Assert.That(ProteinMarkers.EncodingGene("CD3_TotalSeqB"), Is.EqualTo("CD3E"));
        Assert.That(ProteinMarkers.EncodingGene("MHCII (HLA-DR)"), Is.EqualTo("HLA-DRA"));
        Assert.That(ProteinMarkers.EncodingGene("IL7Ralpha (CD127)"), Is.EqualTo("IL7R"));
        Assert.That(ProteinMarkers.EncodingGene("B7-H1 (PD-L1)"), Is.EqualTo("CD274"));
        Assert.That(ProteinMarkers.EncodingGene("CD14", vocabulary), Is.EqualTo("CD14"));
        Assert.That(ProteinMarkers.EncodingGene("CD1a", vocabulary), Is.EqualTo("CD1A"), "a bare name matches a vocabulary symbol ignoring case");
        Assert.That(ProteinMarkers.EncodingGene("CD14"), Is.Null, "without a vocabulary a bare name is not assumed to be a gene");
        Assert.That(ProteinMarkers.EncodingGene("IgG1", ["IgG1"]), Is.Null, "isotype controls bind nothing human");
        Assert.That(ProteinMarkers.EncodingGene("CD77"), Is.Null, "CD77 is a glycolipid");
    }

    [Test]
    public void ADataSetWithoutProteinGetsTheSameRnaOutputWhetherOrNotTheNetworkHasProtein()
    {
        var config = Micro with { GeneVocabulary = 12, PriorDimensions = 3, Contexts = 2, Agents = 1 };
        var priors = Enumerable.Range(0, 12 * 3).Select(i => (float)Math.Sin(i)).ToArray();
        using var rnaOnly = BaseNetwork.Create(config, priors, 12, 1, 2, 7, CPU);
        using var withProtein = BaseNetwork.Create(config, priors, 12, 1, 2, 7, CPU);
        Assert.That(withProtein.AddProteinTokens(["CD8", "IgG1", "CD4"], ["A", "CD8A", "B", "CD4"], 7), Is.EqualTo(2), "CD8 → CD8A and CD4 → CD4 start from gene tokens");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.That(withProtein.ProteinTokens(withProtein.Index([0])).data<float>().ToArray(),
            Is.EqualTo(withProtein.GeneTokens(withProtein.Index([1])).data<float>().ToArray()), "CD8's token starts as CD8A's gene token");
        var controls = rand([2, 8, 10], generator: new Generator(11));
        var panel = rnaOnly.Index(Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        Tensor Perturbation(BaseNetwork n) => n.Perturbations(n.GeneTokens(n.Index([3])), [0], [0], [], [], [], 2);
        Tensor Context(BaseNetwork n) => n.Contexts([[0], [1]]);
        var a = rnaOnly.Forward(controls, panel, Perturbation(rnaOnly), Context(rnaOnly), null);
        var b = withProtein.Forward(controls, panel, Perturbation(withProtein), Context(withProtein), null);
        Assert.That(a.Protein, Is.Null);
        Assert.That(b.Protein, Is.Null, "no protein input, no protein output");
        Assert.That(b.Rna.data<float>().ToArray(), Is.EqualTo(a.Rna.data<float>().ToArray()), "masked protein leaves the RNA path untouched, bit for bit");
        // The same cells with protein measured: the protein enters the cell encoding, and a protein prediction comes out.
        var protein = new ProteinInput(rand([2, 8, 3], generator: new Generator(12)).mul(3.0.ToScalar()), withProtein.Index([0, 1, 2]));
        var c = withProtein.Forward(controls, panel, Perturbation(withProtein), Context(withProtein), protein);
        Assert.That(c.Protein!.shape, Is.EqualTo(new long[] { 2, 8, 3 }));
        Assert.That(c.Protein.data<float>().ToArray(), Is.EqualTo(protein.Values.data<float>().ToArray()), "the protein decoder starts at zero: untrained, no protein change");
        // The RNA decoder starts at zero too, so RNA outputs differ only once trained; the encodings differ at once.
        var encodedWith = withProtein.EncodeCells(controls, panel, protein);
        var encodedWithout = withProtein.EncodeCells(controls, panel, null);
        Assert.That(encodedWith.sub(encodedWithout).abs().max().item<float>(), Is.GreaterThan(1e-3f), "protein is an input of the cell encoding");
    }

    [Test]
    public void LearnsTheDirectionOfEachPerturbationsProteinShift()
    {
        var (rna, protein) = Screen(Knockouts, 40, 1);
        var train = new PerturbationTrainingSet(rna, Schema, Knockouts, dataId: "cite-screen");
        using var model = new DigitalCellBaseModel(Quick(protein));
        model.Fit(train);
        Assert.That(model.ProteinPanel, Is.EqualTo(Markers));
        var prediction = model.PredictModalities([Perturbation.Genes(PerturbationMode.Knockout, "STAT1"), Perturbation.Genes(PerturbationMode.Knockout, "MYC"),
            Perturbation.Genes(PerturbationMode.Knockout, "IRF1"), Perturbation.Control()], new PredictionContext("PBMC"));
        var p = prediction.Protein!.Means;
        float Shift(int row, string marker) => p.Row(row)[Array.IndexOf(Markers, marker)] - p.Row(3)[Array.IndexOf(Markers, marker)];
        TestContext.Out.WriteLine(string.Join("; ", new[] { 0, 1, 2 }.Select(r => string.Join(", ", Markers.Select(m => $"{m} {Shift(r, m):+0.00;-0.00}")))));
        Assert.That(Shift(0, "PD-L1 (CD274)"), Is.LessThan(-0.4f), "STAT1 knockout lowers PD-L1 protein (−1 measured)");
        Assert.That(Shift(1, "CD8"), Is.GreaterThan(0.4f), "MYC knockout raises CD8 protein (+1 measured)");
        foreach (var other in Markers.Where(m => m != "PD-L1 (CD274)"))
            Assert.That(Math.Abs(Shift(0, other)), Is.LessThan(Math.Abs(Shift(0, "PD-L1 (CD274)")) / 2), $"STAT1: {other} moves less than PD-L1");
        foreach (var other in Markers.Where(m => m != "CD8"))
            Assert.That(Math.Abs(Shift(1, other)), Is.LessThan(Shift(1, "CD8") / 2), $"MYC: {other} moves less than CD8");
        Assert.That(Markers.Max(m => Math.Abs(Shift(2, m))), Is.LessThan(0.3f), "IRF1 knockout changes no protein");
        Assert.That(prediction.Rna.Means.ColumnCount, Is.EqualTo(Genes.Length));
    }

    [Test]
    public void StackedProteinPredictionsEqualOneAtATime()
    {
        var (rna, protein) = Screen(Knockouts, 12, 6);
        // 40 cells a pass: two perturbations over the 12 kept controls (two sets of 8, the second wrapping), all of them over 3 given cells (one set of 8).
        using var model = new DigitalCellBaseModel(Quick(protein) with { JointSteps = 4, FineTuneSteps = 4, CellsPerForward = 40 });
        model.Fit(new PerturbationTrainingSet(rna, Schema, Knockouts, dataId: "cite-screen"));
        IReadOnlyList<Perturbation> candidates = [Perturbation.Genes(PerturbationMode.Knockout, "STAT1"), Perturbation.Control(),
            Perturbation.Genes(PerturbationMode.Knockout, "MYC"), Perturbation.Genes(PerturbationMode.Knockout, "IRF1", "NFKB1"), Perturbation.Genes(PerturbationMode.Knockout, "CD4")];
        var given = new PredictionContext("PBMC", ControlCells: rna.SelectCells([0, 1, 2]).X);
        foreach (var (context, what) in new[] { (new PredictionContext("PBMC"), "kept controls' protein"), (given, "protein imputed for given cells") })
        {
            BaseModelScreenTests.AssertStackedEqualsAlone(p => model.PredictModalities(p, context).Rna, candidates, what + ", RNA");
            BaseModelScreenTests.AssertStackedEqualsAlone(p => model.PredictModalities(p, context).Protein!, candidates, what + ", protein");
        }
    }

    [Test]
    public void AnRnaOnlyModelPredictsNoProteinAndSavesNoProteinState()
    {
        var (rna, _) = Screen(Knockouts, 12, 2);
        using var model = new DigitalCellBaseModel(Quick(null) with { JointSteps = 2, FineTuneSteps = 2 });
        model.Fit(new PerturbationTrainingSet(rna, Schema, Knockouts, dataId: "cite-screen"));
        Assert.That(model.PredictModalities([Perturbation.Genes(PerturbationMode.Knockout, "MYC")]).Protein, Is.Null);
        Assert.That(model.ProteinVocabulary, Is.Empty);
        var dir = Path.Combine(TestData.TempDirectory(), "rna-only");
        model.Save(dir);
        var file = SafeTensors.Read(Path.Combine(dir, DigitalCellBaseModel.WeightsFile));
        Assert.That(file.Tensors.Keys.Where(k => k.StartsWith("protein", StringComparison.Ordinal) || k == "control_protein"), Is.Empty);
        Assert.That(file.Metadata.ContainsKey("protein_markers"), Is.False);
    }

    [Test]
    public void SavedModelCarriesItsProteinVocabularyAndPredictsTheSameProtein()
    {
        var (rna, protein) = Screen(Knockouts, 16, 3);
        // An unperturbed CITE-seq source with one more marker: the protein vocabulary is the union, in source order.
        var (observedRna, observedProtein) = Screen([], 40, 4);
        var extra = CellDataset.FromMatrix(new DenseCellMatrix(observedProtein.CellCount, 5,
                Enumerable.Range(0, observedProtein.CellCount * 5).Select(i => i % 5 == 4 ? 0.5f : observedProtein.X[i / 5, i % 5]).ToArray()),
            [.. observedProtein.CellNames], [.. Markers, "CD56"]);
        var source = new BaseModelSource("cite-atlas", observedRna, Schema, Protein: extra);
        using var model = new DigitalCellBaseModel(Quick(protein) with { Sources = [source], Pretrain = true, MaskedSteps = 6, JointSteps = 4, FineTuneSteps = 4 });
        model.Fit(new PerturbationTrainingSet(rna, Schema, Knockouts, dataId: "cite-screen"));
        Assert.That(model.TrainingLosses.Count(l => l.Phase == "masked"), Is.EqualTo(6));
        Assert.That(model.ProteinVocabulary, Is.EqualTo(new[] { "CD8", "CD4", "PD-L1 (CD274)", "IgG1", "CD56" }));
        Assert.That(model.Card.Description, Does.Contain("protein tokens for 5 markers (3 started from their encoding gene's token) from cite-atlas, the training set"));
        var dir = Path.Combine(TestData.TempDirectory(), "cite-model");
        model.Save(dir);
        using var loaded = DigitalCellBaseModel.Load(dir, new BaseModelOptions { Device = DevicePreference.Cpu });
        Assert.That(loaded.ProteinVocabulary, Is.EqualTo(model.ProteinVocabulary));
        Assert.That(loaded.ProteinPanel, Is.EqualTo(Markers));
        var perturbations = new[] { Perturbation.Genes(PerturbationMode.Knockout, "STAT1"), Perturbation.Control() };
        var before = model.PredictModalities(perturbations).Protein!.Means;
        var after = loaded.PredictModalities(perturbations).Protein!.Means;
        for (int r = 0; r < 2; r++) Assert.That(after.Row(r).ToArray(), Is.EqualTo(before.Row(r).ToArray()).Within(1e-5), $"row {r}");
        // Control cells given without protein: their protein is imputed from RNA, and the notes say so.
        var given = loaded.PredictModalities(perturbations, new PredictionContext("PBMC", ControlCells: rna.SelectCells(Enumerable.Range(0, 16).ToArray()).X));
        Assert.That(given.Protein!.Notes, Has.Some.Contains("imputed from their RNA"));
    }

    [Test]
    public void CrossModalPretrainingImputesProteinBetterThanTheTrainingMean()
    {
        var (rna, protein) = Screen([], 200, 6);
        var source = new BaseModelSource("cite-atlas", rna, Schema, Protein: protein);
        var report = ModalityEvaluation.Evaluate(source, new ModalityEvaluationOptions
        {
            Model = new BaseModelOptions { Config = Micro, Priors = GenePriors.FromDirectory(DigitalCell.Tests.Shared.SharedData.File(GenePriors.CatalogId)), MaskedSteps = 600, LearningRate = 3e-3, SetsPerBatch = 4, Device = DevicePreference.Cpu, Threads = 1 },
            Seeds = [0, 1], Genes = 10,
        });
        Assert.That(report.Splits, Has.Count.EqualTo(2));
        Assert.That(report.Splits.All(s => s.TestCells == 40 && s.TrainCells == 160));
        Assert.That(report.Genes, Is.EqualTo(10), "every gene varies");
        foreach (var split in report.Splits)
        {
            var model = split.Scores.Single(s => s.Modality == "protein" && s.Method == "base-model");
            var ridge = split.Scores.Single(s => s.Modality == "protein" && s.Method == "ridge");
            var mean = split.Scores.Single(s => s.Modality == "protein" && s.Method == "train-mean");
            TestContext.Out.WriteLine($"seed {split.Seed}: model r {model.Pearson:0.00} MAE {model.Mae:0.000}; ridge r {ridge.Pearson:0.00} MAE {ridge.Mae:0.000}; mean MAE {mean.Mae:0.000}");
            Assert.That(double.IsNaN(mean.Pearson), "a constant prediction has no correlation");
            Assert.That(ridge.Mae, Is.LessThan(mean.Mae), "protein is linear in RNA here: ridge must beat the mean");
            Assert.That(model.Mae, Is.LessThan(mean.Mae), "the cross-modal head learns protein from RNA");
            string[] linked = ["CD8", "CD4", "PD-L1 (CD274)"]; // 1 + one gene each; IgG1 is noise
            Assert.That(linked.Min(m => ridge.PerFeature[m]), Is.GreaterThan(0.9));
            Assert.That(linked.Average(m => model.PerFeature[m]), Is.GreaterThan(0.3), "an untrained or RNA-blind head scores ≈ 0");
        }
        var (average, half) = report.Summary("protein", "train-mean", s => s.Mae);
        Assert.That(average, Is.EqualTo(report.Splits.Average(s => s.Scores.Single(x => x.Modality == "protein" && x.Method == "train-mean").Mae)).Within(1e-12));
        Assert.That(half, Is.GreaterThan(0));
    }

    [Test]
    public void EccitePbmcBecomesAnRnaPlusProteinSource()
    {
        var path = DigitalCell.Tests.Shared.SharedData.File("mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control.h5mu");
        var source = BaseModelSource.FromMultimodal("mimitou2019-eccite-pbmc", H5muFile.Read(path));
        Assert.That(source.Data.CellCount, Is.EqualTo(500));
        Assert.That(source.Protein!.GeneCount, Is.EqualTo(49));
        Assert.That(source.Data.GeneNames, Does.Contain("CD8A"), "RNA named by gene symbol, not hg19_CD8A");
        var labels = source.Data.Obs.Categorical("perturbation");
        Assert.That(Enumerable.Range(0, labels.Length).Select(i => labels[i]).Distinct(), Is.EqualTo(new[] { BaseModelSource.UnperturbedLabel }));
        var row = new float[49];
        source.Protein.X.CopyRow(0, row);
        Assert.That(row.All(v => v >= 0 && v < 15 && v != Math.Round(v) || v == 0), "protein is CLR-normalised, not counts");
        Assert.That(source.Protein.GeneNames.Count(m => ProteinMarkers.EncodingGene(m, source.Data.GeneNames) is not null), Is.GreaterThanOrEqualTo(40),
            "most ECCITE markers start from their gene's token");
    }

    [Test]
    public void EccitePbmcPretrainsAcrossModalitiesBesideAnRnaOnlyScreen()
    {
        var path = DigitalCell.Tests.Shared.SharedData.File("mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control.h5mu");
        var eccite = BaseModelSource.FromMultimodal("mimitou2019-eccite-pbmc", H5muFile.Read(path));
        var (rna, _) = Screen(Knockouts, 12, 7);
        var options = Quick(null) with { Sources = [eccite], Pretrain = true, MaskedSteps = 8, JointSteps = 2, FineTuneSteps = 2 };
        using var model = new DigitalCellBaseModel(options);
        model.Fit(new PerturbationTrainingSet(rna, Schema, Knockouts, dataId: "cite-screen"));
        Assert.That(model.ProteinVocabulary, Has.Count.EqualTo(49));
        Assert.That(model.TrainingLosses.Count(l => l.Phase == "masked"), Is.EqualTo(8));
        Assert.That(model.TrainingLosses.All(l => double.IsFinite(l.Loss)));
        Assert.That(model.Card.Description, Does.Contain("from mimitou2019-eccite-pbmc; the training set has no protein, so no protein perturbation effects are predicted"));
        Assert.That(model.PredictModalities([Perturbation.Genes(PerturbationMode.Knockout, "MYC")]).Protein, Is.Null, "the screen measured no protein");
    }
}
