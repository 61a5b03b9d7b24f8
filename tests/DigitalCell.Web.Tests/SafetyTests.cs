using System.Net;
using System.Net.Http.Json;
using System.Text;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalCell.Web.Tests;

/// <summary>The request policy: clear 4xx for every malformed request, limits, headers, API key, readiness, binding.</summary>
public sealed class SafetyTests
{
    /// <summary>The malformed-request set: none may get a 5xx, each gets the status that names its fault.</summary>
    private static readonly (string Name, HttpMethod Method, string Path, string? Body, string ContentType, int Status)[] Malformed =
    [
        ("not JSON", HttpMethod.Post, "/api/v1/predict", "{bad", "application/json", 400),
        ("truncated JSON", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFN", "application/json", 400),
        ("empty body", HttpMethod.Post, "/api/v1/predict", "", "application/json", 400),
        ("JSON null", HttpMethod.Post, "/api/v1/predict", "null", "application/json", 400),
        ("JSON array", HttpMethod.Post, "/api/v1/predict", "[1,2]", "application/json", 400),
        ("number for a string", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": 5}", "application/json", 400),
        ("object for a string", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": {\"a\": 1}}", "application/json", 400),
        ("string for the seed", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"seed\": \"x\"}", "application/json", 400),
        ("seed out of range", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"seed\": 1e40}", "application/json", 400),
        ("context as a string", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"context\": \"THP-1\"}", "application/json", 400),
        ("context column the data lacks", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"context\": {\"cell_type\": \"x\"}}", "application/json", 400),
        ("unknown field", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"path\": \"/etc/passwd\"}", "application/json", 400),
        ("no perturbation", HttpMethod.Post, "/api/v1/predict", "{}", "application/json", 400),
        ("blank perturbation", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"  \"}", "application/json", 400),
        ("empty pair part", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1+\"}", "application/json", 400),
        ("gene twice", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1+ifngr1\"}", "application/json", 400),
        ("control characters", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFN\\u0000GR1\\u001b[31m\"}", "application/json", 400),
        ("three genes", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1+JAK2+STAT1\"}", "application/json", 422),
        ("very long name", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"" + new string('A', 5000) + "\"}", "application/json", 422),
        ("unknown mode", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"mode\": \"delete\"}", "application/json", 400),
        ("mode the model was not fitted on", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"mode\": \"crispra\"}", "application/json", 422),
        ("dose for models that take none", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"dose\": 10}", "application/json", 422),
        ("dose as text", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"dose\": \"10uM\"}", "application/json", 400),
        ("unknown model", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"model\": \"gpt\"}", "application/json", 404),
        ("data set as a path", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"dataset\": \"../../../etc/passwd\"}", "application/json", 404),
        ("data set as an absolute path", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"IFNGR1\", \"dataset\": \"/work/shared/data/x.h5ad\"}", "application/json", 404),
        ("not JSON content type", HttpMethod.Post, "/api/v1/predict", "perturbation=IFNGR1", "application/x-www-form-urlencoded", 415),
        ("huge body", HttpMethod.Post, "/api/v1/predict", "{\"perturbation\": \"" + new string('A', 1 << 20) + "\"}", "application/json", 413),
        ("traversal in a route", HttpMethod.Get, "/api/v1/datasets/..%2F..%2Fetc%2Fpasswd/contexts", null, "", 404),
        ("dot segments in a route", HttpMethod.Get, "/api/v1/datasets/../../etc/passwd/contexts", null, "", 404),
        ("unknown data set's embedding", HttpMethod.Get, "/api/v1/datasets/nope/embedding", null, "", 404),
        ("unknown model's genes", HttpMethod.Get, "/api/v1/models/nope/genes?prefix=A", null, "", 404),
        ("genes with a bad limit", HttpMethod.Get, "/api/v1/models/linear/genes?limit=abc", null, "", 400),
        ("download with a path for a data set", HttpMethod.Get, "/api/v1/predict.csv?dataset=/etc/passwd&perturbation=IFNGR1", null, "", 404),
        ("download with a bad seed", HttpMethod.Get, "/api/v1/predict.h5ad?perturbation=IFNGR1&seed=abc", null, "", 400),
        ("download with no perturbation", HttpMethod.Get, "/api/v1/predict.csv", null, "", 400),
        ("GET on predict", HttpMethod.Get, "/api/v1/predict", null, "", 405),
        ("screen: no objective", HttpMethod.Post, "/api/v1/screen", "{}", "application/json", 400),
        ("screen: unknown Hallmark set", HttpMethod.Post, "/api/v1/screen", "{\"objective\": \"program:HALLMARK_NOPE\"}", "application/json", 400),
        ("screen: unknown objective form", HttpMethod.Post, "/api/v1/screen", "{\"objective\": \"pathway:JAK-STAT\"}", "application/json", 400),
        ("screen: reference column the data lacks", HttpMethod.Post, "/api/v1/screen", "{\"objective\": \"toward:donor=x\"}", "application/json", 400),
        ("screen: objective genes the model does not predict", HttpMethod.Post, "/api/v1/screen", "{\"objective\": \"genes:NOTAGENE1,NOTAGENE2\"}", "application/json", 422),
        ("screen: unknown model", HttpMethod.Post, "/api/v1/screen", Screen("\"model\": \"gpt\""), "application/json", 404),
        ("screen: unknown data set", HttpMethod.Post, "/api/v1/screen", Screen("\"dataset\": \"nope\""), "application/json", 404),
        ("screen: data set as a path", HttpMethod.Post, "/api/v1/screen", Screen("\"dataset\": \"../../../etc/passwd\""), "application/json", 404),
        ("screen: bad direction", HttpMethod.Post, "/api/v1/screen", Screen("\"direction\": \"sideways\""), "application/json", 400),
        ("screen: mode the model was not fitted on", HttpMethod.Post, "/api/v1/screen", Screen("\"mode\": \"crispra\""), "application/json", 422),
        ("screen: candidate list of commas", HttpMethod.Post, "/api/v1/screen", Screen("\"candidates\": \",,,\""), "application/json", 400),
        ("screen: unknown candidate", HttpMethod.Post, "/api/v1/screen", Screen("\"candidates\": \"STAT1,NOTAGENE\""), "application/json", 400),
        ("screen: too many candidates", HttpMethod.Post, "/api/v1/screen", Screen("\"candidates\": \"" + string.Join(",", Enumerable.Range(0, 501).Select(i => "G" + i)) + "\""), "application/json", 422),
        ("screen: candidates as a JSON list", HttpMethod.Post, "/api/v1/screen", Screen("\"candidates\": [\"STAT1\"]"), "application/json", 400),
        ("screen: refits as a string", HttpMethod.Post, "/api/v1/screen", Screen("\"refits\": \"3\""), "application/json", 400),
        ("screen: refits over the ceiling", HttpMethod.Post, "/api/v1/screen", Screen("\"refits\": 50"), "application/json", 422),
        ("screen: no refits", HttpMethod.Post, "/api/v1/screen", Screen("\"refits\": 0"), "application/json", 400),
        ("screen: seed as a fraction", HttpMethod.Post, "/api/v1/screen", Screen("\"seed\": 0.5"), "application/json", 400),
        ("screen: unknown field", HttpMethod.Post, "/api/v1/screen", Screen("\"known\": \"STAT1\""), "application/json", 400),
        ("screen: not JSON", HttpMethod.Post, "/api/v1/screen", "{\"objective\": ", "application/json", 400),
        ("screen: form body", HttpMethod.Post, "/api/v1/screen", "objective=x", "application/x-www-form-urlencoded", 415),
        ("screen CSV with a bad refits", HttpMethod.Get, "/api/v1/screen.csv?objective=INTERFERON_GAMMA_RESPONSE&refits=abc", null, "", 400),
        ("screen CSV with no objective", HttpMethod.Get, "/api/v1/screen.csv", null, "", 400),
        ("screen CSV with a path for a data set", HttpMethod.Get, "/api/v1/screen.csv?dataset=/etc/passwd&objective=INTERFERON_GAMMA_RESPONSE", null, "", 404),
        ("GET on screen", HttpMethod.Get, "/api/v1/screen", null, "", 405),
        ("unknown route", HttpMethod.Get, "/api/v1/../../etc/passwd", null, "", 404),
    ];

    /// <summary>A screen body with a valid objective and one more field.</summary>
    private static string Screen(string field) => "{\"objective\": \"program:HALLMARK_INTERFERON_GAMMA_RESPONSE\", " + field + "}";

    private static IEnumerable<TestCaseData> MalformedCases() => Malformed.Select(m => new TestCaseData(m.Method.Method, m.Path, m.Body, m.ContentType, m.Status).SetName("Malformed: " + m.Name));

    [TestCaseSource(nameof(MalformedCases))]
    public async Task A_malformed_request_gets_the_4xx_naming_its_fault(string method, string path, string? body, string contentType, int status)
    {
        var client = await ServedPlatform.ClientAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.LessThan(500), text);
        Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
        Assert.That(text, Does.Not.Contain("   at ").And.Not.Contain("Exception:"), "no stack trace or exception type reaches the client");
    }

    [Test]
    public async Task An_unknown_gene_is_a_400_with_close_matches()
    {
        var client = await ServedPlatform.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/predict", new { perturbation = "IFNGR" }, WebPlatform.Json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var error = await response.Content.ReadFromJsonAsync<ErrorBody>(WebPlatform.Json);
        Assert.That(error!.Error, Does.Contain("'IFNGR'"));
        Assert.That(error.Field, Is.EqualTo("perturbation"));
        Assert.That(error.Suggestions, Does.Contain("IFNGR1").And.Contain("IFNGR2"));
        Assert.That(error.RequestId, Is.EqualTo(response.Headers.GetValues("X-Request-Id").Single()));
    }

    [TestCase("\"objective\": \"program:HALLMARK_NOPE\"", "objective", "HALLMARK_NOPE")]
    [TestCase("\"objective\": \"INTERFERON_GAMMA_RESPONSE\", \"direction\": \"sideways\"", "direction", "'sideways'")]
    [TestCase("\"objective\": \"INTERFERON_GAMMA_RESPONSE\", \"refits\": 9", "refits", "refits 9")]
    [TestCase("\"objective\": \"INTERFERON_GAMMA_RESPONSE\", \"candidates\": \"STAT1 IFNGR\"", "candidates", "'IFNGR'")]
    [TestCase("\"objective\": \"INTERFERON_GAMMA_RESPONSE\", \"model\": \"gpt\"", "model", "'gpt'")]
    [TestCase("\"objective\": \"INTERFERON_GAMMA_RESPONSE\", \"candidates\": [\"STAT1\"]", "$.candidates", "")]
    public async Task A_bad_screen_request_names_the_field_and_value(string fields, string field, string value)
    {
        var client = await ServedPlatform.ClientAsync();
        var response = await client.PostAsync("/api/v1/screen", new StringContent("{" + fields + "}", Encoding.UTF8, "application/json"));
        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
        var error = (await response.Content.ReadFromJsonAsync<ErrorBody>(WebPlatform.Json))!;
        Assert.That(error.Field, Is.EqualTo(field));
        Assert.That(error.Error, Does.Contain(value));
        if (field == "candidates") Assert.That(error.Suggestions, Does.Contain("IFNGR1").And.Contain("IFNGR2"));
    }

    [Test]
    public async Task Screen_ceilings_and_a_missing_prior_are_refused_naming_the_field()
    {
        // Two candidates at most, no gene priors: the tiny screen's three measured knockouts are too many, a program needs priors.
        await using var app = await ServedPlatform.StartAsync(new WebPlatformSources([_ => Task.FromResult(TinyScreen())], [new("cell-mean", _ => Baselines.CellMean())]),
            new WebPlatformOptions { Port = 0, MaxScreenCandidates = 2 });
        var client = app.GetTestClient();
        await ServedPlatform.WaitUntilReadyAsync(client);
        async Task<ErrorBody> Refused(object body)
        {
            var response = await client.PostAsJsonAsync("/api/v1/screen", body, WebPlatform.Json);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            return (await response.Content.ReadFromJsonAsync<ErrorBody>(WebPlatform.Json))!;
        }
        Assert.That((await Refused(new { objective = "genes:G3,G4", candidates = "measured" })).Field, Is.EqualTo("candidates"));
        Assert.That((await Refused(new { objective = "genes:G3,G4", candidates = "panel" })).Error, Does.Contain("12 genes"));
        Assert.That((await Refused(new { objective = "INTERFERON_GAMMA_RESPONSE", candidates = "G0" })).Field, Is.EqualTo("objective"));
        var ok = await client.PostAsJsonAsync("/api/v1/screen", new { objective = "genes:G0,G1", direction = "down", candidates = "G0,G1" }, WebPlatform.Json);
        var answer = (await ok.Content.ReadFromJsonAsync<ScreenResponse>(WebPlatform.Json))!;
        Assert.That(answer.Rows.Select(r => r.Gene), Is.EquivalentTo(new[] { "G0", "G1" }));
    }

    [Test]
    public async Task A_screen_that_outlives_the_request_timeout_is_stopped_with_504()
    {
        // Three refits of a linear baseline slowed to 400 ms a fit outlast 100 ms on any machine (the plain one can finish
        // in time on an idle one): the request's token stops the work (between fits, or before the screen takes the
        // model), and the answer is a 504, not a late 200 or a 5xx.
        await using var app = await ServedPlatform.StartAsync(new WebPlatformSources([_ => Task.FromResult(ServedPlatform.LoadPapalexi())], [new("linear", _ => new SlowLinear())]),
            new WebPlatformOptions { Port = 0, RequestTimeout = TimeSpan.FromMilliseconds(100) });
        var client = app.GetTestClient();
        await ServedPlatform.WaitUntilReadyAsync(client);
        var response = await client.PostAsJsonAsync("/api/v1/screen", new { objective = "genes:STAT1,IRF1,GBP1", refits = 3 }, WebPlatform.Json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.GatewayTimeout), await response.Content.ReadAsStringAsync());
    }

    [TestCase("/")]
    [TestCase("/app.js")]
    [TestCase("/api/v1/datasets")]
    [TestCase("/api/v1/datasets/nope/contexts")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        var client = await ServedPlatform.ClientAsync();
        var response = await client.GetAsync(path);
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(csp, Does.Contain("script-src 'self';").And.Contain("frame-ancestors 'none'"));
        Assert.That(csp, Does.Not.Contain("unsafe-eval"));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(response.Headers.GetValues("X-Request-Id").Single(), Is.Not.Empty);
    }

    [Test]
    public async Task The_page_has_no_inline_script_and_loads_plotly_from_the_server()
    {
        var client = await ServedPlatform.ClientAsync();
        string page = await client.GetStringAsync("/");
        var scripts = System.Text.RegularExpressions.Regex.Matches(page, "<script([^>]*)>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.That(scripts.Select(m => m.Groups[1].Value.Trim()), Is.EqualTo(new[] { "src=\"/plotly.min.js\" defer", "src=\"/app.js\" defer" }));
        Assert.That(scripts.All(m => m.Groups[2].Value.Length == 0), "no inline script");
        Assert.That(page, Does.Not.Contain("http://").And.Not.Contain("https://"), "no CDN");
        string plotly = await client.GetStringAsync("/plotly.min.js");
        Assert.That(plotly, Does.Contain("plotly.js v3.7.0").Or.Contain("3.7.0"));
    }

    [Test]
    public async Task The_openapi_document_lists_every_api_endpoint()
    {
        var client = await ServedPlatform.ClientAsync();
        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => m.Name.ToUpperInvariant() + " " + p.Name)).Order().ToArray();
        // The endpoints the application actually routes, read from its own endpoint table.
        var app = await InMemoryAppAsync();
        var routed = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Select(m => m + " " + e.RoutePattern.RawText))
            .Order().ToArray();
        Assert.That(routed, Has.Length.GreaterThanOrEqualTo(9));
        Assert.That(documented, Is.EqualTo(routed));
    }

    [Test]
    public async Task Health_is_503_until_the_data_is_loaded_and_the_api_refuses_meanwhile()
    {
        var release = new TaskCompletionSource<ServedData>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await ServedPlatform.StartAsync(new WebPlatformSources([_ => release.Task], [new("cell-mean", _ => Baselines.CellMean())]));
        var client = app.GetTestClient();
        var health = await client.GetAsync("/api/v1/health");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await client.GetAsync("/api/v1/datasets")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        release.SetResult(TinyScreen());
        await ServedPlatform.WaitUntilReadyAsync(client);
        Assert.That((await client.GetAsync("/api/v1/datasets")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_start_up_failure_keeps_health_at_503_saying_why()
    {
        await using var app = await ServedPlatform.StartAsync(new WebPlatformSources([_ => throw new DigitalCellException("file 'x.h5ad' is broken")], [new("cell-mean", _ => Baselines.CellMean())]));
        var client = app.GetTestClient();
        HealthBody? body = null;
        for (int i = 0; i < 100 && body?.Status != "failed"; i++)
        {
            await Task.Delay(50);
            body = await (await client.GetAsync("/api/v1/health")).Content.ReadFromJsonAsync<HealthBody>(WebPlatform.Json);
        }
        Assert.That(body!.Status, Is.EqualTo("failed"));
        Assert.That(body.Detail, Does.Contain("x.h5ad"));
    }

    [Test]
    public async Task With_an_api_key_the_api_needs_it_but_health_and_the_page_do_not()
    {
        await using var app = await ServedPlatform.StartAsync(new WebPlatformSources([_ => Task.FromResult(TinyScreen())], [new("cell-mean", _ => Baselines.CellMean())]),
            new WebPlatformOptions { Port = 0, ApiKey = "s3cret" });
        var client = app.GetTestClient();
        await ServedPlatform.WaitUntilReadyAsync(client);
        Assert.That((await client.GetAsync("/api/v1/datasets")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        client.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        Assert.That((await client.GetAsync("/api/v1/datasets")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", "s3cret");
        Assert.That((await client.GetAsync("/api/v1/datasets")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        Assert.That((await client.GetAsync("/")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("0.0.0.0")]
    [TestCase("192.168.1.10")]
    [TestCase("::")]
    public void A_non_loopback_bind_without_an_api_key_is_refused(string host)
    {
        var e = Assert.Throws<DigitalCellException>(() => WebPlatform.Build(new WebPlatformOptions { Host = host }, new WebPlatformSources([], [])));
        Assert.That(e!.Message, Does.Contain("--api-key"));
    }

    [Test]
    public void The_default_bind_is_loopback() => Assert.That(new WebPlatformOptions().Host, Is.EqualTo("127.0.0.1"));

    [Test]
    public async Task Model_calls_beyond_the_queue_are_refused_with_429_not_5xx()
    {
        // One model call at a time and no queue: of 16 simultaneous predictions some must be refused, none may fail.
        await using var app = await ServedPlatform.StartAsync(new WebPlatformSources([_ => Task.FromResult(TinyScreen())], [new("cell-mean", _ => Baselines.CellMean())]),
            new WebPlatformOptions { Port = 0, ConcurrentPredictions = 1, QueuedPredictions = 0 });
        var client = app.GetTestClient();
        await ServedPlatform.WaitUntilReadyAsync(client);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => client.PostAsJsonAsync("/api/v1/predict", new { perturbation = "G" + (i % 3), seed = i }, WebPlatform.Json)));
        Assert.That(statuses.Select(s => (int)s.StatusCode), Is.All.EqualTo(200).Or.EqualTo(429));
    }

    /// <summary>A made-up screen: 40 control cells and 20 cells for each of G0…G2, 12 genes, counts.</summary>
    internal static ServedData TinyScreen()
    {
        var random = new Random(7);
        string[] labels = Enumerable.Repeat("control", 40).Concat(Enumerable.Range(0, 60).Select(i => "G" + (i % 3))).ToArray();
        string[] genes = Enumerable.Range(0, 12).Select(g => "G" + g).ToArray();
        var values = new float[labels.Length * genes.Length];
        for (int c = 0; c < labels.Length; c++)
            for (int g = 0; g < genes.Length; g++)
                values[c * genes.Length + g] = labels[c] == "G" + g ? random.Next(0, 2) : random.Next(2, 12);
        var obs = new AnnotationTable("obs", labels.Select((_, i) => "cell" + i).ToArray(), [new StringColumn("perturbation", labels)]);
        var data = new CellDataset(new DenseCellMatrix(labels.Length, genes.Length, values), obs, new AnnotationTable("var", genes));
        return new ServedData("tiny", data, new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout));
    }

    private static async Task<WebApplication> InMemoryAppAsync()
    {
        await ServedPlatform.ClientAsync();
        return await ServedPlatform.InMemoryApp;
    }

    /// <summary>The linear baseline with every fit lasting at least 400 ms more, so a timeout test does not race the CPU.</summary>
    private sealed class SlowLinear : IPerturbationModel
    {
        private readonly IPerturbationModel _inner = Baselines.Linear();

        public string Name => _inner.Name;

        public ModelCard Card => _inner.Card;

        public bool IsFitted => _inner.IsFitted;

        public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            _inner.Fit(train, progress, cancellationToken);
            Thread.Sleep(400);
        }

        public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null) => _inner.Predict(perturbations, context);

        public void Save(string directory) => _inner.Save(directory);
    }
}
