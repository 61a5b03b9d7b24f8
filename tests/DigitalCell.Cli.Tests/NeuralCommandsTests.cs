using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class NeuralCommandsTests : TempDirectoryTest
{
    /// <summary>Runs the dcell-neural plug-in in-process, capturing what it prints.</summary>
    private static class NeuralDcell
    {
        public static Dcell.Result Run(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = DigitalCell.Cli.Neural.NeuralProgram.Run(args, output, error);
            return new Dcell.Result(code, output.ToString(), error.ToString());
        }
    }

    [Test]
    public void Dcell_forwards_a_neural_command_to_the_plugin_beside_it_and_relays_its_one_line_error()
    {
        // dcell itself holds no TorchSharp: the plug-in (dcell-neural.dll in this build output) runs as a child process.
        var r = Dcell.Run("finetune", SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), "--from", "/nonexistent-model", "--out", Path.Combine(Temp, "never"));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Output + r.Error);
        Assert.That(r.Error.Trim(), Does.StartWith("error: ").And.Contain("/nonexistent-model"));
    }

    [Test]
    public void TrainFinetuneAndPredictRoundTripOnPapalexi()
    {
        var dir = Temp;
        var data = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
        var train = NeuralDcell.Run("train", data, "--out", Path.Combine(dir, "m1"), "--steps", "4", "--device", "cpu");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
        Assert.That(File.Exists(Path.Combine(dir, "m1", "model.safetensors")) && File.Exists(Path.Combine(dir, "m1", "model-card.json")));

        var tune = NeuralDcell.Run("finetune", data, "--from", Path.Combine(dir, "m1"), "--out", Path.Combine(dir, "m2"), "--steps", "2", "--freeze-encoder", "--device", "cpu");
        Assert.That(tune.ExitCode, Is.EqualTo(0), tune.Error);

        var csv = Path.Combine(dir, "pred.csv");
        var predict = NeuralDcell.Run("predict", "-m", Path.Combine(dir, "m2"), "-p", "STAT1,IRF7+JAK2", "-o", csv);
        Assert.That(predict.ExitCode, Is.EqualTo(0), predict.Error);
        var lines = File.ReadAllLines(csv);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0].Split(','), Has.Length.EqualTo(300), "perturbation + 299 genes");
        Assert.That(lines[2], Does.StartWith("IRF7+JAK2,"));

        // An unknown target is an error naming it with close matches, never another gene's profile.
        var unknown = Dcell.Run("predict", "-m", Path.Combine(dir, "m2"), "-p", "STAT11", "-o", Path.Combine(dir, "never.csv"));
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Error, Does.Contain("'STAT11'").And.Contain("STAT1"));
    }

    [Test]
    public void Finetune_adapts_the_shipped_base_model_by_zoo_id_and_writes_a_model_folder_naming_its_origin()
    {
        var data = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
        var output = Path.Combine(Temp, "papalexi-tuned");
        var tune = NeuralDcell.Run("finetune", data, "--from", "dcell-base-tiny", "--out", output, "--steps", "2", "--device", "cpu");
        Assert.That(tune.ExitCode, Is.EqualTo(0), tune.Error);
        Assert.That(tune.Output, Does.Contain("fine-tuned from").And.Contain("2 steps"));
        var card = ModelCard.Load(output);
        Assert.That(card.Name, Is.EqualTo("papalexi-tuned"));
        Assert.That(card.Hyperparameters["fine_tuned_from"].ToString(), Is.EqualTo("dcell-base-tiny"));
        Assert.That(card.Number("fine_tuning_steps"), Is.EqualTo(2));
        Assert.That(card.TrainingData!.Id, Is.EqualTo(data));
        Assert.That(card.TrainingData.Sha256, Is.EqualTo(Sha256File.Compute(data)), "the card names the file fine-tuned on by its sha256");
        var predict = NeuralDcell.Run("predict", "--model", output, "-p", "STAT1", "--out", Path.Combine(Temp, "pred.csv"));
        Assert.That(predict.ExitCode, Is.EqualTo(0), predict.Error);

        var again = NeuralDcell.Run("finetune", data, "--from", "dcell-base-tiny", "--out", Path.Combine(Temp, "plain"), "--steps", "2", "--device", "cpu");
        File.WriteAllText(Path.Combine(Temp, "plain", "mine.txt"), "not dcell's");
        var refused = NeuralDcell.Run("finetune", data, "--from", "dcell-base-tiny", "--out", Path.Combine(Temp, "plain"), "--steps", "2", "--device", "cpu");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(refused.ExitCode, Is.EqualTo(1), "a folder holding files dcell did not write needs --force");
        var forced = NeuralDcell.Run("finetune", data, "--from", "dcell-base-tiny", "--out", Path.Combine(Temp, "plain"), "--steps", "2", "--device", "cpu", "--force");
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);

        var missing = NeuralDcell.Run("finetune", data, "--from", "dcell-base-huge", "--out", Path.Combine(Temp, "never"), "--steps", "2");
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("no model 'dcell-base-huge' in the model zoo"));
        Assert.That(Directory.Exists(Path.Combine(Temp, "never")), Is.False);
    }

    [Test]
    public void Predict_takes_a_zoo_id_and_predicts_with_the_shipped_base_model()
    {
        var csv = Path.Combine(Temp, "pred.csv");
        var byId = NeuralDcell.Run("predict", "--model", "dcell-base-tiny", "-p", "STAT1,JAK2", "--out", csv);
        Assert.That(byId.ExitCode, Is.EqualTo(0), byId.Error);
        var shipped = Path.Combine(TestContext.CurrentContext.TestDirectory, "models", "dcell-base-tiny");
        var byFolder = NeuralDcell.Run("predict", "--model", shipped, "-p", "STAT1,JAK2", "--out", Path.Combine(Temp, "folder.csv"));
        Assert.That(byFolder.ExitCode, Is.EqualTo(0), byFolder.Error);
        var lines = File.ReadAllLines(csv);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0].Split(','), Has.Length.EqualTo(300), "perturbation + Papalexi's 299 genes");
        var folderLines = File.ReadAllLines(Path.Combine(Temp, "folder.csv"));
        Assert.That(folderLines[0], Is.EqualTo(lines[0]), "the id resolves to the shipped folder: same genes");
        // Same weights, same controls; libtorch's threaded sums may differ in the last float bit between two runs.
        static double[] Values(string line) => line.Split(',').Skip(1).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (int i = 1; i < 3; i++) Assert.That(Values(lines[i]), Is.EqualTo(Values(folderLines[i])).Within(1e-5), $"row {i}: same prediction");
        var unknown = NeuralDcell.Run("predict", "--model", "dcell-base-huge", "-p", "STAT1", "--out", Path.Combine(Temp, "never.csv"));
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Error, Does.Contain("no model 'dcell-base-huge' in the model zoo").And.Contain("it holds").And.Contain("dcell-base-tiny"));
    }

    [Test]
    public void Pretrain_writes_a_complete_zoo_folder_and_the_same_seed_gives_identical_weights()
    {
        // Tiny step counts on one catalog data set (through the mirror); the defaults reproduce the shipped dcell-base-tiny.
        string[] Args(string folder, string seed, string observational = "none") => ["pretrain", "--out", folder, "--sources", "papalexi2021-thp1-subset", "--finetune-on", "papalexi2021-thp1-subset",
            "--observational", observational, "--steps", "2,2,2", "--seed", seed, "--mirror", SharedData.Mirror, "--cache-dir", Path.Combine(Temp, "cache")];
        var a = NeuralDcell.Run(Args(Path.Combine(Temp, "a"), "3"));
        var b = NeuralDcell.Run(Args(Path.Combine(Temp, "b"), "3"));
        var other = NeuralDcell.Run(Args(Path.Combine(Temp, "c"), "4"));

        Assert.That((a.ExitCode, b.ExitCode, other.ExitCode), Is.EqualTo((0, 0, 0)), a.Error + b.Error + other.Error);
        Assert.That(a.Output, Does.Contain("dcell-base-tiny").And.Contain("steps 2/2/2, seed 3"));
        Assert.That(Directory.GetFiles(Path.Combine(Temp, "a")).Select(Path.GetFileName), Is.EquivalentTo(new[] { ".dcell-output", "model-card.json", "model.safetensors", "vocabulary.txt" }));
        Assert.That(Directory.GetFileSystemEntries(Temp, ".*.tmp"), Is.Empty, "no temporary folder left beside the output");
        byte[] Weights(string run) => File.ReadAllBytes(Path.Combine(Temp, run, "model.safetensors"));
        Assert.That(Weights("a"), Is.EqualTo(Weights("b")), "same seed, same weights");
        Assert.That(Weights("a"), Is.Not.EqualTo(Weights("c")), "the seed matters");
        var card = Sdk.Models.ModelCard.Load(Path.Combine(Temp, "a"));
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"))));
        Assert.That(card.TrainingInputs.Select(i => (i.Id, i.Sha256)), Is.EqualTo(new[] { ("papalexi2021-thp1-subset", sha) }), "the card names the data set with its sha256");
        var observational = NeuralDcell.Run(Args(Path.Combine(Temp, "d"), "3", "pbmc68k-reduced,tenx-multiome-pbmc-rna"));
        Assert.That(observational.ExitCode, Is.EqualTo(0), observational.Error);
        string Sha(string file) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(SharedData.File(file))));
        Assert.That(Sdk.Models.ModelCard.Load(Path.Combine(Temp, "d")).TrainingInputs.Select(i => (i.Id, i.Sha256)), Is.EqualTo(new[]
        {
            ("pbmc68k-reduced", Sha("pbmc68k-reduced/pbmc68k_reduced.h5ad")), ("tenx-multiome-pbmc-rna", Sha("tenx-multiome-pbmc-muon/tenx_multiome_pbmc_1k_rna.h5ad")), ("papalexi2021-thp1-subset", sha),
        }), "unperturbed sets are named on the card with their sha256");
        Assert.That(Sdk.Models.PerturbationModels.Load(Path.Combine(Temp, "a")).Predict([Sdk.Perturbations.Perturbation.Parse("STAT1", new("perturbation", "control"))]).Genes, Has.Count.EqualTo(299));

        var refused = NeuralDcell.Run("pretrain", "--out", Temp, "--steps", "1,1");
        Assert.That((refused.ExitCode, refused.Error.Split('\n')[0]), Is.EqualTo((2, "error: --steps: takes three non-negative step counts, masked,joint,finetune (e.g. 150,400,300), not '1,1'")));
    }

    [Test]
    public void Pretrain_adds_unperturbed_catalog_data_sets_to_masked_pretraining_and_refuses_a_screen_there()
    {
        string[] Args(string folder, string observational) => ["pretrain", "--out", folder, "--sources", "papalexi2021-thp1-subset", "--observational", observational,
            "--finetune-on", "papalexi2021-thp1-subset", "--steps", "4,2,2", "--mirror", SharedData.Mirror, "--cache-dir", Path.Combine(Temp, "cache")];
        var run = NeuralDcell.Run(Args(Path.Combine(Temp, "obs"), "mimitou2019-eccite-pbmc"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
        var card = Sdk.Models.ModelCard.Load(Path.Combine(Temp, "obs"));
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(SharedData.File("mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control.h5mu"))));
        Assert.That(card.TrainingInputs.Select(i => (i.Id, i.Sha256)), Does.Contain(("mimitou2019-eccite-pbmc", sha)), "the card names the observational data set with its sha256");

        var refused = NeuralDcell.Run(Args(Path.Combine(Temp, "never"), "norman2019-perturbench-devel"));
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Output);
        Assert.That(refused.Error, Does.Contain("data set 'norman2019-perturbench-devel' is a CRISPRa screen, not unperturbed cells"));
    }

    [Test]
    public void TheSameSeedTrainsByteIdenticalWeightsInTwoSeparateProcesses()
    {
        // Each run is its own process, so per-process hash randomisation (HashCode.Combine) would show up here.
        var data = DigitalCell.Tests.Shared.SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
        var weights = new[] { "a", "b" }.Select(name =>
        {
            var run = Dcell.Run("train", data, "--out", Path.Combine(Temp, name), "--steps", "3", "--seed", "0", "--device", "cpu");
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Error);
            // Piped, the plug-in's progress goes to stderr (at most a line every 10 s), never into stdout's one result line.
            Assert.That(run.Output.TrimEnd().Split('\n'), Has.Length.EqualTo(1).And.One.StartsWith("Saved "), run.Output);
            return File.ReadAllBytes(Path.Combine(Temp, name, "model.safetensors"));
        }).ToArray();
        Assert.That(weights[1], Is.EqualTo(weights[0]), "model.safetensors differs between two processes with --seed 0");
    }

    [Test]
    public void ATrainingRunInterruptedInOneProcessAndResumedInAnotherEqualsAnUninterruptedRun()
    {
        // Process 1 is stopped by SIGINT after its first checkpoint; process 2 resumes from the checkpoint file; process 3
        // trains straight through. Batches and the schedule depend only on (seed, step), never on the process.
        var data = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
        string checkpoint = Path.Combine(Temp, "run.ckpt.safetensors");
        string[] Args(string name, bool resumable) => ["train", data, "--out", Path.Combine(Temp, name), "--steps", "120", "--seed", "0", "--device", "cpu",
            .. resumable ? new[] { "--checkpoint", checkpoint, "--checkpoint-every", "3" } : []];

        string plugin = Path.Combine(AppContext.BaseDirectory, "dcell-neural.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in Args("interrupted", resumable: true).Prepend(plugin)) start.ArgumentList.Add(a);
        using (var first = System.Diagnostics.Process.Start(start)!)
        {
            var output = first.StandardOutput.ReadToEndAsync();
            var error = first.StandardError.ReadToEndAsync();
            while (!File.Exists(checkpoint) && !first.HasExited) Thread.Sleep(10);
            using (var signal = System.Diagnostics.Process.Start("kill", ["-INT", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) signal.WaitForExit();
            first.WaitForExit();
            if (first.ExitCode == 0) Assert.Inconclusive("the first run finished its 120 steps before the signal arrived; nothing was resumed");
            Assert.That(first.ExitCode, Is.EqualTo(130), output.Result + error.Result);
            Assert.That(error.Result, Does.Contain("resume"));
        }
        Assert.That(File.Exists(checkpoint), "the interrupted run left its checkpoint");
        Assert.That(Directory.Exists(Path.Combine(Temp, "interrupted")), Is.False, "an interrupted run writes no model");

        var resumed = Dcell.Run(Args("resumed", resumable: true));
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        var straight = Dcell.Run(Args("straight", resumable: false));
        Assert.That(straight.ExitCode, Is.EqualTo(0), straight.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(Temp, "resumed", "model.safetensors")),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(Temp, "straight", "model.safetensors"))), "resumed weights differ from the uninterrupted run's");
    }

    [Test]
    public void Train_with_a_crate_records_the_device_and_data_and_reproduces_identically()
    {
        string data = Path.Combine(Temp, "cells.h5ad");
        File.Copy(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), data);
        string model = Path.Combine(Temp, "m");
        var train = Dcell.Run("train", data, "--out", model, "--steps", "3", "--seed", "0", "--device", "cpu", "--crate");
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);

        var record = Sdk.Records.RunCrate.Read(model);
        Assert.That(record.Software.Device, Is.EqualTo("cpu"));
        Assert.That(record.Software.Libraries, Does.ContainKey("TorchSharp"));
        Assert.That(record.Inputs.Single().Sha256, Is.EqualTo(Sdk.IO.Sha256File.Compute(data)));
        Assert.That(Sdk.Models.ModelCard.Load(model).TrainingInputs.Single(), Is.EqualTo(record.Inputs.Single()), "the card names the data as the record does");
        Assert.That(File.Exists(Path.Combine(model, Sdk.Records.RunCrate.FileName)));

        var again = Dcell.Run("reproduce", model);
        Assert.That(again.ExitCode, Is.Zero, again.Output + again.Error);
        Assert.That(again.Output, Does.Contain("identical").And.Contain("model.safetensors"));
    }

    [Test]
    public void FinetuneFromAMissingModelIsAOneLineError()
    {
        var r = NeuralDcell.Run("finetune", SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), "--from", "/nonexistent-model", "--out", "/tmp/never");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Error, Does.Contain("/nonexistent-model"));
    }
}
