using System.Net.Http.Json;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace DigitalCell.Web.Tests;

/// <summary>
/// The platform on the real Papalexi THP-1 screen (from the mirror, through the catalog entry's schema) with the linear,
/// prior-ridge and cell-mean models: one in-memory test server for the API tests, one Kestrel server on a loopback port
/// for the browser (which also serves Kang 2018's IFN-β treatment); and an in-memory server of Kang 2018 for the
/// treatment tests; each started once per run.
/// </summary>
internal static class ServedPlatform
{
    public const string Papalexi = "papalexi2021-thp1-subset";
    public const string File = "papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad";
    public const string Kang = "kang2018-pbmc-ifnb";
    public const string KangFile = "kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad";

    private static readonly Lazy<Task<WebApplication>> InMemory = new(() => StartAsync(testServer: true, LoadPapalexi));
    private static readonly Lazy<Task<WebApplication>> InMemoryKang = new(() => StartAsync(testServer: true, LoadKang));
    private static readonly Lazy<Task<WebApplication>> OnLoopback = new(() => StartAsync(testServer: false, LoadPapalexi, LoadKang));

    /// <summary>The in-memory application (started on first use).</summary>
    public static Task<WebApplication> InMemoryApp => InMemory.Value;

    /// <summary>A client of the in-memory server, once it is ready.</summary>
    public static async Task<HttpClient> ClientAsync() => (await InMemory.Value).GetTestClient();

    /// <summary>A client of the in-memory Kang 2018 server, once it is ready.</summary>
    public static async Task<HttpClient> KangClientAsync() => (await InMemoryKang.Value).GetTestClient();

    /// <summary>The base URL of the loopback server, once it is ready.</summary>
    public static async Task<Uri> LoopbackAsync()
    {
        var app = await OnLoopback.Value;
        return new Uri(app.Urls.First());
    }

    /// <summary>The gene priors from the mirror.</summary>
    public static GenePriors Priors { get; } = GenePriors.FromDirectory(SharedData.File("gene-priors"));

    /// <summary>The Papalexi screen as the catalog maps it.</summary>
    public static ServedData LoadPapalexi() => Load(Papalexi, File, "THP-1");

    /// <summary>Kang 2018's PBMCs, control or IFN-β-stimulated per cell type, as the catalog maps them (a cytokine: its perturbations are treatments).</summary>
    public static ServedData LoadKang() => Load(Kang, KangFile, null);

    /// <summary>A catalog data set from the mirror, served as <c>dcell serve</c> serves a catalog id.</summary>
    private static ServedData Load(string id, string file, string? cellContext)
    {
        var entry = new DatasetCatalog(new CatalogOptions { Mirror = SharedData.Mirror }).Get(id);
        return new ServedData(id, entry.ApplySchema(CellDataset.Read(SharedData.File(file))), entry.PerturbationSchema, entry.Title, cellContext, entry.PerturbationKind);
    }

    /// <summary>The served models: linear first (the default), prior-ridge, cell-mean.</summary>
    public static IReadOnlyList<ServedModelSource> Models { get; } =
    [
        new("linear", _ => Baselines.Linear()),
        new("prior-ridge", priors => Baselines.PriorRidge(new PriorModelOptions(priors))),
        new("cell-mean", _ => Baselines.CellMean()),
    ];

    /// <summary>Builds and starts a platform, waiting until health says ready.</summary>
    public static async Task<WebApplication> StartAsync(WebPlatformSources sources, WebPlatformOptions? options = null, bool testServer = true)
    {
        var app = WebPlatform.Build(options ?? new WebPlatformOptions { Port = 0 }, sources, builder =>
        {
            if (testServer) builder.WebHost.UseTestServer();
            builder.Logging.SetMinimumLevel(LogLevel.Warning); // a request line per call would drown the test output
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>Polls health until 200 (fails after two minutes: start-up fits three models on 20,729 cells).</summary>
    public static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var response = await client.GetAsync(new Uri("/api/v1/health", UriKind.Relative));
            if (response.IsSuccessStatusCode) return;
            var body = await response.Content.ReadFromJsonAsync<HealthBody>(WebPlatform.Json);
            if (body?.Status == "failed" || DateTime.UtcNow > deadline) Assert.Fail($"The platform did not become ready: {body?.Detail}");
            await Task.Delay(100);
        }
    }

    private static async Task<WebApplication> StartAsync(bool testServer, params Func<ServedData>[] data)
    {
        var sources = new WebPlatformSources(data.Select(load => (Func<CancellationToken, Task<ServedData>>)(_ => Task.FromResult(load()))).ToArray(), Models,
            _ => Task.FromResult<GenePriors?>(Priors));
        var app = await StartAsync(sources, new WebPlatformOptions { Port = 0 }, testServer);
        using var client = testServer ? app.GetTestClient() : new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        await WaitUntilReadyAsync(client);
        return app;
    }

    /// <summary>Stops both servers at the end of the run.</summary>
    public static async Task StopAsync()
    {
        foreach (var lazy in new[] { InMemory, InMemoryKang, OnLoopback })
            if (lazy.IsValueCreated) await (await lazy.Value).DisposeAsync();
    }
}

/// <summary>Stops the shared servers after the last test.</summary>
[SetUpFixture]
public sealed class ServedPlatformTeardown
{
    [OneTimeTearDown]
    public Task StopServers() => ServedPlatform.StopAsync();
}
