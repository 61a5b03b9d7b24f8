using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Cli.Tests;

/// <summary><c>dcell screen</c> on a small synthetic knockout screen (genes P1–P3 form the program; A and E lower it).</summary>
public class ScreenCommandTests : TempDirectoryTest
{
    private static readonly string[] Genes = ["P1", "P2", "P3", "O1", "A", "B", "C", "D", "E"];
    private static readonly Dictionary<string, double> Shift = new() { ["A"] = -1.0, ["B"] = -0.5, ["C"] = 0.3, ["D"] = 0.0, ["E"] = -0.8 };

    private string WriteData()
    {
        var labels = Enumerable.Repeat("control", 20).Concat(Shift.Keys.SelectMany(k => Enumerable.Repeat(k, 10))).ToArray();
        var x = new float[labels.Length * Genes.Length];
        for (int c = 0; c < labels.Length; c++)
            for (int g = 0; g < Genes.Length; g++)
                x[c * Genes.Length + g] = Genes[g] == labels[c] ? 0 : (float)(2.0 + 0.1 * ((c % 10) - 4.5) / 4.5 + (labels[c] != "control" && g < 3 ? Shift[labels[c]] : 0));
        var obs = new AnnotationTable("obs", labels.Select((_, i) => $"cell{i}").ToArray(), [CategoricalColumn.FromLabels("perturbation", labels)]);
        string path = Path.Combine(Temp, "screen.h5ad");
        H5adFile.Write(new CellDataset(new DenseCellMatrix(labels.Length, Genes.Length, x), obs, new AnnotationTable("var", Genes)), path);
        return path;
    }

    [Test]
    public void ScreenWritesTheTableReportHitCardsValidationAndProvenance()
    {
        string data = WriteData(), dir = Path.Combine(Temp, "out");
        var r = Dcell.Run("screen", data, "--model", "linear", "--objective", "genes:P1,P2,P3", "--direction", "down", "--candidates", "A,B,C,D,E",
            "--known", "A,E", "--validate", "--refits", "2", "--permutations", "100", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        foreach (var f in new[] { "screen.csv", "screen.md", "screen.html", "screen.svg", "hits.md", "hits.json", "validation.json", "provenance.json" })
            Assert.That(File.Exists(Path.Combine(dir, f)), f);
        var csv = File.ReadAllLines(Path.Combine(dir, "screen.csv"));
        Assert.That(csv[0], Does.StartWith("candidate,rank,effect,uncertainty,informed,known,top_genes,effect_member_1,effect_member_2"));
        Assert.That(csv, Has.Length.EqualTo(6));
        using var validation = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "validation.json")));
        foreach (var key in new[] { "auroc", "precision_at_k", "recall_at_k", "permutation_p", "protocol", "measured_auroc" })
            Assert.That(validation.RootElement.TryGetProperty(key, out _), key);
        Assert.That(validation.RootElement.GetProperty("measured_auroc").GetDouble(), Is.EqualTo(1), "A and E lower the program most in the data");
        using var hits = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "hits.json")));
        Assert.That(hits.RootElement.GetProperty("hits").GetArrayLength(), Is.EqualTo(5));
        Assert.That(File.ReadAllText(Path.Combine(dir, "provenance.json")), Does.Contain("\"command\": \"dcell screen").And.Contain("screen.csv"));
        Assert.That(File.Exists(Path.Combine(dir, "screen-checkpoint.jsonl")), Is.False, "a finished screen leaves no checkpoint");
    }

    [Test]
    public void AScreenWithACrateRecordsItsInputAndReproducesIdentically()
    {
        string data = WriteData(), dir = Path.Combine(Temp, "crated");
        var r = Dcell.Run("screen", data, "--model", "linear", "--objective", "genes:P1,P2,P3", "--candidates", "A,B,C,D,E",
            "--known", "A,E", "--validate", "--refits", "2", "--permutations", "100", "--out", dir, "--crate");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        var record = Sdk.Records.RunCrate.Read(dir);
        Assert.That(record.Arguments, Does.Contain("--validate").And.Contain("screen"));
        Assert.That(record.Inputs.Single().Sha256, Is.EqualTo(Sdk.IO.Sha256File.Compute(data)));

        var again = Dcell.Run("reproduce", dir);

        Assert.That(again.ExitCode, Is.EqualTo(0), again.Output + again.Error);
        Assert.That(again.Output, Does.Contain("identical").And.Contain("screen.csv").And.Contain("validation.json"));
    }

    [Test]
    public void AnUnknownCandidateIsOneErrorLineWithTheClosestNames()
    {
        var r = Dcell.Run("screen", WriteData(), "--model", "crispr-mean", "--objective", "genes:P1", "--candidates", "A,P",
            "--refits", "1", "--out", Path.Combine(Temp, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Error, Does.StartWith("error:").And.Contain("candidate 'P'").And.Contain("Did you mean"));
    }

    [Test]
    public void AnUnknownObjectiveFormIsRefused()
    {
        var r = Dcell.Run("screen", WriteData(), "--model", "crispr-mean", "--objective", "pathway:JAK", "--out", Path.Combine(Temp, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Error, Does.Contain("expected program:SET, genes:A,B,C or toward:COLUMN=VALUE"));
    }

    [Test]
    public void AFolderHoldingOtherFilesIsRefusedBeforeTheScreenRuns()
    {
        string dir = Path.Combine(Temp, "out");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var r = Dcell.Run("screen", WriteData(), "--model", "crispr-mean", "--objective", "genes:P1", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Error, Does.Contain("notes.txt").And.Contain("--force"));
        Assert.That(File.ReadAllText(Path.Combine(dir, "notes.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void TowardAReferenceStateScreensFromTheSubsetToTheReferenceCells()
    {
        string dir = Path.Combine(Temp, "out");
        var r = Dcell.Run("screen", WriteData(), "--model", "crispr-mean", "--refits", "1", "--objective", "toward:perturbation=A", "--space", "hvg:5",
            "--candidates", "B,C,E", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        Assert.That(File.ReadAllText(Path.Combine(dir, "screen.md")), Does.Contain("toward perturbation=A (10 reference cells; log-normalised expression of the top-5 variable genes)"));
    }

    [Test]
    public async Task AScreenOfASavedBaseModelRunsInThePluginOverItsWholeVocabulary()
    {
        // A micro base model (no pretraining, no gene priors) trained on the synthetic screen with a few steps.
        string data = WriteData(), folder = Path.Combine(Temp, "base-micro"), dir = Path.Combine(Temp, "out");
        var cells = H5adFile.Read(data);
        var schema = new Sdk.Perturbations.PerturbationSchema("perturbation", "control", Sdk.Perturbations.PerturbationMode.Knockout);
        using (var model = new Sdk.Torch.BaseModel.DigitalCellBaseModel(new Sdk.Torch.BaseModel.BaseModelOptions
        {
            Config = new Sdk.Torch.BaseModel.BaseModelConfig("micro", 32, 2, 4, 64, 8), Pretrain = false, UseGenePriors = false,
            JointSteps = 10, FineTuneSteps = 10, SetsPerBatch = 4, WarmupSteps = 5, Device = Sdk.Torch.DevicePreference.Cpu, Threads = 1,
        }))
        {
            model.Fit(new Sdk.Models.PerturbationTrainingSet(cells, schema, [.. Shift.Keys]));
            model.Save(folder);
        }

        // dcell has no TorchSharp: it hands the command line to dcell-neural (a child process), whose screen loads the model.
        var r = Dcell.Run("screen", data, "--model", folder, "--objective", "genes:P1,P2,P3", "--candidates", "all", "--known", "A,E", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Output + r.Error);
        Assert.That(r.Output, Does.Contain("9 candidates").And.Contain("screen.parquet"));

        // The same screen in this process, through the SDK, is the reference for the plug-in's table.
        using var loaded = Sdk.Torch.BaseModel.DigitalCellBaseModel.Load(folder);
        var start = cells.SelectCells(Enumerable.Range(0, 20).ToArray()); // the 20 control cells
        var expected = await new Sdk.Screens.Screen([loaded], start, Sdk.Screens.ScreenObjective.Genes("P", ["P1", "P2", "P3"]))
            .RunAsync(Sdk.Screens.ScreenCandidates.Genes(Sdk.Perturbations.PerturbationMode.Knockout, loaded.Vocabulary));
        var rows = File.ReadAllLines(Path.Combine(dir, "screen.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(rows.Select(c => c[0]), Is.EquivalentTo(Genes), "all = the model's whole vocabulary");
        Assert.That(rows.Select(c => c[0]), Is.EqualTo(expected.Rows.Select(x => x.Candidate)));
        Assert.That(rows.Select(c => double.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(expected.Rows.Select(x => x.Effect)).Within(1e-5));
        Assert.That(File.Exists(Path.Combine(dir, "screen.parquet")));
    }

    [Test]
    public void TheShippedBaseModelScreensPapalexiByItsZooIdThroughThePlugin()
    {
        // The zoo's dcell-base-tiny was fine-tuned on Papalexi's 25 knockouts, STAT1 among them: its knockout lowers the
        // IFN-γ program there (measured rank 2 of 25), so the in-sample screen must predict a lowering too.
        using var priors = new DigitalCell.Tests.Shared.EnvironmentVariableScope("DIGITALCELL_GENE_PRIORS");
        priors.Set(DigitalCell.Tests.Shared.SharedData.File(Sdk.GeneKnowledge.GenePriors.CatalogId));
        string dir = Path.Combine(Temp, "out");
        var r = Dcell.Run("screen", DigitalCell.Tests.Shared.SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"),
            "--model", "dcell-base-tiny", "--objective", "program:HALLMARK_INTERFERON_GAMMA_RESPONSE", "--candidates", "STAT1,TYK2,GAPDH", "--out", dir);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Output + r.Error);
        var rows = File.ReadAllLines(Path.Combine(dir, "screen.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[0]);
        Assert.That(rows.Keys, Is.EquivalentTo(new[] { "STAT1", "TYK2", "GAPDH" }), "TYK2 is outside its vocabulary: its token is its gene prior");
        Assert.That(double.Parse(rows["STAT1"][2], System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(0));
        Assert.That(File.ReadAllText(Path.Combine(dir, "screen.md")), Does.Contain("dcell-base-tiny"));
    }

    [Test]
    public void AModelThatIsNeitherAFolderNorAZooIdNorABaselineIsOneErrorLine()
    {
        var r = Dcell.Run("screen", WriteData(), "--model", "dcell-base-huge", "--objective", "genes:P1", "--out", Path.Combine(Temp, "out"));
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Error, Does.StartWith("error:").And.Contain("dcell-base-huge").And.Contain("dcell-base-tiny"));
    }
}
