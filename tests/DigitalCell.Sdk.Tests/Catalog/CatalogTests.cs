using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;
using static DigitalCell.Sdk.Tests.Catalog.CatalogTestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

public class CatalogTests
{
    private string _dir = null!;
    private string _manifests = null!;
    private string _cache = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = RepoPaths.NewTempDirectory();
        _manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        _cache = Path.Combine(_dir, "cache");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>Fails the test if the catalog touches the network at all.</summary>
    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new AssertionException($"unexpected network request to {request.RequestUri}");
    }

    private DatasetCatalog LocalCatalog(FixtureServer? mirror = null, HttpClient? http = null) => new(new CatalogOptions
    {
        CacheDirectory = _cache,
        ManifestDirectories = [_manifests],
        Mirror = mirror?.BaseUri.ToString(),
        AllowInsecureMirror = mirror is not null,
        HttpClient = http,
    });

    [TestCase("papalexi2021-thp1-subset", "papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")]
    [TestCase("norman2019-perturbench-devel", "norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")]
    [TestCase("kang2018-pbmc-ifnb", "kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad")]
    public async Task A_mirror_folder_resolves_files_by_name_offline_in_place_with_their_checksum(string id, string mirrorFile)
    {
        string original = SharedData.File(mirrorFile);
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = SharedData.Mirror, HttpClient = new HttpClient(new NoNetwork()) });
        var entry = catalog.Get(id);
        Assert.That(entry.PrimaryFile.Sha256, Is.EqualTo(Sha256Hex(File.ReadAllBytes(original))), "the manifest's checksum is the mirror file's");
        Assert.That(entry.PrimaryFile.Size, Is.EqualTo(new FileInfo(original).Length));

        var result = await catalog.FetchAsync(id);

        Assert.That(result.Files.Single().Outcome, Is.EqualTo(FetchOutcome.FromMirror));
        Assert.That(result.DataPath, Is.EqualTo(original), "read in place, not copied");
        Assert.That(catalog.IsCached(id), Is.False);
        Assert.That(catalog.IsAvailableOffline(id), Is.True);
        Assert.That((await catalog.VerifyAsync(id)).Single().Status, Is.EqualTo(VerificationStatus.Verified));
    }

    [Test]
    public async Task The_cache_comes_before_the_mirror_and_the_mirror_before_the_network()
    {
        byte[] mirrored = FixtureBytes(4_000, seed: 21);
        WriteEntry(_manifests, "order", "order.h5ad", "h5ad", Sha256Hex(mirrored), mirrored.Length);
        string mirror = Directory.CreateDirectory(Path.Combine(_dir, "mirror", "grouped-by-source")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(mirror, "grouped-by-source", "order.h5ad"), mirrored);
        var catalog = new DatasetCatalog(new CatalogOptions
        {
            CacheDirectory = _cache, ManifestDirectories = [_manifests], Mirror = mirror, HttpClient = new HttpClient(new NoNetwork()),
        });

        var fromMirror = (await catalog.FetchAsync("order")).Files.Single();
        Assert.That(fromMirror.Outcome, Is.EqualTo(FetchOutcome.FromMirror));
        Assert.That(fromMirror.Path, Is.EqualTo(Path.Combine(mirror, "grouped-by-source", "order.h5ad")), "found by name in a folder not named after the id");

        string cached = catalog.FilePath("order", "order.h5ad");
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.WriteAllBytes(cached, mirrored);
        var fromCache = (await catalog.FetchAsync("order")).Files.Single();
        Assert.That(fromCache.Outcome, Is.EqualTo(FetchOutcome.AlreadyCached));
        Assert.That(fromCache.Path, Is.EqualTo(cached));
    }

    [Test]
    public async Task A_mirror_file_with_other_bytes_is_refused_naming_the_file()
    {
        byte[] expected = FixtureBytes(4_000, seed: 22);
        WriteEntry(_manifests, "stale", "stale.h5ad", "h5ad", Sha256Hex(expected), expected.Length);
        string mirror = Directory.CreateDirectory(Path.Combine(_dir, "mirror", "stale")).Parent!.FullName;
        string stale = Path.Combine(mirror, "stale", "stale.h5ad");
        File.WriteAllBytes(stale, FixtureBytes(4_000, seed: 23));
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, ManifestDirectories = [_manifests], Mirror = mirror });

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => catalog.FetchAsync("stale"));

        Assert.That(error!.FilePath, Is.EqualTo(stale));
        Assert.That(error.Message, Does.Contain($"expected {Sha256Hex(expected)}").And.Contain("mirror"));
    }

    [Test]
    public async Task A_file_with_no_public_source_says_to_set_the_mirror()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = Path.Combine(_dir, "empty-mirror") });
        Directory.CreateDirectory(catalog.MirrorDirectory!);

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => catalog.FetchAsync("papalexi2021-thp1-subset"));

        Assert.That(error!.Message, Does.Contain("no public source").And.Contain("DIGITALCELL_MIRROR"));
    }

    [Test]
    public void The_mirror_follows_DIGITALCELL_MIRROR_and_an_option_overrides_it()
    {
        using var mirror = new EnvironmentVariableScope(CatalogOptions.MirrorEnvironmentVariable);
        mirror.Set(_dir);
        Assert.That(new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache }).MirrorDirectory, Is.EqualTo(_dir));
        Assert.That(new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = _manifests }).MirrorDirectory, Is.EqualTo(_manifests));
        mirror.Set(null);
        Assert.That(new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache }).MirrorDirectory, Is.Null);
    }

    [TestCase("papalexi2021-thp1-subset", "GPL-3.0-only", "10.1038/s41588-021-00778-2", "sceptre")]
    [TestCase("norman2019-perturbench-devel", "BSD-3-Clause", "10.1126/science.aax4438", "4dd6a03c54ef348f6be6e46e21ea7f80eb2daaa2")]
    [TestCase("kang2018-pbmc-ifnb", "GPL-3.0-only", "10.1038/nbt.4042", "dd7e178f9b42b9dfef9eb18d0da4b8e3caea4cf7")]
    public void Mirrored_entries_carry_the_attribution_of_the_third_party_notices(string id, string license, string doi, string via)
    {
        var entry = DatasetCatalog.Default.Get(id);
        Assert.That(entry.License, Is.EqualTo(license));
        Assert.That(entry.Citation.Doi, Is.EqualTo(doi));
        Assert.That(entry.Via, Does.Contain(via));
        Assert.That(File.ReadAllText(Path.Combine(RepoPaths.Root, "THIRD-PARTY-NOTICES.md")), Does.Contain(via), "the route is the one THIRD-PARTY-NOTICES.md documents");
    }

    [Test]
    public async Task A_file_without_a_known_checksum_is_pinned_on_first_use_and_checked_afterwards()
    {
        byte[] content = TextBytes(70_000, seed: 11);
        WriteEntry(_manifests, "tofu", "tofu.tsv", "tsv", sha256: null, size: null);
        await using var server = new FixtureServer();
        server.File("tofu/tofu.tsv", content);

        var first = await LocalCatalog(server).FetchAsync("tofu");

        var file = first.Files.Single();
        Assert.That(file.Outcome, Is.EqualTo(FetchOutcome.Downloaded));
        Assert.That(file.PinnedOnFirstUse, Is.True);
        Assert.That(file.Sha256, Is.EqualTo(Sha256Hex(content)));
        var pins = JsonNode.Parse(File.ReadAllText(Path.Combine(_cache, "pins.json")))!;
        Assert.That((string?)pins["pins"]!["tofu/tofu.tsv"]!["sha256"], Is.EqualTo(Sha256Hex(content)));

        // A new catalog (a later run) trusts the pin: verification passes, a tampered file is caught.
        var later = LocalCatalog(server);
        Assert.That((await later.VerifyAsync("tofu")).Single().Status, Is.EqualTo(VerificationStatus.Verified));
        Assert.That(later.ExpectedSha256("tofu", "tofu.tsv"), Is.EqualTo(Sha256Hex(content)));
        File.WriteAllBytes(file.Path, TextBytes(70_000, seed: 12));
        var tampered = (await later.VerifyAsync("tofu")).Single();
        Assert.That(tampered.Status, Is.EqualTo(VerificationStatus.Mismatch));
        Assert.That(tampered.ToString(), Does.Contain($"expected {Sha256Hex(content)}"));
        var error = await Assert.ThrowsAsync<DigitalCellException>(() => later.FetchAsync("tofu"));
        Assert.That(error!.Message, Does.Contain("sha256 mismatch"));
    }

    [Test]
    public async Task A_second_fetch_neither_downloads_nor_rehashes_an_unchanged_file()
    {
        byte[] content = FixtureBytes(10_000, seed: 13);
        WriteEntry(_manifests, "known", "known.h5ad", "h5ad", Sha256Hex(content), content.Length);
        await using var server = new FixtureServer();
        server.File("known/known.h5ad", content);
        var catalog = LocalCatalog(server);

        var first = await catalog.FetchAsync("known");
        var second = await catalog.FetchAsync("known");

        Assert.That(first.Files.Single().PinnedOnFirstUse, Is.False, "the manifest knew the checksum");
        Assert.That(second.Files.Single().Outcome, Is.EqualTo(FetchOutcome.AlreadyCached));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_manifest_checksum_mismatch_is_reported_with_expected_and_actual()
    {
        byte[] content = FixtureBytes(10_000, seed: 14);
        string claimed = Sha256Hex(FixtureBytes(10_000, seed: 15));
        WriteEntry(_manifests, "wrong", "wrong.h5ad", "h5ad", claimed, null);
        await using var server = new FixtureServer();
        server.File("wrong/wrong.h5ad", content);

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalCatalog(server).FetchAsync("wrong"));

        Assert.That(error!.Message, Does.Contain("Data set 'wrong'").And.Contain($"expected {claimed}").And.Contain($"actual {Sha256Hex(content)}"));
        Assert.That(Directory.EnumerateFiles(Path.Combine(_cache, "datasets", "wrong")), Is.Empty, "nothing is left in the cache");
    }

    [Test]
    public async Task Offline_the_error_names_the_data_set_its_url_and_where_to_place_the_file()
    {
        WriteEntry(_manifests, "remote", "remote.h5ad", "h5ad", null, null);
        var catalog = LocalCatalog();

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => catalog.FetchAsync("remote"));

        Assert.That(error!.Message, Does.Contain("Data set 'remote'"));
        Assert.That(error.Message, Does.Contain(UnreachableBase + "remote.h5ad"));
        Assert.That(error.Message, Does.Contain(catalog.FilePath("remote", "remote.h5ad")));
        Assert.That(error.Message, Does.Contain("dcell datasets path remote"));
        Assert.That(error.Message, Does.Contain("pinned on first use"));
    }

    [Test]
    public async Task A_file_placed_by_hand_is_accepted_and_pinned()
    {
        WriteEntry(_manifests, "byhand", "byhand.json", "json", null, null);
        var catalog = LocalCatalog();
        byte[] content = "{\"genes\": [\"IFNGR1\", \"STAT1\"]}"u8.ToArray();
        string path = catalog.FilePath("byhand", "byhand.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);

        var result = await catalog.FetchAsync("byhand");

        Assert.That(result.Files.Single().Outcome, Is.EqualTo(FetchOutcome.AlreadyCached));
        Assert.That(result.Files.Single().PinnedOnFirstUse, Is.True);
        Assert.That(catalog.ExpectedSha256("byhand", "byhand.json"), Is.EqualTo(Sha256Hex(content)));
    }

    [TestCase("h5ad")]
    [TestCase("zip")]
    [TestCase("tsv")]
    [TestCase("json")]
    public async Task Zeros_without_a_checksum_are_neither_kept_nor_pinned(string format)
    {
        // Issue 12: a server answering 400 MB of zeros for a file without checksum had them pinned as the data set.
        byte[] zeros = new byte[4 << 20];
        string name = "zeros." + format;
        WriteEntry(_manifests, "zeros", name, format, sha256: null, size: null);
        await using var server = new FixtureServer();
        server.File("zeros/" + name, zeros);

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalCatalog(server).FetchAsync("zeros"));

        Assert.That(error!.Message, Does.Contain($"does not look like {format}").And.Contain("not trusted or pinned"));
        Assert.That(File.Exists(Path.Combine(_cache, "pins.json")), Is.False, "nothing pinned");
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(_cache, "datasets", "zeros")), Is.Empty, "nothing kept");
    }

    [Test]
    public async Task A_real_h5ad_without_a_checksum_is_pinned_and_zeros_placed_by_hand_are_not()
    {
        WriteEntry(_manifests, "real", "real.h5ad", "h5ad", null, null);
        var catalog = LocalCatalog();
        string path = catalog.FilePath("real", "real.h5ad");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[100_000]);

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => catalog.FetchAsync("real"));
        Assert.That(error!.FilePath, Is.EqualTo(path));
        Assert.That(error.Message, Does.Contain("no HDF5 signature"));
        Assert.That(catalog.ExpectedSha256("real", "real.h5ad"), Is.Null);

        File.Copy(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), path, overwrite: true);
        var result = await catalog.FetchAsync("real");
        Assert.That(result.Files.Single().PinnedOnFirstUse, Is.True);
        Assert.That(catalog.ExpectedSha256("real", "real.h5ad"), Is.EqualTo(Sha256Hex(File.ReadAllBytes(path))));
    }

    [Test]
    public async Task Plain_http_mirrors_are_refused_unless_explicitly_allowed()
    {
        WriteEntry(_manifests, "insecure", "insecure.h5ad", "h5ad", null, null);
        await using var server = new FixtureServer();
        server.File("insecure/insecure.h5ad", FixtureBytes(100));
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, ManifestDirectories = [_manifests], Mirror = server.BaseUri.ToString() });

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => catalog.FetchAsync("insecure"));

        Assert.That(error!.Message, Does.Contain("refusing a http: download"));
        Assert.That(server.Requests, Is.Empty);
    }

    [Test]
    public async Task A_file_mirror_works_when_allowed()
    {
        byte[] content = FixtureBytes(3_000, seed: 17);
        WriteEntry(_manifests, "local", "local.h5ad", "h5ad", Sha256Hex(content), content.Length);
        string mirror = Directory.CreateDirectory(Path.Combine(_dir, "mirror", "local")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(mirror, "local", "local.h5ad"), content);
        var catalog = new DatasetCatalog(new CatalogOptions
        {
            CacheDirectory = _cache, ManifestDirectories = [_manifests], Mirror = new Uri(mirror + "/").ToString(), AllowInsecureMirror = true,
        });

        var result = await catalog.FetchAsync("local");

        Assert.That(File.ReadAllBytes(result.DataPath), Is.EqualTo(content));
        Assert.That(result.Files.Single().Source!.IsFile, Is.True);
    }

    [TestCase("zip")]
    [TestCase("tar.gz")]
    public async Task Archives_are_extracted_and_the_load_path_found(string format)
    {
        byte[] cells = FixtureBytes(2_000, seed: 18);
        byte[] archive = MakeArchive(format, ("bundle/train.h5", cells), ("bundle/README.txt", "hello"u8.ToArray()));
        string name = "bundle." + format;
        WriteEntry(_manifests, "bundle", name, format, Sha256Hex(archive), archive.Length, load: "bundle/train.h5");
        await using var server = new FixtureServer();
        server.File("bundle/" + name, archive);

        var result = await LocalCatalog(server).FetchAsync("bundle");

        Assert.That(result.DataPath, Is.EqualTo(Path.Combine(_cache, "datasets", "bundle", "bundle", "bundle", "train.h5")));
        Assert.That(File.ReadAllBytes(result.DataPath), Is.EqualTo(cells));
    }

    [TestCase("zip")]
    [TestCase("tar.gz")]
    public async Task An_archive_with_a_parent_directory_entry_is_refused_and_nothing_escapes(string format)
    {
        byte[] archive = MakeArchive(format, ("ok.txt", "fine"u8.ToArray()), ("../escaped.txt", "evil"u8.ToArray()));
        string name = "evil." + format;
        WriteEntry(_manifests, "evil", name, format, null, null);
        await using var server = new FixtureServer();
        server.File("evil/" + name, archive);

        var error = await Assert.ThrowsAsync<DigitalCellException>(() => LocalCatalog(server).FetchAsync("evil"));

        Assert.That(error!.Message, Does.Contain("path traversal"));
        Assert.That(error.Element, Is.EqualTo("../escaped.txt"));
        string datasetDir = Path.Combine(_cache, "datasets", "evil");
        Assert.That(File.Exists(Path.Combine(datasetDir, "escaped.txt")), Is.False);
        Assert.That(Directory.Exists(Path.Combine(datasetDir, "evil")), Is.False, "no half-extracted folder");
        Assert.That(Directory.EnumerateDirectories(datasetDir), Is.Empty, "the temporary extraction folder is removed");
    }

    [Test]
    public void An_unknown_id_suggests_close_ones()
    {
        var error = Assert.Throws<DigitalCellException>(() => DatasetCatalog.Default.Get("norman"));
        Assert.That(error!.Message, Does.Contain("norman2019").And.Contain("norman2019-perturbench-devel"));
    }

    [Test]
    public void The_cache_folder_follows_DIGITALCELL_CACHE()
    {
        using var cache = new EnvironmentVariableScope(CatalogOptions.CacheEnvironmentVariable);
        cache.Set(_cache);
        Assert.That(new DatasetCatalog().CacheDirectory, Is.EqualTo(_cache));
        cache.Set(null);
        Assert.That(new DatasetCatalog().CacheDirectory, Does.EndWith("digitalcell"));
    }

    private static byte[] MakeArchive(string format, params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        if (format == "zip")
        {
            using var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (entryName, content) in entries)
            {
                using var stream = zip.CreateEntry(entryName).Open();
                stream.Write(content);
            }
        }
        else
        {
            using var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true);
            using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
            foreach (var (entryName, content) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(content) });
        }
        return buffer.ToArray();
    }
}
