using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch.Neural;
using DigitalCell.Sdk.Torch.Training;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Tests;

public class NeuralModelTests
{
    private static readonly NeuralModelOptions Small = new() { Hidden = 64, Latent = 16, PriorDimensions = 8, ControlCells = 128 };

    private static TrainingOptions Quick(int steps) => new()
    {
        Steps = steps, WarmupSteps = 5, EvaluateEvery = 10, Patience = 0, Device = DevicePreference.Cpu, Seed = 7,
        ValidationPerturbations = ["STAT1", "IRF7"],
    };

    /// <summary>Trains on every Papalexi perturbation except the validation ones (STAT1, IRF7 by default).</summary>
    private static NeuralPerturbationModel Fit(TrainingOptions options, CancellationToken cancellation = default)
    {
        var model = new NeuralPerturbationModel(options, Small);
        model.Fit(TrainingSet(options), cancellationToken: cancellation);
        return model;
    }

    private static PerturbationTrainingSet TrainingSet(TrainingOptions options)
    {
        var data = TestData.Papalexi;
        var labels = data.Obs.Categorical("perturbation").Categories.Where(c => c != "control");
        return new PerturbationTrainingSet(data, new PerturbationSchema("perturbation", "control"),
            labels.Except(options.ValidationPerturbations!).ToList(), options.ValidationPerturbations!.ToList());
    }

    private sealed class Collect : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public Action<TrainingProgress>? OnReport { get; init; }
        public void Report(TrainingProgress value) { Reports.Add(value); OnReport?.Invoke(value); }
    }

    [Test]
    public void LossDecreasesOnPapalexi()
    {
        var progress = new Collect();
        using var model = Fit(Quick(120) with { Progress = progress });
        var losses = progress.Reports.Select(r => r.Loss).ToArray();
        TestContext.Out.WriteLine(string.Join(" ", losses.Select(l => l.ToString("F3"))));
        TestContext.Out.WriteLine(string.Join(" ", progress.Reports.Select(r => r.ValidationMetric).OfType<double>()));
        Assert.That(losses, Has.Length.EqualTo(120));
        Assert.That(losses.TakeLast(30).Average(), Is.LessThan(0.95 * losses.Take(30).Average()));
        var metrics = progress.Reports.Where(r => r.ValidationMetric is not null).Select(r => r.ValidationMetric!.Value).ToArray();
        Assert.That(metrics.Min(), Is.LessThan(metrics.First()), "the held-out perturbations' mean profiles get closer");
    }

    [Test]
    public void SaveAndLoadGiveIdenticalPredictions()
    {
        using var model = Fit(Quick(20));
        var dir = Path.Combine(TestData.TempDirectory(), "model");
        model.Save(dir);
        using var loaded = (NeuralPerturbationModel)PerturbationModels.Load(dir); // through the registry, as the benchmark does
        string[][] perturbations = [["STAT1"], ["IFNGR1"], ["IFNGR1", "JAK2"], ["NOT_A_GENE"]];
        Assert.That(loaded.PredictMeans(perturbations), Is.EqualTo(model.PredictMeans(perturbations)));
        Assert.That(loaded.Genes, Is.EqualTo(model.Genes));
        Assert.That(loaded.Card.TrainingData!.Id, Is.EqualTo("papalexi2021-thp1"));
        Assert.That((loaded.Options.Steps, loaded.Options.Seed), Is.EqualTo((20, 7L)), "a loaded model refits with its recorded hyperparameters");
        using var fromSpec = (NeuralPerturbationModel)NeuralModels.Create("neural:" + dir);
        Assert.That(fromSpec.PredictMeans([["STAT1"]]), Is.EqualTo(model.PredictMeans([["STAT1"]])));
        Assert.That(NeuralModels.Create("cell-mean").Name, Is.EqualTo("cell-mean"));
        Assert.That(loaded.Card.TrainingData.Sha256, Has.Length.EqualTo(64));
        var prediction = loaded.Predict([Perturbation.Control(), Perturbation.Genes(PerturbationMode.Knockout, "STAT1")]);
        Assert.That(prediction.Means.Row(1).ToArray(), Is.EqualTo(model.PredictMeans([["STAT1"]])[0]));
    }

    [Test]
    public void InterruptedAndResumedTrainingEqualsUninterruptedTraining()
    {
        string[][] perturbations = [["STAT1"], ["IRF7"], ["CD86"]];
        using var straight = Fit(Quick(40));

        var checkpoint = Path.Combine(TestData.TempDirectory(), "run.ckpt.safetensors");
        using var cancel = new CancellationTokenSource();
        var interrupted = Quick(40) with
        {
            CheckpointPath = checkpoint, CheckpointEvery = 10,
            Progress = new Collect { OnReport = r => { if (r.Step == 25) cancel.Cancel(); } },
        };
        Assert.Throws<OperationCanceledException>(() =>
            Fit(interrupted, cancel.Token));
        Assert.That(File.Exists(checkpoint));

        var resumedProgress = new Collect();
        using var resumed = Fit(interrupted with { Progress = resumedProgress });
        Assert.That(resumedProgress.Reports.First().Step, Is.EqualTo(21), "resumes after the step-20 checkpoint");
        Assert.That(resumed.PredictMeans(perturbations), Is.EqualTo(straight.PredictMeans(perturbations)));
    }

    [Test]
    public void CorruptCheckpointGivesAClearError()
    {
        var checkpoint = Path.Combine(TestData.TempDirectory(), "bad.ckpt.safetensors");
        using (Fit(Quick(10) with { CheckpointPath = checkpoint, CheckpointEvery = 10 })) { }
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length / 2)]); // truncated, as by a crash while copying
        var e = Assert.Throws<DigitalCellException>(() =>
            Fit(Quick(20) with { CheckpointPath = checkpoint }));
        Assert.That(e!.Message, Does.Contain(checkpoint).And.Contain("checkpoint is corrupt").And.Contain("delete it"));
    }

    [Test]
    public void FineTuningAddsEmbeddingsForNewTargetsAndCanFreezeTheEncoder()
    {
        using var model = Fit(Quick(10) with { ValidationPerturbations = ["STAT1", "IRF7", "MYC"] });
        Assert.That(model.KnownTargets, Does.Not.Contain("MYC"));
        using var encoderBefore = model.Network.Parameters["encoder.0.weight"].clone();
        using var decoderBefore = model.Network.Parameters["decoder.0.weight"].clone();
        model.Options = Quick(10) with { FreezeEncoder = true, ValidationPerturbations = ["STAT1"] };
        model.FineTune(TrainingSet(model.Options));
        Assert.That(model.KnownTargets, Does.Contain("MYC"));
        Assert.That(model.Network.Parameters["target_embedding.weight"].shape[0], Is.EqualTo(model.KnownTargets.Count));
        Assert.That(model.Network.Parameters["encoder.0.weight"].eq(encoderBefore).all().item<bool>(), "frozen encoder unchanged");
        Assert.That(model.Network.Parameters["decoder.0.weight"].eq(decoderBefore).all().item<bool>(), Is.False, "decoder trained");
        Assert.That(model.Card.Hyperparameters, Does.ContainKey("fine_tuned_from"));
    }

    [Test]
    public void WeightsMoveBetweenPyTorchAndDigitalCellBothWays()
    {
        var peer = Path.Combine(TestData.RepoRoot, "benchmarks/peers/torch_perturbation_net.py");
        var dir = TestData.TempDirectory();
        var generator = new Generator(3);
        using var x = rand([5, 12], generator: generator);
        using var prior = randn([5, 4], generator: generator);
        using var known = tensor(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0 }, [5, 3]);
        var inputs = Path.Combine(dir, "inputs.safetensors");
        SafeTensors.Write(inputs, [PerturbationNetwork.ToSafeTensor("x", x), PerturbationNetwork.ToSafeTensor("prior_sum", prior), PerturbationNetwork.ToSafeTensor("known", known)]);

        // Python → .NET: weights initialised and written by PyTorch, evaluated by both.
        var torchWeights = Path.Combine(dir, "torch.safetensors");
        TestData.Python(peer, "random-model", torchWeights, "12", "8", "6", "4", "3");
        var file = SafeTensors.Read(torchWeights);
        using var fromTorch = PerturbationNetwork.FromTensors(
            file.Tensors.Values.Where(t => t.Name != "gene_prior").ToDictionary(t => t.Name, PerturbationNetwork.FromSafeTensor),
            PerturbationNetwork.FromSafeTensor(file["gene_prior"]), CPU);
        AssertSameForward(fromTorch, torchWeights);

        // .NET → Python: weights initialised and written here.
        using var ours = PerturbationNetwork.Create(12, 8, 6, randn([12, 4], generator: generator), 3, seed: 5, CPU);
        using (no_grad()) ours.Parameters["target_embedding.weight"].normal_(generator: generator);
        var ourWeights = Path.Combine(dir, "ours.safetensors");
        SafeTensors.Write(ourWeights, ours.ToSafeTensors());
        AssertSameForward(ours, ourWeights);

        void AssertSameForward(PerturbationNetwork network, string weights)
        {
            var output = Path.Combine(dir, "y.safetensors");
            TestData.Python(peer, "forward", weights, inputs, output);
            var expected = SafeTensors.Read(output)["y"].ToFloats();
            using var y = network.Forward(x, prior, known);
            Assert.That(y.detach().data<float>().ToArray(), Is.EqualTo(expected).Within(1e-5));
        }
    }
}
