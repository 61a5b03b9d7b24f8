using System.Security.Cryptography;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Cli.Tests;

public class ModelsCommandTests : TempDirectoryTest
{
    private string Zoo()
    {
        var folder = Path.Combine(Temp, "zoo", "dcell-base-micro");
        Directory.CreateDirectory(folder);
        new ModelCard("dcell-base-micro", "dcell/base-model-v1")
        {
            Hyperparameters = new Dictionary<string, object> { ["parameters"] = 1_650_000L },
            TrainingInputs = [new("kang2018-pbmc-ifnb", "kang2018-pbmc-ifnb", "ab12"), new("papalexi2021-thp1-subset", "papalexi2021-thp1-subset", "cd34")],
            Description = "test model",
        }.Save(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), [1, 2, 3]);
        return Path.Combine(Temp, "zoo");
    }

    [Test]
    public void List_shows_each_model_with_its_parameters_and_training_data()
    {
        var r = Dcell.Run("models", "--zoo", Zoo(), "list");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        Assert.That(r.Output, Does.Contain("dcell-base-micro").And.Contain("1.65 M").And.Contain("trained on kang2018-pbmc-ifnb, papalexi2021-thp1-subset").And.Contain("1 model(s)"));
    }

    [Test]
    public void Info_shows_the_card_and_every_file_with_its_sha256()
    {
        var r = Dcell.Run("models", "--zoo", Zoo(), "info", "dcell-base-micro");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        Assert.That(r.Output, Does.Contain($"model.safetensors (3 bytes) sha256 {Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3 }))}")
            .And.Contain("\"architecture\": \"dcell/base-model-v1\""));
    }

    [Test]
    public void An_unknown_id_is_a_one_line_error_naming_the_zoo_models()
    {
        var r = Dcell.Run("models", "--zoo", Zoo(), "info", "dcell-base-huge");
        Assert.That(r.ExitCode, Is.EqualTo(1));
        Assert.That(r.Error.Trim(), Does.StartWith("error: no model 'dcell-base-huge'").And.Contain("it holds dcell-base-micro"));
    }
}
