using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using DigitalCell.Sdk.Tests.Catalog;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class DemoCommandTests : TempDirectoryTest
{
    private const string SubsetFile = "papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad";

    [Test]
    public void Through_the_mirror_the_summary_counts_match_anndata()
    {
        // The cache lives outside the output folder: a folder holding files dcell did not write is refused as output.
        string cache = Path.Combine(Path.GetTempPath(), "dcell-demo-cache-" + Guid.NewGuid().ToString("N"));
        // dcell hands the demo to dcell-neural (beside it in this build output); few base-model steps keep the test short.
        var result = Dcell.Run("demo", "--output", Temp, "--mirror", SharedData.Mirror, "--cache-dir", cache, "--base-steps", "2/2/2");
        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("papalexi2021-thp1-subset").And.Contain("Perturbation").And.Contain("IFNGR1").And.Contain("knockout"));

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Temp, "summary.json"))).RootElement;
        var reference = PythonPeer.RunJson("""
            import sys, json, anndata
            a = anndata.read_h5ad(sys.argv[1], backed='r')
            print(json.dumps({'n_obs': a.n_obs, 'n_vars': a.n_vars, 'counts': {k: int(v) for k, v in a.obs['perturbation'].value_counts().items()}}))
            """, SharedData.File(SubsetFile));

        Assert.That(summary.GetProperty("source").GetString(), Is.EqualTo(SharedData.File(SubsetFile)), "read in place from the mirror");
        Assert.That(summary.GetProperty("cells").GetInt32(), Is.EqualTo(reference.GetProperty("n_obs").GetInt32()));
        Assert.That(summary.GetProperty("genes").GetInt32(), Is.EqualTo(reference.GetProperty("n_vars").GetInt32()));
        Assert.That(summary.GetProperty("controls").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "control" }));
        var ours = summary.GetProperty("perturbations").EnumerateArray().ToDictionary(p => p.GetProperty("label").GetString()!, p => p.GetProperty("cells").GetInt32());
        var theirs = reference.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.That(ours, Is.EquivalentTo(theirs));
        Assert.That(result.Output, Does.Contain("control-mean").And.Contain("cell-mean").And.Contain("linear").And.Contain("dcell-base-tiny"), "the default benchmark's score table, base model included, follows the summary");
        var split = JsonDocument.Parse(File.ReadAllText(Path.Combine(Temp, "split.json"))).RootElement;
        var test = split.GetProperty("test").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var heading = result.Output.Split('\n').SkipWhile(l => !l.StartsWith("dcell-base-tiny on held-out knockout ", StringComparison.Ordinal)).ToArray();
        Assert.That(heading, Is.Not.Empty, "the knockout table follows the scores");
        string knockout = heading[0]["dcell-base-tiny on held-out knockout ".Length..].Split(' ')[0];
        Assert.That(test, Does.Contain(knockout), "the knockout shown is one the model never saw");
        Assert.That(string.Join('\n', heading), Does.Contain("2/2/2").And.Contain("Predicted Δ").And.Contain("Measured Δ"));
        Assert.That(heading.Count(l => l.StartsWith('│') && !l.Contains("Gene", StringComparison.Ordinal)), Is.EqualTo(10), "ten genes");
        Assert.That(Directory.GetFiles(Temp).Select(Path.GetFileName), Is.EquivalentTo(new[] { DigitalCell.Sdk.IO.AtomicFile.OutputMarker, "summary.json", "report.json", "report.md", "report.html", "results.csv", "agg_results.csv", "split.json", "provenance.json" }));
        Assert.That(Directory.GetFiles(Temp, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)), Is.Empty, "no temporary left behind");
    }

    [Test]
    public void Without_the_neural_plugin_one_line_says_how_to_get_the_base_model_and_the_baselines_run()
    {
        var absent = new ToolPlugin("dcell-absent-plugin", "DigitalCell.Cli.Absent", "nothing");
        var root = new System.CommandLine.RootCommand { DigitalCell.Cli.Commands.DemoCommand.Create(null, absent) };
        var output = new StringWriter();
        var error = new StringWriter();

        int code = Program.Run(root, ["demo", "--out", Temp, "--mirror", SharedData.Mirror, "--cache-dir", Path.Combine(Path.GetTempPath(), "dcell-demo-cache-" + Guid.NewGuid().ToString("N"))], output, error);

        Assert.That(code, Is.EqualTo(0), error.ToString());
        Assert.That(error.ToString().Split('\n').Where(l => l.Contains("base model", StringComparison.Ordinal)).ToArray(),
            Is.EqualTo(new[] { "The digital-cell base model (dcell-base-tiny) is left out of this benchmark: it needs the dcell-absent-plugin plug-in: dotnet tool install --global DigitalCell.Cli.Absent --prerelease (add --add-source artifacts/packages for a local build; it brings nothing)." }));
        Assert.That(output.ToString(), Does.Contain("linear").And.Not.Contain("dcell-base-tiny"));
    }

    [Test]
    public void Offline_without_a_mirror_it_says_in_one_line_what_to_run()
    {
        // The full screen's public source is a closed local port: offline, deterministically, whatever the machine.
        string manifests = Directory.CreateDirectory(Path.Combine(Temp, "manifests")).FullName;
        File.WriteAllText(Path.Combine(manifests, "papalexi2021.json"), File.ReadAllText(Path.Combine(RepoPaths.Root, "datasets-manifest", "papalexi2021.json"))
            .Replace("https://zenodo.org/records/7041849/files/", "https://127.0.0.1:1/"));
        string emptyMirror = Directory.CreateDirectory(Path.Combine(Temp, "empty-mirror")).FullName;

        var result = Dcell.Run("demo", "--output", Path.Combine(Temp, "out"), "--mirror", emptyMirror, "--manifest-dir", manifests, "--cache-dir", Path.Combine(Temp, "cache"));

        Assert.That(result.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        string[] lines = result.Error.TrimEnd().Split('\n');
        Assert.That(lines[0], Does.Contain("papalexi2021-thp1-subset").And.Contain("using the full public screen papalexi2021"), "says which data set it falls back to");
        Assert.That(lines[^1], Does.StartWith("error: dcell demo has no data: run `dcell demo --mirror <folder holding"));
        Assert.That(lines, Has.Length.EqualTo(2));
    }

    [Test]
    public async Task Without_cache_or_mirror_it_downloads_once_from_a_loopback_https_public_source()
    {
        byte[] content = File.ReadAllBytes(SharedData.File(SubsetFile));
        using var certificate = LoopbackCertificate();
        string trusted = Path.Combine(Temp, "loopback-ca.pem");
        File.WriteAllText(trusted, certificate.ExportCertificatePem());
        await using var server = new FixtureServer(certificate);
        server.File("public/papalexi2021_thp1_eccite_subset.h5ad", content);
        string manifests = Directory.CreateDirectory(Path.Combine(Temp, "manifests")).FullName;
        File.WriteAllText(Path.Combine(manifests, "papalexi2021-thp1-subset.json"),
            File.ReadAllText(Path.Combine(RepoPaths.Root, "datasets-manifest", "papalexi2021-thp1-subset.json"))
                .Replace("\"url\": null", $"\"url\": \"{server.Url("public/papalexi2021_thp1_eccite_subset.h5ad")}\""));
        string cache = Path.Combine(Temp, "cache");
        string emptyMirror = Directory.CreateDirectory(Path.Combine(Temp, "empty-mirror")).FullName;
        string[] args = ["demo", "--output", Path.Combine(Temp, "out"), "--cache-dir", cache, "--manifest-dir", manifests, "--mirror", emptyMirror, "--base-steps", "1/1/1"];

        // A separate process: the TLS trust store (SSL_CERT_FILE) is read once per process.
        var first = await RunDcellAsync(args, trusted);
        var second = await RunDcellAsync(args, trusted);

        Assert.That(first.Exit, Is.EqualTo(0), first.Error);
        Assert.That(first.Error, Does.Contain("downloading papalexi2021_thp1_eccite_subset.h5ad"), "progress while downloading");
        Assert.That(first.Output, Does.Contain("IFNGR1").And.Contain("linear"));
        string cached = Path.Combine(cache, "datasets", "papalexi2021-thp1-subset", "papalexi2021_thp1_eccite_subset.h5ad");
        Assert.That(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(cached))), Is.EqualTo(Convert.ToHexString(SHA256.HashData(content))));
        Assert.That(second.Exit, Is.EqualTo(0), second.Error);
        Assert.That(server.Requests.Count(r => r.Method == "GET"), Is.EqualTo(1), "the second run reads the cache");
    }

    private static X509Certificate2 LoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static async Task<(int Exit, string Output, string Error)> RunDcellAsync(string[] args, string trustedCertificates)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "dcell.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["SSL_CERT_FILE"] = trustedCertificates;
        start.Environment.Remove("DIGITALCELL_MIRROR");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await error);
    }
}
