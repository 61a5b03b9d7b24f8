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

public class ModelsFetchCommandTests : TempDirectoryTest
{
    private string Manifest(Uri url, byte[] file)
    {
        string path = Path.Combine(Temp, "models.json");
        File.WriteAllText(path, $$"""
            {"models": [{"id": "dcell-base-test", "summary": "a test model", "license": "MIT",
              "files": [{"name": "model-card.json", "url": "{{url}}", "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(file))}}", "size": {{file.Length}}}]}]}
            """);
        return path;
    }

    [Test]
    public void An_id_the_manifest_does_not_list_is_a_usage_error_naming_the_listed_ids()
    {
        string manifest = Manifest(new Uri("https://example.org/card.json"), [1]);
        var r = Dcell.Run("models", "fetch", "dcell-base-huge", "--manifest", manifest, "--cache-dir", Path.Combine(Temp, "cache"));
        Assert.That(r.ExitCode, Is.EqualTo(Program.UsageExitCode), r.Error);
        Assert.That(r.Error.Split('\n')[0], Does.StartWith("error: models fetch: no model 'dcell-base-huge' in the models manifest; it lists dcell-base-test"));
        Assert.That(Directory.Exists(Path.Combine(Temp, "cache")), Is.False, "nothing written");
    }

    [Test]
    public async Task Fetch_installs_a_listed_model_from_a_loopback_server_into_the_cache_and_list_shows_it()
    {
        string card = Path.Combine(Temp, "card");
        new ModelCard("dcell-base-test", "baseline/control-mean") { Description = "fetched" }.Save(card);
        byte[] bytes = File.ReadAllBytes(Path.Combine(card, ModelCard.FileName));
        await using var server = new DigitalCell.Sdk.Tests.Catalog.FixtureServer();
        server.File("release/model-card.json", bytes);
        string cache = Path.Combine(Temp, "cache");

        var r = Dcell.Run("models", "fetch", "dcell-base-test", "--manifest", Manifest(server.Url("release/model-card.json"), bytes), "--cache-dir", cache, "--allow-insecure-mirror");

        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        string installed = Path.Combine(cache, "models", "dcell-base-test");
        Assert.That(r.Output, Does.Contain("sha256 verified; installed in " + installed));
        Assert.That(File.ReadAllBytes(Path.Combine(installed, ModelCard.FileName)), Is.EqualTo(bytes));
        var list = Dcell.Run("models", "--zoo", Path.Combine(cache, "models"), "list");
        Assert.That(list.Output, Does.Contain("dcell-base-test").And.Contain("1 model(s)"));
        var again = Dcell.Run("models", "fetch", "dcell-base-test", "--manifest", Manifest(server.Url("release/model-card.json"), bytes), "--cache-dir", cache, "--allow-insecure-mirror");
        Assert.That(again.ExitCode, Is.EqualTo(0), "a folder dcell wrote is replaced without --force");
    }
}
