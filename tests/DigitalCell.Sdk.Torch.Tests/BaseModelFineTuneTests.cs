using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch.BaseModel;
using static DigitalCell.Sdk.Torch.Tests.DigitalCellBaseModelTests;

namespace DigitalCell.Sdk.Torch.Tests;

public class BaseModelFineTuneTests
{
    /// <summary>A panel with IRF8 and CEBPB, genes neither pretraining data set measures or targets, in a new cell line.</summary>
    private static readonly string[] PanelC = ["STAT1", "IRF1", "MYC", "IRF8", "CEBPB", "SPI1"];

    private static PerturbationTrainingSet TrainingC() =>
        new(Cells(PanelC, ["IRF8", "IRF1", "CEBPB"], ["U937"], 24, 5).WithSource("screen-c"), Schema, ["IRF8", "IRF1", "CEBPB"], dataId: "screen-c");

    private static DigitalCellBaseModel Pretrained()
    {
        var model = new DigitalCellBaseModel(Quick([SourceA()]));
        model.Fit(TrainingB());
        return model;
    }

    private static float Irf8Shift(DigitalCellBaseModel model)
    {
        var p = model.Predict([Perturbation.Genes(PerturbationMode.CRISPRa, "IRF8"), Perturbation.Control()], new PredictionContext("U937"));
        int g = Array.IndexOf(PanelC, "IRF8");
        return p.Means.Row(0)[g] - p.Means.Row(1)[g];
    }

    [Test]
    public void AdaptsToNewGenesAndANewContextAndLearnsTheMeasuredShift()
    {
        using var model = Pretrained();
        var before = model.Vocabulary.ToArray();
        Assert.That(before, Does.Not.Contain("IRF8").And.Not.Contain("CEBPB"));
        using var untrained = Pretrained();
        untrained.FineTune(TrainingC(), new FineTuningOptions { Steps = 0 });
        model.FineTune(TrainingC(), new FineTuningOptions { Steps = 60, LearningRate = 1e-2, Seed = 1 });

        Assert.That(model.Genes, Is.EqualTo(PanelC), "predicts the new panel");
        Assert.That(model.Vocabulary, Is.EqualTo(before.Concat(["IRF8", "CEBPB"])), "old rows keep their indices; new genes are appended");
        var losses = model.TrainingLosses.Select(l => l.Loss).ToArray();
        Assert.That(model.TrainingLosses.Select(l => l.Phase).Distinct(), Is.EqualTo(new[] { "fine-tune" }));
        Assert.That(losses.TakeLast(15).Average(), Is.LessThan(losses.Take(15).Average()), "fine-tuning lowers the loss");
        // IRF8 activation adds +1.5 to IRF8 in the synthetic data; with no fine-tuning the new gene's token predicts no such shift.
        Assert.That(Irf8Shift(model), Is.GreaterThan(0.2f).And.GreaterThan(Irf8Shift(untrained) + 0.2f));
        Assert.That(model.Card.Hyperparameters["fine_tuned_from"], Is.EqualTo("dcell-base-micro-no-priors"));
        Assert.That(model.Card.TrainingData!.Id, Is.EqualTo("screen-c"));
        Assert.That(model.Card.TrainingInputs.Select(i => i.Id), Is.EqualTo(new[] { "screen-a", "screen-b", "screen-c" }));
    }

    [Test]
    public void SameSeedFineTunesTheSameWeightsAndTheModelRoundTrips()
    {
        var dirs = new[] { 1, 1, 2 }.Select(seed =>
        {
            using var model = Pretrained();
            model.FineTune(TrainingC(), new FineTuningOptions { Steps = 8, Seed = seed, Name = "tuned" });
            var dir = Path.Combine(TestData.TempDirectory(), "tuned");
            model.Save(dir);
            if (seed == 2)
            {
                using var loaded = DigitalCellBaseModel.Load(dir);
                Assert.That(loaded.Name, Is.EqualTo("tuned"));
                Assert.That(loaded.Genes, Is.EqualTo(PanelC));
                Assert.That(loaded.Vocabulary, Is.EqualTo(model.Vocabulary));
                Assert.That(Irf8Shift(loaded), Is.EqualTo(Irf8Shift(model)).Within(1e-5));
                Assert.That(loaded.Card.Number("fine_tuning_steps"), Is.EqualTo(8));
            }
            return dir;
        }).ToArray();
        var files = dirs.Select(d => SafeTensors.Read(Path.Combine(d, DigitalCellBaseModel.WeightsFile))).ToArray();
        foreach (var (name, tensor) in files[0].Tensors) Assert.That(files[1].Tensors[name].ToFloats(), Is.EqualTo(tensor.ToFloats()), name);
        Assert.That(files[2].Tensors["context.weight"].ToFloats(), Is.Not.EqualTo(files[0].Tensors["context.weight"].ToFloats()), "another seed, other new rows and batches");
    }
}
