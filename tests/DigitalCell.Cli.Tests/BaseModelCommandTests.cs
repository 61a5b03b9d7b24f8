using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class BaseModelCommandTests : TempDirectoryTest
{
    [Test]
    public void Benchmark_hands_base_model_specs_to_the_plugin_which_resolves_the_size()
    {
        Assert.That(NeuralPlugin.IsNeuralSpec("dcell-base-tiny"), Is.True);
        Assert.That(NeuralPlugin.IsNeuralSpec("dcell-base-tiny-no-pretraining"), Is.True);
        // dcell forwards the whole command line to dcell-neural (a child process), whose factory names the known sizes.
        var r = Dcell.Run("benchmark", "--data", SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"),
            "--models", "cell-mean,dcell-base-huge", "--out", Path.Combine(Temp, "never"));
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Output + r.Error);
        Assert.That(r.Error.Trim(), Does.StartWith("error: ").And.Contain("unknown base-model size 'huge'").And.Contain("tiny, small, base, 10b"));
    }
}
