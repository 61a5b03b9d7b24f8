using System.Text.Json.Nodes;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Registry;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Registry;

public class ModelRecordsTests : TempDirectoryTest
{
    [Test]
    public void A_saved_baseline_exports_a_model_card_and_croissant_that_meet_their_schemas()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { Mirror = SharedData.Mirror, CacheDirectory = Temp });
        var data = catalog.Load("papalexi2021-thp1-subset");
        var entry = catalog.Get("papalexi2021-thp1-subset");
        var input = DatasetSchemaApplication.CatalogInput(data)!;
        var split = PerturbationSplits.UnseenPerturbations(data, entry.PerturbationSchema, testFraction: 0.2, seed: 0);
        var model = Baselines.Create("linear");
        model.Fit(PerturbationTrainingSet.FromSplit(data, entry.PerturbationSchema, split, input.Id, input.Sha256));
        string folder = Path.Combine(Temp, "linear");
        model.Save(folder);
        var card = ModelCard.Load(folder) with { MetricsSplit = "unseen:0.2 seed 0", Metrics = new Dictionary<string, double> { ["pearson_delta"] = 0.5 } };
        var files = OutputRecord.ListFolder(folder);

        var modelCard = ModelRecords.ModelCardRecord(card, files);
        var croissant = ModelRecords.Croissant(card, files);

        Assert.That(RecordSchemas.Validate("model-card", modelCard.ToJsonString()), Is.Empty, modelCard.ToJsonString());
        Assert.That(RecordSchemas.Validate("croissant", croissant.ToJsonString()), Is.Empty, croissant.ToJsonString());
        Assert.That(input.Sha256, Is.EqualTo(entry.PrimaryFile.Sha256), "the catalog's verified checksum, not a re-hash of something else");
        var training = modelCard["training_data"]![0]!;
        Assert.That(training["sha256"]!.GetValue<string>(), Is.EqualTo(entry.PrimaryFile.Sha256));
        Assert.That(training["id"]!.GetValue<string>(), Is.EqualTo("papalexi2021-thp1-subset"));
        Assert.That(modelCard["metrics"]![0]!["split"]!.GetValue<string>(), Is.EqualTo("unseen:0.2 seed 0"));
        Assert.That(modelCard["files"]!.AsArray().Select(f => f!["path"]!.GetValue<string>()), Does.Contain(ModelCard.FileName));
        Assert.That(croissant["isBasedOn"]![0]!["identifier"]!.GetValue<string>(), Is.EqualTo("sha256:" + entry.PrimaryFile.Sha256));
        Assert.That(ModelRecords.ManualFields(card), Has.Some.Contain("intended use"));
    }

    [Test]
    public void A_card_round_trips_its_training_inputs_and_statements()
    {
        var card = new ModelCard("m", "baseline/linear")
        {
            TrainingInputs = [new InputRecord("x", "data/x.h5ad", new string('a', 64), "cell_type=B")],
            IntendedUse = "ranking knockouts", Limitations = "one cell line", MetricsSplit = "unseen:0.2",
        };

        var back = ModelCard.FromJson(card.ToJson());

        Assert.That(back.TrainingInputs, Is.EqualTo(card.TrainingInputs));
        Assert.That((back.IntendedUse, back.Limitations, back.MetricsSplit), Is.EqualTo(("ranking knockouts", "one cell line", "unseen:0.2")));
        Assert.That(ModelCard.FromJson("{\"name\": \"old\", \"architecture\": \"baseline/linear\", \"training_data\": {\"id\": \"d\", \"sha256\": \"ab\"}}").TrainingInputs,
            Is.EqualTo(new[] { new InputRecord("d", "d", "ab") }), "cards written before training_inputs existed derive it from training_data");
    }
}
