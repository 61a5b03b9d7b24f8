using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Tests.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Models;

public class ModelFetcherTests : TempDirectoryTest
{
    private static readonly byte[] Weights = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>A model folder wrapped in a top folder, as a release archive holds it, gzipped tar.</summary>
    private byte[] ModelArchive(string id)
    {
        string folder = Path.Combine(Temp, "make", id);
        Directory.CreateDirectory(folder);
        new ModelCard(id, "dcell/base-model-v1") { Description = "a test model" }.Save(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), Weights);
        File.WriteAllText(Path.Combine(folder, "vocabulary.txt"), "STAT1\nJAK2\n");
        using var bytes = new MemoryStream();
        using (var gzip = new GZipStream(bytes, CompressionLevel.Fastest, leaveOpen: true))
            TarFile.CreateFromDirectory(Path.Combine(Temp, "make"), gzip, includeBaseDirectory: false);
        return bytes.ToArray();
    }

    private string Manifest(string id, Uri url, byte[] archive, string? sha256 = null)
    {
        string path = Path.Combine(Temp, "models.json");
        File.WriteAllText(path, $$"""
            {"models": [{"id": "{{id}}", "summary": "test", "license": "MIT",
              "files": [{"name": "{{id}}.tar.gz", "url": "{{url}}", "sha256": "{{sha256 ?? Convert.ToHexStringLower(SHA256.HashData(archive))}}", "size": {{archive.Length}}, "format": "tar.gz"}]}]}
            """);
        return path;
    }

    private ModelFetcher Fetcher() => new(new CatalogOptions { CacheDirectory = Path.Combine(Temp, "cache"), AllowInsecureMirror = true, MaxAttempts = 1 });

    [Test]
    public async Task A_listed_model_downloads_into_the_model_cache_where_the_zoo_finds_it_by_id()
    {
        byte[] archive = ModelArchive("dcell-base-test");
        await using var server = new FixtureServer();
        server.File("releases/dcell-base-test.tar.gz", archive);
        var entry = ModelManifest.Get(ModelManifest.Load([Manifest("dcell-base-test", server.Url("releases/dcell-base-test.tar.gz"), archive)]), "dcell-base-test");
        var fetcher = Fetcher();

        var model = await fetcher.FetchAsync(entry);

        Assert.That(model.Directory, Is.EqualTo(Path.Combine(Temp, "cache", "models", "dcell-base-test")));
        Assert.That(model.Files.Select(f => f.Name), Is.EqualTo(new[] { "model-card.json", "model.safetensors", "vocabulary.txt" }), "the archive's top folder is unwrapped");
        Assert.That(model.Files.Single(f => f.Name == "model.safetensors").Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Weights))));
        Assert.That(ModelZoo.Find("dcell-base-test", [Path.Combine(Temp, "nowhere"), fetcher.CacheDirectory]).Directory, Is.EqualTo(model.Directory));
        Assert.That(Directory.Exists(Path.Combine(fetcher.CacheDirectory, ".downloads", "dcell-base-test")), Is.False, "the download is removed once installed");
    }

    [Test]
    public async Task A_wrong_checksum_is_a_clear_error_and_leaves_nothing_behind()
    {
        byte[] archive = ModelArchive("dcell-base-test");
        await using var server = new FixtureServer();
        server.File("m.tar.gz", archive);
        string wrong = new('0', 64);
        var entry = ModelManifest.Get(ModelManifest.Load([Manifest("dcell-base-test", server.Url("m.tar.gz"), archive, wrong)]), "dcell-base-test");
        var fetcher = Fetcher();

        var e = await Assert.ThrowsAsync<DigitalCellException>(() => fetcher.FetchAsync(entry));

        Assert.That(e!.Message, Does.Contain("sha256").And.Contain(wrong).And.Contain(Convert.ToHexStringLower(SHA256.HashData(archive))));
        Assert.That(Directory.GetFileSystemEntries(fetcher.CacheDirectory, "*", SearchOption.AllDirectories), Is.Empty, "no model folder, no partial file");
        Assert.That(ModelZoo.List(fetcher.CacheDirectory), Is.Empty);
    }

    [Test]
    public async Task Files_without_a_model_card_are_refused_and_not_installed()
    {
        await using var server = new FixtureServer();
        server.File("weights.bin", Weights);
        string manifest = Path.Combine(Temp, "plain.json");
        File.WriteAllText(manifest, $$"""
            {"models": [{"id": "no-card", "summary": "s", "license": "MIT",
              "files": [{"name": "model.safetensors", "url": "{{server.Url("weights.bin")}}", "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(Weights))}}", "size": {{Weights.Length}}}]}]}
            """);
        var entry = ModelManifest.Get(ModelManifest.Load([manifest]), "no-card");
        Assert.That(entry.Files.Single().Format, Is.EqualTo("file"), "a plain file by default");
        var fetcher = Fetcher();

        var e = await Assert.ThrowsAsync<DigitalCellException>(() => fetcher.FetchAsync(entry));

        Assert.That(e!.Message, Does.Contain("no model-card.json"));
        Assert.That(Directory.Exists(Path.Combine(fetcher.CacheDirectory, "no-card")), Is.False);
    }

    [TestCase("""{"models": [{"id": "x", "summary": "s", "license": "MIT", "files": [{"name": "a", "url": "https://e.org/a", "sha256": "ABC", "size": 1}]}]}""", "models[0].files[0].sha256", "'ABC' is not a SHA-256")]
    [TestCase("""{"models": [{"id": "x", "summary": "s", "license": "MIT", "files": [{"name": "a", "url": "ftp://e.org/a", "sha256": "%", "size": 1}]}]}""", "models[0].files[0].url", "'ftp://e.org/a'")]
    [TestCase("""{"models": [{"id": "x", "summary": "s", "license": "MIT", "files": [{"name": "../a", "url": "https://e.org/a", "sha256": "%", "size": 1}]}]}""", "models[0].files[0].name", "plain file name")]
    [TestCase("""{"models": [{"id": "x", "summary": "s", "license": "MIT", "files": [{"name": "a", "url": "https://e.org/a", "sha256": "%"}]}]}""", "models[0].files[0].size", "size in bytes")]
    [TestCase("""{"models": [{"id": "X Y", "summary": "s", "license": "MIT", "files": []}]}""", "models[0].id", "'X Y' is not a model id")]
    [TestCase("""{"models": [{"id": "x", "summary": "s", "files": [{"name": "a", "url": "https://e.org/a", "sha256": "%", "size": 1}]}]}""", "models[0].license", "\"license\"")]
    [TestCase("""[]""", "models", "\"models\" array")]
    public void A_malformed_manifest_names_the_file_and_field(string json, string field, string problem)
    {
        var e = Assert.Throws<DigitalCellException>(() => ModelManifest.Parse(json.Replace("%", new string('a', 64)), "my-models.json"));
        Assert.That(e!.Message, Does.Contain("my-models.json").And.Contain(field).And.Contain(problem));
    }

    [Test]
    public void The_shipped_manifest_parses_and_an_unknown_id_lists_the_known_ones()
    {
        Assert.That(ModelManifest.Embedded.Select(e => e.Id), Is.Unique, "the shipped manifest parses");
        string extra = Path.Combine(Temp, "extra.json");
        File.WriteAllText(extra, $$"""{"models": [{"id": "dcell-base-small", "summary": "s", "license": "MIT", "files": [{"name": "a", "url": "https://e.org/a", "sha256": "{{new string('b', 64)}}", "size": 1}]}]}""");
        var e = Assert.Throws<DigitalCellException>(() => ModelManifest.Get(ModelManifest.Load([extra]), "dcell-base-huge"));
        Assert.That(e!.Message, Does.Contain("no model 'dcell-base-huge'").And.Contain("dcell-base-small"));
    }

    [Test]
    public void The_zoo_searches_its_folders_in_order_and_the_first_holding_an_id_wins()
    {
        string first = Path.Combine(Temp, "first"), second = Path.Combine(Temp, "second");
        foreach (var (folder, id) in new[] { (first, "a"), (second, "a"), (second, "b") })
            new ModelCard(id, "baseline/control-mean") { Description = folder }.Save(Path.Combine(folder, id));

        Assert.That(ModelZoo.Find("a", [first, second]).Directory, Is.EqualTo(Path.Combine(first, "a")));
        Assert.That(ModelZoo.Find("b", [first, second]).Directory, Is.EqualTo(Path.Combine(second, "b")));
        Assert.That(ModelZoo.List([first, second]).Select(m => (m.Id, m.Card.Description)), Is.EqualTo(new[] { ("a", first), ("b", second) }));
        Assert.That(ModelZoo.SearchPath.TakeLast(2), Is.EqualTo(new[] { ModelZoo.CacheDirectory, ModelZoo.ShippedDirectory }), "cache before the shipped models");
        Assert.That(ModelZoo.Resolve(Path.Combine(first, "a")), Is.EqualTo(Path.Combine(first, "a")), "a folder stays a folder");
        Assert.That(() => ModelZoo.Resolve(Path.Combine(Temp, "no-such-folder")), Throws.TypeOf<DigitalCellException>().With.Message.Contain("not a model folder"));
    }
}
