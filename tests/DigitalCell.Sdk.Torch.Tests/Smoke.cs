namespace DigitalCell.Sdk.Torch.Tests;
public class Smoke { [Test] public void Loads() { var t = TorchSharp.torch.ones(3); Assert.That(t.sum().item<float>(), Is.EqualTo(3f)); } }
