using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests.Packaging;

/// <summary>
/// The packages as users get them: every library and dcell pack into a local feed with README, licence and notices and
/// no data file; dcell installs from that feed as a .NET tool into a temporary tool folder, runs the demo through the
/// mirror, carries no libtorch/ONNX Runtime/DuckDB, and points at the neural plug-in for <c>train</c> and the query
/// plug-in for <c>query</c>.
/// Run alone with <c>dotnet test tests/DigitalCell.Cli.Tests -c Release --filter Category=Pack</c> (about 2 minutes;
/// it packs the projects this test build already built, so it adds no compilation). The neural plug-in tool
/// (DigitalCell.Cli.Neural, ~320 MB of libtorch) and the query plug-in (DigitalCell.Cli.Query, DuckDB for every
/// platform, ~320 MB) are left out: packing them takes minutes more.
/// </summary>
[TestFixture, Category("Pack"), NonParallelizable]
public class ToolPackageTests
{
    private static readonly string[] DataExtensions = [".h5ad", ".h5mu", ".mtx", ".mtx.gz", ".gmt", ".gmt.gz", ".tsv.gz", ".loom", ".rda", ".rds"];
    private string _root = "";
    private string _feed = "";
    private string _tools = "";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [OneTimeSetUp]
    public void PackAndInstall()
    {
        _root = Path.Combine(Path.GetTempPath(), "dcell-pack-tests", Guid.NewGuid().ToString("N"));
        _feed = Path.Combine(_root, "feed");
        _tools = Path.Combine(_root, "tools");
        var projects = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(p => Path.GetFileNameWithoutExtension(p) is not ("DigitalCell.Cli.Neural" or "DigitalCell.Cli.Query")).Order(StringComparer.Ordinal);
        foreach (string project in projects)
            Run(Dotnet, ["pack", project, "-c", Configuration, "--no-build", "-o", _feed, "-nodeReuse:false"], TimeSpan.FromMinutes(3));
        // A private package folder, so the install extracts this build's package rather than a cached one of the same version.
        Run(Dotnet, ["tool", "install", "--tool-path", _tools, "--add-source", _feed, "--ignore-failed-sources", "DigitalCell.Cli", "--prerelease"],
            TimeSpan.FromMinutes(2), ("NUGET_PACKAGES", Path.Combine(_root, "nuget")));
    }

    [OneTimeTearDown]
    public void RemoveTemp()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void Every_package_is_a_prerelease_with_readme_licence_and_notices_and_no_data_file()
    {
        var packages = Directory.GetFiles(_feed, "*.nupkg");
        Assert.That(packages.Select(Path.GetFileName), Is.SupersetOf(new[] { "DigitalCell.Sdk.0.2.0-preview.1.nupkg", "DigitalCell.Cli.0.2.0-preview.1.nupkg" }));
        foreach (string package in packages)
        {
            using var zip = ZipFile.OpenRead(package);
            var names = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.That(names, Is.SupersetOf(new[] { "README.md", "LICENSE", "THIRD-PARTY-NOTICES.md" }), package);
            Assert.That(names.Where(n => DataExtensions.Any(x => n.EndsWith(x, StringComparison.OrdinalIgnoreCase))), Is.Empty, $"{package} ships data");
            using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            Assert.That(metadata.Elements().Single(e => e.Name.LocalName == "license").Value, Is.EqualTo("MIT"), package);
            Assert.That(metadata.Elements().Single(e => e.Name.LocalName == "version").Value, Does.Contain("-preview."), package);
        }
    }

    [Test]
    public void The_installed_dcell_carries_no_libtorch_onnxruntime_duckdb_or_data()
    {
        var files = Directory.GetFiles(Path.Combine(_tools, ".store"), "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".nupkg", StringComparison.Ordinal)).Select(Path.GetFileName).ToArray();
        Assert.That(files, Does.Contain("dcell.dll"));
        Assert.That(files.Where(f => f!.Contains("torch", StringComparison.OrdinalIgnoreCase) || f.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
            || f.Contains("duckdb", StringComparison.OrdinalIgnoreCase)), Is.Empty);
        Assert.That(files.Where(f => DataExtensions.Any(x => f!.EndsWith(x, StringComparison.OrdinalIgnoreCase))), Is.Empty);
    }

    [Test]
    public void The_installed_dcell_runs_the_demo_through_the_mirror()
    {
        string output = Path.Combine(_root, "demo");
        var (exit, stdout, stderr) = Run(Path.Combine(_tools, "dcell"),
            ["demo", "--mirror", SharedData.Mirror, "--cache-dir", Path.Combine(_root, "cache"), "--output", output], TimeSpan.FromMinutes(3));
        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("papalexi2021-thp1-subset").And.Contain("IFNGR1").And.Contain("cell-mean"));
        Assert.That(File.Exists(Path.Combine(output, "report.json")));
    }

    [Test]
    public void The_installed_dcell_says_how_to_install_the_neural_plugin()
    {
        var (exit, _, stderr) = Run(Path.Combine(_tools, "dcell"), ["train", "cells.h5ad", "--out", "model"], TimeSpan.FromMinutes(1), expectSuccess: false);
        Assert.That(exit, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(stderr.Trim(), Does.StartWith("error: `dcell train` needs the dcell-neural plug-in").And.Contain("dotnet tool install --global DigitalCell.Cli.Neural --prerelease"));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void The_installed_dcell_says_how_to_install_the_query_plugin()
    {
        var (exit, _, stderr) = Run(Path.Combine(_tools, "dcell"), ["query", "shards", "SELECT 1"], TimeSpan.FromMinutes(1), expectSuccess: false);
        Assert.That(exit, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(stderr.Trim(), Does.StartWith("error: `dcell query` needs the dcell-query plug-in").And.Contain("dotnet tool install --global DigitalCell.Cli.Query --prerelease"));
    }

    [Test]
    public void The_installed_dcell_serves_the_page_and_a_prediction()
    {
        // The tool resolves the ASP.NET Core shared framework and carries the page and plotly.js as resources.
        int port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(_tools, "dcell")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (string a in new[] { "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", "papalexi2021-thp1-subset", "--models", "linear",
                     "--mirror", SharedData.Mirror, "--cache-dir", Path.Combine(_root, "cache") })
            start.ArgumentList.Add(a);
        start.Environment["DOTNET_ROOT"] = DotnetRoot;
        using var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!Ready(http))
            {
                Assert.That(server.HasExited, Is.False, "dcell serve exited");
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "dcell serve did not become ready in 2 minutes");
                Thread.Sleep(200);
            }
            Assert.That(http.GetStringAsync("/").Result, Does.Contain("<script src=\"/app.js\""));
            Assert.That(http.GetByteArrayAsync("/plotly.min.js").Result, Has.Length.GreaterThan(1_000_000));
            var answer = http.PostAsync("/api/v1/predict", new StringContent("{\"perturbation\": \"STAT1\"}", System.Text.Encoding.UTF8, "application/json")).Result;
            Assert.That((int)answer.StatusCode, Is.EqualTo(200), answer.Content.ReadAsStringAsync().Result);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private static bool Ready(HttpClient http)
    {
        try { return http.GetAsync("/api/v1/health").Result.IsSuccessStatusCode; }
        catch (AggregateException) { return false; } // not listening yet
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Dotnet => Path.Combine(DotnetRoot, "dotnet");

    /// <summary>The dotnet installation running these tests (…/shared/Microsoft.NETCore.App/&lt;version&gt;/ → its root).</summary>
    private static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    private static (int Exit, string Output, string Error) Run(string program, string[] args, TimeSpan limit, (string Name, string Value)? variable = null, bool expectSuccess = true)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (string a in args) start.ArgumentList.Add(a);
        // Only the dotnet host on PATH: a dcell-neural installed elsewhere on this machine must not be found.
        start.Environment["PATH"] = DotnetRoot + Path.PathSeparator + "/usr/bin" + Path.PathSeparator + "/bin";
        start.Environment["DOTNET_ROOT"] = DotnetRoot;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("DIGITALCELL_MIRROR");
        if (variable is { } v) start.Environment[v.Name] = v.Value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} ran over {limit}");
        }
        var result = (process.ExitCode, output.Result, error.Result);
        if (expectSuccess && result.ExitCode != 0) Assert.Fail($"{program} {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Item2}\n{result.Item3}");
        return result;
    }
}
