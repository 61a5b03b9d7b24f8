// dcell serve under load on loopback: N concurrent clients × M single-gene predictions each, on the Papalexi THP-1 screen.
// Usage: dotnet run --project benchmarks/DigitalCell.Web.LoadTest -c Release -- [clients=8] [predictions=50] [model=prior-ridge]
using System.Diagnostics;
using System.Net.Http.Json;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Tests.Shared;
using DigitalCell.Web;
using Microsoft.Extensions.Logging;

int clients = args.Length > 0 ? int.Parse(args[0]) : 8;
int perClient = args.Length > 1 ? int.Parse(args[1]) : 50;
string modelId = args.Length > 2 ? args[2] : "prior-ridge";
const string Papalexi = "papalexi2021-thp1-subset";

var priors = GenePriors.FromDirectory(SharedData.File("gene-priors"));
var entry = new DatasetCatalog(new CatalogOptions { Mirror = SharedData.Mirror }).Get(Papalexi);
var data = entry.ApplySchema(DigitalCell.Sdk.Data.CellDataset.Read(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")));
var sources = new WebPlatformSources(
    [_ => Task.FromResult(new ServedData(Papalexi, data, entry.PerturbationSchema, entry.Title, "THP-1"))],
    [new ServedModelSource(modelId, p => modelId switch
    {
        "prior-ridge" => Baselines.PriorRidge(new PriorModelOptions(p)),
        "prior-mlp" => Baselines.PriorMlp(new PriorModelOptions(p)),
        "linear-prior" => Baselines.LinearPrior(new PriorModelOptions(p)),
        _ => Baselines.Create(modelId),
    })],
    _ => Task.FromResult<GenePriors?>(priors));

var startClock = Stopwatch.StartNew();
await using var app = WebPlatform.Build(new WebPlatformOptions { Port = 0 }, sources, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
await app.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
while (!(await http.GetAsync("/api/v1/health")).IsSuccessStatusCode) await Task.Delay(50);
double readySeconds = startClock.Elapsed.TotalSeconds;

// Distinct genes per request (the measured ones first, then the model's vocabulary), so no answer comes from the cache.
var genes = new List<string>();
for (int page = 0; genes.Count < clients * perClient + 1 && page < 26; page++)
    genes.AddRange((await http.GetFromJsonAsync<string[]>($"/api/v1/models/{modelId}/genes?prefix={(char)('A' + page)}&limit=100"))!);
genes = genes.Distinct().ToList();

var first = Stopwatch.StartNew();
var firstResponse = await http.PostAsJsonAsync("/api/v1/predict", new { model = modelId, perturbation = "IFNGR1" }, WebPlatform.Json);
double firstMs = first.Elapsed.TotalMilliseconds;
if (!firstResponse.IsSuccessStatusCode) throw new InvalidOperationException("first prediction failed: " + await firstResponse.Content.ReadAsStringAsync());

var latencies = new double[clients * perClient];
int errors = 0, refused = 0;
var wall = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
{
    using var client = new HttpClient { BaseAddress = http.BaseAddress };
    for (int i = 0; i < perClient; i++)
    {
        int n = c * perClient + i;
        var clock = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync("/api/v1/predict", new { model = modelId, perturbation = genes[(n + 1) % genes.Count] }, WebPlatform.Json);
        await response.Content.ReadAsByteArrayAsync();
        latencies[n] = clock.Elapsed.TotalMilliseconds;
        if ((int)response.StatusCode == 429) Interlocked.Increment(ref refused);
        else if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
    }
})));
double wallSeconds = wall.Elapsed.TotalSeconds;

// The floor: the same model's Predict called in-process, no HTTP, no answer building.
var schema = entry.PerturbationSchema;
var normalized = DigitalCell.Sdk.Scoring.ExpressionScale.EnsureLogNormalized(data, "data", out _);
var labels = normalized.Obs[schema.PerturbationColumn];
var trained = Enumerable.Range(0, normalized.CellCount).Select(i => labels.GetValue(i)!.ToString()!).Distinct().Where(l => !schema.IsControlLabel(l)).ToArray();
var model = modelId == "prior-ridge" ? Baselines.PriorRidge(new PriorModelOptions(priors)) : Baselines.Create(modelId);
model.Fit(new PerturbationTrainingSet(normalized, schema, trained));
var direct = Stopwatch.StartNew();
int directCalls = Math.Min(200, genes.Count);
for (int i = 0; i < directCalls; i++) model.Predict([Perturbation.Genes(PerturbationMode.Knockout, genes[i])]);
double directMs = direct.Elapsed.TotalMilliseconds / directCalls;

Array.Sort(latencies);
double Percentile(double p) => latencies[(int)Math.Ceiling(p * latencies.Length) - 1];
Console.WriteLine($"model {modelId}, {clients} clients × {perClient} predictions = {latencies.Length} requests, {genes.Count} distinct genes");
Console.WriteLine($"start-up to ready: {readySeconds:0.0} s; first prediction: {firstMs:0} ms");
Console.WriteLine($"latency p50 {Percentile(0.50):0.0} ms, p95 {Percentile(0.95):0.0} ms, max {latencies[^1]:0.0} ms; throughput {latencies.Length / wallSeconds:0} req/s");
Console.WriteLine($"errors (non-2xx, non-429): {errors}; refused (429): {refused}");
Console.WriteLine($"in-process model.Predict, one gene: {directMs:0.00} ms per call (the floor under the HTTP answer)");
return errors == 0 ? 0 : 1;
