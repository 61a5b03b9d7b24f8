using System.Security.Cryptography;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class DatasetsCommandTests
{
    private string _dir = null!;
    private string _cache = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dcell-cli-datasets", Guid.NewGuid().ToString("N"));
        _cache = Path.Combine(_dir, "cache");
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Output, string Error) Dcell(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.Run(["datasets", .. args, "--cache-dir", _cache], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("repository root not found");
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    [Test]
    public void List_shows_every_data_set_and_which_the_mirror_holds()
    {
        var (exit, output, _) = Dcell("list", "--mirror", SharedData.Mirror);
        Assert.That(exit, Is.EqualTo(0));
        foreach (string id in new[] { "norman2019", "replogle2022-k562-essential", "replogle2022-rpe1", "adamson2016", "dixit2016", "papalexi2021", "sciplex3", "tahoe100m", "vcc2025-h1", "cellxgene-aida-pbmc" })
            Assert.That(output, Does.Contain(id));
        Assert.That(output.Split('\n').Where(l => l.TrimEnd().EndsWith("mirror", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]),
            Is.SupersetOf(new[] { "kang2018-pbmc-ifnb", "norman2019-perturbench-devel", "papalexi2021-thp1-subset" }).And.No.Member("norman2019"));
        Assert.That(output, Does.Contain($"Cache: {_cache}"));
    }

    [Test]
    public void Info_gives_citation_url_and_an_honest_checksum_state()
    {
        var (exit, output, _) = Dcell("info", "replogle2022-rpe1");
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("https://doi.org/10.1016/j.cell.2022.05.013"));
        Assert.That(output, Does.Contain("url:    https://zenodo.org/records/7041849/files/ReplogleWeissman2022_rpe1.h5ad?download=1"));
        Assert.That(output, Does.Contain("sha256: unknown; pinned on first use when fetched"));
        Assert.That(output, Does.Contain("gene ids 'ensembl_id'"));
    }

    [Test]
    public void Fetch_from_the_mirror_folder_needs_no_network_and_prints_path_and_checksum()
    {
        string path = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
        var (exit, output, _) = Dcell("fetch", "papalexi2021-thp1-subset", "--mirror", SharedData.Mirror);
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("found in the mirror"));
        Assert.That(output, Does.Contain($"path:   {path}"));
        Assert.That(output, Does.Contain($"sha256: {Sha256(File.ReadAllBytes(path))} (matches the manifest)"));
        Assert.That(Dcell("path", "papalexi2021-thp1-subset").Output.Trim(),
            Is.EqualTo(Path.Combine(_cache, "datasets", "papalexi2021-thp1-subset", "papalexi2021_thp1_eccite_subset.h5ad")), "where to place it by hand");
    }

    [Test]
    public void Fetch_from_a_mirror_folder_states_trust_on_first_use_and_verify_catches_tampering()
    {
        string manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        string entry = File.ReadAllText(RepositoryFile("datasets-manifest/dixit2016.json"))
            .Replace("\"id\": \"dixit2016\"", "\"id\": \"mirrored\"")
            .Replace("https://zenodo.org/records/7041849/files/", "https://127.0.0.1:1/");
        File.WriteAllText(Path.Combine(manifests, "mirrored.json"), entry);
        // Trust on first use pins only a file that parses as its format: a small h5ad made here.
        string mirror = Path.Combine(_dir, "mirror");
        string file = Path.Combine(Directory.CreateDirectory(Path.Combine(mirror, "mirrored")).FullName, "DixitRegev2016.h5ad");
        H5adFile.Write(new CellDataset(new DenseCellMatrix(2, 3, [1, 0, 2, 0, 3, 0]), new AnnotationTable("obs", ["c1", "c2"]), new AnnotationTable("var", ["g1", "g2", "g3"])), file);
        byte[] content = File.ReadAllBytes(file);
        string[] options = ["--manifest-dir", manifests, "--mirror", mirror];

        var (exit, output, _) = Dcell(["fetch", "mirrored", .. options]);

        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain($"sha256: {Sha256(content)}"));
        Assert.That(output, Does.Contain("pinned on first use"));
        Assert.That(Dcell(["verify", "mirrored", .. options]).Exit, Is.EqualTo(0));

        File.WriteAllBytes(Path.Combine(mirror, "mirrored", "DixitRegev2016.h5ad"), File.ReadAllBytes(SharedData.File("marson-cd4-crispri-cellxgene/small_perturbations.h5ad")));
        var verify = Dcell(["verify", "mirrored", .. options]);
        Assert.That(verify.Exit, Is.EqualTo(1));
        Assert.That(verify.Output, Does.Contain($"sha256 mismatch: expected {Sha256(content)}"));
    }

    [Test]
    public void A_plain_http_mirror_is_refused_without_the_explicit_option()
    {
        // The entry's own URL points at a closed local port, so nothing here can reach the internet.
        string manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.WriteAllText(Path.Combine(manifests, "local.json"), File.ReadAllText(RepositoryFile("datasets-manifest/dixit2016.json"))
            .Replace("\"id\": \"dixit2016\"", "\"id\": \"local\"")
            .Replace("https://zenodo.org/records/7041849/files/", "https://127.0.0.1:1/"));

        var (exit, _, error) = Dcell("fetch", "local", "--manifest-dir", manifests, "--mirror", "http://127.0.0.1:1/");

        Assert.That(exit, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(error, Does.StartWith("error: Data set 'local'").And.Contain("refusing a http: download").And.Contain("--allow-insecure-mirror"));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line on stderr");
    }

    [Test]
    public void Offline_fetch_says_where_to_place_the_file_by_hand()
    {
        string manifests = Directory.CreateDirectory(Path.Combine(_dir, "manifests")).FullName;
        File.WriteAllText(Path.Combine(manifests, "offline.json"), File.ReadAllText(RepositoryFile("datasets-manifest/adamson2016.json"))
            .Replace("\"id\": \"adamson2016\"", "\"id\": \"offline\"")
            .Replace("https://zenodo.org/records/7041849/files/", "https://127.0.0.1:1/"));

        var (exit, _, error) = Dcell("fetch", "offline", "--manifest-dir", manifests);

        Assert.That(exit, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(error, Does.Contain("https://127.0.0.1:1/AdamsonWeissman2016_GSM2406681_10X010.h5ad"));
        Assert.That(error, Does.Contain(Path.Combine(_cache, "datasets", "offline", "AdamsonWeissman2016_GSM2406681_10X010.h5ad")));
        Assert.That(error, Does.Contain("dcell datasets path offline"));
    }

    [Test]
    public void Verify_without_an_id_summarises_unfetched_data_sets()
    {
        var (exit, output, _) = Dcell("verify", "--mirror", SharedData.Mirror);
        Assert.That(exit, Is.EqualTo(0));
        foreach (string file in new[] { "papalexi2021_thp1_eccite_subset.h5ad", "perturbench_devel.h5ad", "kang2018_pbmc_ifnb_scgen_valid.h5ad" })
            Assert.That(output.Split('\n').Count(l => l.Contains(file + ": ok (sha256")), Is.EqualTo(1), $"{file} verifies from the mirror against the manifest");
        Assert.That(output, Does.Contain("not fetched"));
    }
}
