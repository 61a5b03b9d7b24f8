using DigitalCell.Sdk.Catalog;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Tests.GeneKnowledge;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Models;

/// <summary>The prior models on the real Papalexi screen (unseen-perturbation split, seed 0) against numpy/sklearn.</summary>
public class PriorModelTests
{
    private static readonly PerturbationSchema Schema = new("perturbation", "control", PerturbationMode.Knockout);
    private static string Peer => File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "DigitalCell.Sdk.Tests", "peers", "prior_models_ref.py"));
    private PerturbationTrainingSet _train = null!;
    private Perturbation[] _test = [];
    private string _dir = "";

    [OneTimeSetUp]
    public void Prepare()
    {
        _dir = RepoPaths.NewTempDirectory();
        var data = CellDataset.Read(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")).NormalizeTotal(1e4).Log1p();
        var split = PerturbationSplits.UnseenPerturbations(data, Schema, testFraction: 0.2, seed: 0);
        _train = PerturbationTrainingSet.FromSplit(data, Schema, split);
        _test = split.Test.Select(l => Perturbation.Parse(l, Schema)).ToArray();
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_dir, recursive: true);

    private static PriorModelOptions Options => new(GenePriorFilesTests.Priors);

    private double[][] Predict(IPerturbationModel model) =>
        Enumerable.Range(0, _test.Length).Select(i => model.Predict(_test).Means.Row(i).ToArray().Select(v => (double)v).ToArray()).ToArray();

    private JsonElement Reference(string command, JsonObject input)
    {
        string path = Path.Combine(_dir, command + ".json"), output = Path.Combine(_dir, command + "-out.json");
        File.WriteAllText(path, input.ToJsonString());
        PythonPeer.Run(Peer, command, path, output);
        return JsonDocument.Parse(File.ReadAllText(output)).RootElement.Clone();
    }

    /// <summary>The models never predict below zero log-expression: a change is clipped at −control.</summary>
    private static double[] Clip(double[] delta, double[] control) => delta.Select((d, g) => Math.Max(d, -control[g])).ToArray();

    private static JsonArray Rows(IEnumerable<double[]> rows) => new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray());

    [Test]
    public void PriorRidgeMatchesSklearnRidgeAndItsLeaveOneOutChoice()
    {
        var model = new PriorRidgeModel(Options);
        model.Fit(_train);
        var profiles = TrainingProfiles.From(_train);
        var x = profiles.Perturbations.Select(p => model.InputsOf(p.Perturbation)).ToArray();
        var y = profiles.Perturbations.Select(p => p.Mean.Select((v, g) => v - profiles.Control[g]).ToArray()).ToArray();
        double alpha = model.Card.Number("ridge");
        var xc = x.Select(r => r.Select((v, j) => v - x.Average(q => q[j])).ToArray()).ToArray();
        double scale = xc.Average(r => r.Sum(v => v * v));
        var r = Reference("ridge", new JsonObject
        {
            ["x_train"] = Rows(x), ["y_train"] = Rows(y), ["x_test"] = Rows(_test.Select(model.InputsOf)), ["alpha"] = alpha,
            ["grid"] = new JsonArray(new[] { 1e-3, 1e-2, 0.1, 1, 10, 100 }.Select(a => (JsonNode)(a * scale)).ToArray()),
        });
        var expected = r.GetProperty("pred").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var predicted = Predict(model);
        for (int i = 0; i < _test.Length; i++)
            Assert.That(predicted[i].Select((v, g) => v - profiles.Control[g]), Is.EqualTo(Clip(expected[i], profiles.Control)).Within(1e-5), _test[i].Label);
        Assert.That(alpha, Is.EqualTo(r.GetProperty("alpha").GetDouble()).Within(1e-9 * alpha), "leave-one-out penalty");
    }

    [Test]
    public void LinearPriorIsAhlmannEltzesBilinearRidgeWithPriorP()
    {
        var model = new PriorLinearModel(Options);
        model.Fit(_train);
        var profiles = TrainingProfiles.From(_train);
        int k = 10, genes = profiles.Genes.Length;
        var block = model.DataBlock;
        var g = Enumerable.Range(0, genes).Select(i => block.AsSpan(i * k, k).ToArray()).ToArray();
        var p = profiles.Perturbations.Select(q => model.InputsOf(q.Perturbation)).Append(new double[model.InputsOf(_test[0]).Length]).ToArray();
        var y = Enumerable.Range(0, genes).Select(gi => profiles.Perturbations.Select(q => q.Mean[gi] - profiles.Control[gi]).Append(0).ToArray()).ToArray();
        var r = Reference("bilinear", new JsonObject
        {
            ["g"] = Rows(g), ["y"] = Rows(y), ["ridge"] = 0.1,
            ["p"] = Rows(Enumerable.Range(0, p[0].Length).Select(j => p.Select(col => col[j]).ToArray())),
            ["p_test"] = Rows(_test.Select(model.InputsOf)),
        });
        var expected = r.GetProperty("pred").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var predicted = Predict(model);
        for (int i = 0; i < _test.Length; i++)
            Assert.That(predicted[i].Select((v, gi) => v - profiles.Control[gi]), Is.EqualTo(Clip(expected[i], profiles.Control)).Within(1e-5), _test[i].Label);
    }

    [Test]
    public void CardsRecordThePriorsTheirVersionsAndLayout()
    {
        var model = new PriorRidgeModel(Options);
        model.Fit(_train);
        var hp = model.Card.Hyperparameters;
        Assert.That((string)hp["prior_files"], Does.Contain("h.all.v7.0.symbols.gmt sha256:4803c09aae50").And.Contain("dorothea_hs_nonacademic.tsv.gz sha256:cb04b9aed076"));
        Assert.That((string)hp["prior_layout"], Does.StartWith("go_spectral:32,"));
        Assert.That((string)hp["prior_blocks"], Is.EqualTo("All"));
    }

    [Test]
    public void PriorMlpIsReproducibleUsesTheInteractionTermAndRoundTrips()
    {
        var a = new PriorMlpModel(Options);
        var b = new PriorMlpModel(Options);
        a.Fit(_train);
        b.Fit(_train);
        Assert.That(Predict(a), Is.EqualTo(Predict(b)), "same seed, same model");
        var single = a.InputsOf(Perturbation.Parse("STAT1", Schema));
        var pair = a.InputsOf(new Perturbation("STAT1+JAK2", ["STAT1", "JAK2"], PerturbationMode.Knockout));
        int half = single.Length / 2;
        Assert.That(single.Skip(half).All(v => v == 0), Is.True, "a single has no interaction term");
        Assert.That(pair.Skip(half).Any(v => v != 0), Is.True, "a pair's interaction term is the product of the two targets' features");

        string dir = Path.Combine(_dir, "mlp");
        a.Save(dir);
        Environment.SetEnvironmentVariable("DIGITALCELL_GENE_PRIORS", GenePriorFilesTests.Priors.Directory);
        var loaded = PerturbationModels.Load(dir);
        Assert.That(Predict(loaded), Is.EqualTo(Predict(a)).Within(1e-6));
    }

    [Test]
    public void CrisprMeanSetsTheTargetToItsLearnedKnockdownLevel()
    {
        var model = Baselines.CrisprMean();
        model.Fit(_train);
        var cellMean = Baselines.CellMean();
        cellMean.Fit(_train);
        var profiles = TrainingProfiles.From(_train);
        var measured = _test.FirstOrDefault(t => profiles.Genes.Contains(t.Targets[0]));
        var perturbations = measured is null ? [Perturbation.Parse("STAT1", Schema)] : new[] { measured };
        string target = perturbations[0].Targets[0];
        int g = Array.IndexOf(profiles.Genes, target);
        var ours = model.Predict(perturbations).Means.Row(0).ToArray();
        var mean = cellMean.Predict(perturbations).Means.Row(0).ToArray();
        double expected = Math.Log(1 + (Math.Exp(profiles.Control[g]) - 1) * model.TargetRatio);
        Assert.That(ours[g], Is.EqualTo(expected).Within(1e-5));
        Assert.That(model.TargetRatio, Is.InRange(0.0, 0.9), "knockouts lower their target");
        Assert.That(ours.Where((_, i) => i != g), Is.EqualTo(mean.Where((_, i) => i != g)).Within(1e-6), "every other gene is the training mean");
    }

    [Test]
    public void PriorModelsFitAndRoundTripWithFewerConditionsThanPcaDimensions()
    {
        // Two training perturbations + control: 3 conditions, fewer than the 10 requested data dimensions (Kang's case).
        var small = new PerturbationTrainingSet(_train.Data, Schema, _train.TrainPerturbations.Take(2).ToArray());
        Environment.SetEnvironmentVariable("DIGITALCELL_GENE_PRIORS", GenePriorFilesTests.Priors.Directory);
        foreach (IPerturbationModel model in new IPerturbationModel[] { new PriorLinearModel(Options), new PriorRidgeModel(Options), new PriorMlpModel(Options) })
        {
            model.Fit(small);
            var predicted = Predict(model);
            Assert.That(predicted.SelectMany(r => r).All(double.IsFinite), Is.True, model.Name);
            string dir = Path.Combine(_dir, "small-" + model.Name);
            model.Save(dir);
            Assert.That(Predict(PerturbationModels.Load(dir)), Is.EqualTo(predicted).Within(1e-6), model.Name);
        }
    }

    [TestCase("crispr-mean")]
    [TestCase("linear-prior")]
    [TestCase("prior-ridge")]
    [TestCase("prior-mlp")]
    public void PriorModelsAreCreatedByName(string name) => Assert.That(Baselines.Create(name).Name, Is.EqualTo(name));
}
