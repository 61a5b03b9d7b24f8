using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch.Onnx;

namespace DigitalCell.Sdk.Torch.Tests;

public class OnnxPerturbationModelTests
{
    [Test]
    public void ModelExportedFromPyTorchPredictsWhatPyTorchPredicts()
    {
        var dir = TestData.TempDirectory();
        TestData.Python(Path.Combine(TestData.RepoRoot, "benchmarks/peers/torch_perturbation_net.py"), "export-onnx", dir, "6", "8", "4", "3", "3");
        using var model = (OnnxPerturbationModel)PerturbationModels.Load(dir); // found by the card's architecture
        var expected = SafeTensors.Read(Path.Combine(dir, "expected.safetensors"));
        Perturbation[] perturbations =
        [
            Perturbation.Genes(PerturbationMode.Knockout, "T0"), Perturbation.Genes(PerturbationMode.Knockout, "T1"),
            Perturbation.Genes(PerturbationMode.Knockout, "T0", "T1"), Perturbation.Control(),
        ];
        var prediction = model.Predict(perturbations);
        Assert.That(prediction.Means.Row(0).ToArray(), Is.EqualTo(expected["T0"].ToFloats()).Within(1e-5));
        Assert.That(prediction.Means.Row(1).ToArray(), Is.EqualTo(expected["T1"].ToFloats()).Within(1e-5));
        Assert.That(prediction.Means.Row(2).ToArray(), Is.EqualTo(expected["T0+T1"].ToFloats()).Within(1e-5));
        Assert.That(prediction.Means.Row(0).ToArray(), Is.Not.EqualTo(prediction.Means.Row(3).ToArray()), "a perturbation changes the profile");
    }

    [Test]
    public void UnknownTargetAndTrainingGiveClearErrors()
    {
        var dir = TestData.TempDirectory();
        TestData.Python(Path.Combine(TestData.RepoRoot, "benchmarks/peers/torch_perturbation_net.py"), "export-onnx", dir, "6", "8", "4", "3", "3");
        using var model = OnnxPerturbationModel.Load(dir);
        var e = Assert.Throws<DigitalCellException>(() => model.Predict([Perturbation.Genes(PerturbationMode.Knockout, "NOPE")]));
        Assert.That(e!.Message, Does.Contain("NOPE"));
        Assert.Throws<DigitalCellException>(() => model.Fit(null!));
    }
}
