using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Torch.Neural;
using DigitalCell.Sdk.Torch.Training;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Tests;

public class NeuralModelTests
{
    private static readonly string[] Control = ["control"];
    private static readonly NeuralModelOptions Small = new() { Hidden = 64, Latent = 16, PriorDimensions = 8, ControlCells = 128 };

    private static TrainingOptions Quick(int steps) => new()
    {
        Steps = steps, WarmupSteps = 5, EvaluateEvery = 10, Patience = 0, Device = DevicePreference.Cpu, Seed = 7,
        ValidationPerturbations = ["STAT1", "IRF7"],
    };

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
        using var model = NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control, Quick(120) with { Progress = progress }, Small);
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
        using var model = NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control, Quick(20), Small);
        var dir = Path.Combine(TestData.TempDirectory(), "model");
        model.Save(dir);
        using var loaded = NeuralPerturbationModel.Load(dir, DevicePreference.Cpu);
        string[][] perturbations = [["STAT1"], ["IFNGR1"], ["IFNGR1", "JAK2"], ["NOT_A_GENE"]];
        Assert.That(loaded.PredictMeans(perturbations), Is.EqualTo(model.PredictMeans(perturbations)));
        Assert.That(loaded.Genes, Is.EqualTo(model.Genes));
        Assert.That((string?)loaded.Card["trainingData"]!["id"], Is.EqualTo("papalexi2021-thp1"));
        Assert.That(((string?)loaded.Card["trainingData"]!["sha256"])!, Has.Length.EqualTo(64));
    }

    [Test]
    public void InterruptedAndResumedTrainingEqualsUninterruptedTraining()
    {
        string[][] perturbations = [["STAT1"], ["IRF7"], ["CD86"]];
        using var straight = NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control, Quick(40), Small);

        var checkpoint = Path.Combine(TestData.TempDirectory(), "run.ckpt.safetensors");
        using var cancel = new CancellationTokenSource();
        var interrupted = Quick(40) with
        {
            CheckpointPath = checkpoint, CheckpointEvery = 10,
            Progress = new Collect { OnReport = r => { if (r.Step == 25) cancel.Cancel(); } },
        };
        Assert.Throws<OperationCanceledException>(() =>
            NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control, interrupted, Small, cancellation: cancel.Token));
        Assert.That(File.Exists(checkpoint));

        var resumedProgress = new Collect();
        using var resumed = NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control,
            interrupted with { Progress = resumedProgress }, Small);
        Assert.That(resumedProgress.Reports.First().Step, Is.EqualTo(21), "resumes after the step-20 checkpoint");
        Assert.That(resumed.PredictMeans(perturbations), Is.EqualTo(straight.PredictMeans(perturbations)));
    }

    [Test]
    public void CorruptCheckpointGivesAClearError()
    {
        var checkpoint = Path.Combine(TestData.TempDirectory(), "bad.ckpt.safetensors");
        using (NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control, Quick(10) with { CheckpointPath = checkpoint, CheckpointEvery = 10 }, Small)) { }
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length / 2)]); // truncated, as by a crash while copying
        var e = Assert.Throws<DigitalCellException>(() =>
            NeuralPerturbationModel.Train(TestData.Papalexi, "perturbation", Control, Quick(20) with { CheckpointPath = checkpoint }, Small));
        Assert.That(e!.Message, Does.Contain(checkpoint).And.Contain("checkpoint is corrupt").And.Contain("delete it"));
    }

    [Test]
    public void FineTuningAddsEmbeddingsForNewTargetsAndCanFreezeTheEncoder()
    {
        var data = TestData.Papalexi;
        using var model = NeuralPerturbationModel.Train(data, "perturbation", Control, Quick(10) with { ValidationPerturbations = ["STAT1", "IRF7", "MYC"] }, Small);
        Assert.That(model.KnownTargets, Does.Not.Contain("MYC"));
        using var encoderBefore = model.Network.Parameters["encoder.0.weight"].clone();
        using var decoderBefore = model.Network.Parameters["decoder.0.weight"].clone();
        model.FineTune(data, "perturbation", Control, Quick(10) with { FreezeEncoder = true, ValidationPerturbations = ["STAT1"] });
        Assert.That(model.KnownTargets, Does.Contain("MYC"));
        Assert.That(model.Network.Parameters["target_embedding.weight"].shape[0], Is.EqualTo(model.KnownTargets.Count));
        Assert.That(model.Network.Parameters["encoder.0.weight"].eq(encoderBefore).all().item<bool>(), "frozen encoder unchanged");
        Assert.That(model.Network.Parameters["decoder.0.weight"].eq(decoderBefore).all().item<bool>(), Is.False, "decoder trained");
        Assert.That(model.Card["fineTunedFrom"], Is.Not.Null);
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
