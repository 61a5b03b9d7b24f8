using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Models;

/// <summary>
/// linear-transfer on a small synthetic pair of screens against an independent numpy computation from the raw cells
/// (peers/prior_models_ref.py transfer): the source screen perturbed A, B, C, D (and A+D); the target trains on A, C, E,
/// F, A+E and is tested on B (transferred), G (not in the source: falls back to its data block) and B+G.
/// </summary>
public class LinearTransferTests : TempDirectoryTest
{
    private static readonly PerturbationSchema Schema = new("perturbation", "control", PerturbationMode.Knockout);
    private static readonly string[] Train = ["A", "A+E", "C", "E", "F"];
    private static readonly string[] Test = ["B", "B+G", "G"];

    /// <summary>Cells × genes of log-like values with a per-label shift, so the conditions differ.</summary>
    private static (float[,] X, string[] Labels) Screen(string[] labels, int genes, int cellsPerLabel, int seed)
    {
        var random = new Random(seed);
        var cells = labels.SelectMany(l => Enumerable.Repeat(l, cellsPerLabel)).ToArray();
        var shift = labels.ToDictionary(l => l, _ => Enumerable.Range(0, genes).Select(_ => random.NextDouble() * 2 - 1).ToArray());
        var x = new float[cells.Length, genes];
        for (int i = 0; i < cells.Length; i++)
            for (int g = 0; g < genes; g++) x[i, g] = (float)Math.Max(0, 1.5 + shift[cells[i]][g] + random.NextDouble() - 0.5);
        return (x, cells);
    }

    private static CellDataset Cells(float[,] x, string[] labels, string[] genes) =>
        new(DenseCellMatrix.From(x), new AnnotationTable("obs", labels.Select((_, i) => $"c{i}").ToArray(), [CategoricalColumn.FromLabels("perturbation", labels)]),
            new AnnotationTable("var", genes));

    private static JsonArray Matrix(float[,] x) => new(Enumerable.Range(0, x.GetLength(0))
        .Select(i => (JsonNode)new JsonArray(Enumerable.Range(0, x.GetLength(1)).Select(g => (JsonNode)(double)x[i, g]).ToArray())).ToArray());

    private static JsonArray Strings(IEnumerable<string> s) => new(s.Select(v => (JsonNode)v).ToArray());

    private (LinearTransferModel Model, PerturbationTrainingSet Train, JsonObject Input) Fit()
    {
        var (sx, sl) = Screen(["control", "A", "B", "C", "D", "A+D"], 20, 6, seed: 1);
        var source = Cells(sx, sl, Enumerable.Range(0, 20).Select(g => $"S{g}").ToArray())
            .WithSource("synthetic-source").WithUns("catalog", new Dictionary<string, object> { ["sha256"] = "0123abcd" });
        string[] genes = ["A", "B", "E", "F", "G", .. Enumerable.Range(5, 25).Select(g => $"T{g}")];
        var (tx, tl) = Screen(["control", .. Train, .. Test], genes.Length, 5, seed: 2);
        var target = Cells(tx, tl, genes);
        var model = new LinearTransferModel(new TransferSource(Data: source, Schema: Schema, Components: 3),
            new PriorModelOptions(Blocks: GenePriorBlocks.None, PcaDimensions: 3));
        var train = new PerturbationTrainingSet(target, Schema, Train);
        model.Fit(train);
        var input = new JsonObject
        {
            ["source_x"] = Matrix(sx), ["source_labels"] = Strings(sl), ["target_x"] = Matrix(tx), ["target_labels"] = Strings(tl),
            ["genes"] = Strings(genes), ["train"] = Strings(Train), ["test"] = Strings(Test), ["k_source"] = 3, ["k_data"] = 3, ["ridge"] = 0.1,
        };
        return (model, train, input);
    }

    [Test]
    public void Matches_numpy_from_the_raw_cells_of_both_screens_and_notes_the_fallback()
    {
        var (model, _, input) = Fit();
        string path = Path.Combine(Temp, "in.json"), output = Path.Combine(Temp, "out.json");
        File.WriteAllText(path, input.ToJsonString());
        PythonPeer.Run(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "DigitalCell.Sdk.Tests", "peers", "prior_models_ref.py")), "transfer", path, output);
        var reference = JsonDocument.Parse(File.ReadAllText(output)).RootElement;

        var prediction = model.Predict(Test.Select(l => Perturbation.Parse(l, Schema)).ToArray());
        var expected = reference.GetProperty("pred").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (int i = 0; i < Test.Length; i++)
            Assert.That(prediction.Means.Row(i).ToArray().Select(v => (double)v), Is.EqualTo(expected[i]).Within(1e-4), Test[i]);
        Assert.That(model.SourceGenes, Is.EqualTo(reference.GetProperty("source_genes").EnumerateArray().Select(v => v.GetString())), "genes the source perturbed alone");
        Assert.That(prediction.Notes, Has.Some.Contain("G were not perturbed in 'synthetic-source'").And.None.Contain("B,"));
    }

    [Test]
    public void Card_records_the_source_id_and_sha256_and_the_model_round_trips()
    {
        var (model, _, _) = Fit();
        var hp = model.Card.Hyperparameters;
        Assert.That(hp["source_id"], Is.EqualTo("synthetic-source"));
        Assert.That(hp["source_sha256"], Is.EqualTo("0123abcd"));
        Assert.That(hp["source_genes"], Is.EqualTo("A,B,C,D"));
        string dir = Path.Combine(Temp, "model");
        model.Save(dir);
        var loaded = PerturbationModels.Load(dir);
        var test = Test.Select(l => Perturbation.Parse(l, Schema)).ToArray();
        Assert.That(loaded, Is.InstanceOf<LinearTransferModel>());
        Assert.That(loaded.Predict(test).Means.Row(1).ToArray(), Is.EqualTo(model.Predict(test).Means.Row(1).ToArray()).Within(1e-6));
    }

    [Test]
    public void Is_created_by_name_with_its_source_and_refuses_a_name_without_one()
    {
        Assert.That(Baselines.Create("linear-transfer:norman2019-perturbench-devel").Name, Is.EqualTo("linear-transfer"));
        Assert.That(() => Baselines.Create("linear-transfer"), Throws.TypeOf<DigitalCellException>().With.Message.Contains("linear-transfer:CATALOG-ID"));
        Assert.That(() => new LinearTransferModel(new TransferSource()), Throws.TypeOf<DigitalCellException>().With.Message.Contains("either as a catalog id"));
    }
}
