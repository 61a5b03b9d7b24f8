using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DigitalCell.Web;

/// <summary>The <c>/api/v1</c> routes. Every id in a route or query is looked up among the served ones; none reaches the file system.</summary>
internal static class ApiEndpoints
{
    /// <summary>The rate-limiter policy that bounds concurrent model calls.</summary>
    public const string ModelCalls = "model-calls";

    /// <summary>Maps the routes onto <paramref name="app"/>.</summary>
    public static void Map(IEndpointRouteBuilder app, PlatformState state, Predictor predictor, Screener screener, WebPlatformOptions options)
    {
        var api = app.MapGroup("/api/v1");

        api.MapGet("/health", () => state.IsReady
                ? Results.Ok(new HealthBody("ready", state.Status, state.StartSeconds))
                : Results.Json(new HealthBody(state.Failed ? "failed" : "starting", state.Status, null), statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("health").WithSummary("200 once data sets are loaded and models fitted; 503 before (or when start-up failed).")
            .Produces<HealthBody>().Produces<HealthBody>(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/models", () => Ready(state).Models.GroupBy(m => m.Id).Select(g => new ModelBody(g.Key, g.First().Model.Card.Description,
                g.First().Model.Card.Architecture, g.Select(m => new FittedModelBody(m.Dataset.Id, m.Sha, m.Modes.Select(m.Dataset.ModeName).ToArray(), m.Vocabulary.Count,
                    Treatments(m.Dataset), m.TakesDose)).ToArray())).ToArray())
            .WithName("models").WithSummary("The served models, each with the data sets it is fitted on, its sha, modes and treatments.")
            .WithDescription(NoDose);

        api.MapGet("/models/{id}/genes", (string id, string? dataset, string? prefix, int? limit) =>
            {
                var snapshot = Ready(state);
                var data = dataset is null ? snapshot.Datasets[0] : snapshot.Dataset(dataset) ?? throw new ApiProblem(404, $"Unknown data set '{Predictor.Clip(dataset)}'.", "dataset");
                var model = snapshot.Model(id, data) ?? throw new ApiProblem(404, $"Model '{Predictor.Clip(id)}' is not served on '{data.Id}'.", "id");
                int take = Math.Clamp(limit ?? 20, 1, 100);
                string start = (prefix ?? "").Trim();
                // Perturbed genes first: they are the ones with a measured answer to compare with.
                return model.Vocabulary.Where(g => g.StartsWith(start, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(g => data.Targets.Contains(g, StringComparer.Ordinal) ? 0 : 1).ThenBy(g => g.Length).ThenBy(g => g, StringComparer.Ordinal)
                    .Take(take).ToArray();
            })
            .WithName("genes").WithSummary("Gene autocomplete: the model's vocabulary starting with prefix (case-insensitive), perturbed genes first.");

        api.MapGet("/datasets", () => Ready(state).Datasets.Select(d => new DatasetBody(d.Id, d.Source.Title, d.Data.CellCount, d.Data.GeneCount,
                d.Labels.Distinct(StringComparer.Ordinal).Count(l => !d.Schema.IsControlLabel(l)), d.Schema.ContextColumn, d.ModeName(d.Schema.DefaultMode), d.ScaleNote,
                Treatments(d))).ToArray())
            .WithName("datasets").WithSummary("The served data sets, with their treatments where the perturbations are cytokines or compounds rather than genes.")
            .WithDescription(NoDose);

        api.MapGet("/datasets/{id}/contexts", (string id) => Dataset(state, id).Contexts
                .Select(c => new ContextBody(c.Column, c.Value, c.Label, c.Cells.Length, c.Controls.Length)).ToArray())
            .WithName("contexts").WithSummary("The data set's contexts (cell line, type, donor) from the schema's context column; one when it has none.");

        api.MapGet("/datasets/{id}/embedding", (string id) =>
            {
                var data = Dataset(state, id);
                var e = data.Embedding;
                return new EmbeddingBody(e.X, e.Y, e.Cells.Select(i => data.Labels[i]).ToArray(),
                    data.EmbeddingContexts, e.VarianceRatio);
            })
            .WithName("embedding").WithSummary("PCA (first two components) of a seeded sample of the data set's cells, with each cell's perturbation and context.");

        api.MapPost("/predict", async (HttpContext http) =>
            {
                Ready(state);
                var request = await ReadJson<PredictRequest>(http, options);
                return Results.Json(predictor.Predict(request, http.RequestAborted), WebPlatform.Json);
            })
            .Accepts<PredictRequest>("application/json").Produces<PredictResponse>().Produces<ErrorBody>(400)
            .WithName("predict").WithSummary("The predicted response of a context's cells to a gene, a pair or a treatment, with top genes, program scores and the measurement where there is one.")
            .WithDescription("perturbation: a gene (IFNGR1) or a pair (A+B) with mode ko, crispri or crispra; on a data set of treatments (kang2018-pbmc-ifnb: " +
                "cytokine), one of the treatments GET /api/v1/datasets lists, with no mode (or the kind). " + NoDose + " An unknown gene or treatment is a 400 with suggestions.")
            .RequireRateLimiting(ModelCalls);

        Func<IQueryCollection, ServedDataset, CancellationToken, Task<PredictResponse>> predictQuery =
            (query, dataset, cancellationToken) => Task.FromResult(predictor.Predict(Predictor.FromQuery(query, dataset), cancellationToken));

        api.MapGet("/predict.csv", (HttpContext http, CancellationToken cancellationToken) => Download(http, cancellationToken, state, predictQuery, "text/csv", ResultDownloads.Csv, a => ResultDownloads.FileName(a, "csv")))
            .WithName("predict-csv").WithSummary("The prediction of the query (as in a permalink) as CSV, one row per gene.").RequireRateLimiting(ModelCalls);

        api.MapGet("/predict.h5ad", (HttpContext http, CancellationToken cancellationToken) => Download(http, cancellationToken, state, predictQuery, "application/x-hdf5", ResultDownloads.H5ad, a => ResultDownloads.FileName(a, "h5ad")))
            .WithName("predict-h5ad").WithSummary("The prediction of the query as h5ad: control, predicted and measured mean profiles as rows.").RequireRateLimiting(ModelCalls);

        api.MapPost("/screen", async (HttpContext http) =>
            {
                Ready(state);
                var request = await ReadJson<ScreenRequest>(http, options);
                return Results.Json((await screener.RunAsync(request, http.RequestAborted)).Response, WebPlatform.Json);
            })
            .Accepts<ScreenRequest>("application/json").Produces<ScreenResponse>().Produces<ErrorBody>(400)
            .WithName("screen").WithSummary("An in-silico screen: the candidate genes of a context ranked by how the model predicts their perturbation moves the objective, with hit cards and provenance.")
            .RequireRateLimiting(ModelCalls);

        Func<IQueryCollection, ServedDataset, CancellationToken, Task<ScreenRun>> screenQuery =
            (query, dataset, cancellationToken) => screener.RunAsync(Screener.FromQuery(query, dataset), cancellationToken);

        api.MapGet("/screen.csv", (HttpContext http, CancellationToken cancellationToken) => Download(http, cancellationToken, state, screenQuery, "text/csv", ResultDownloads.ScreenCsv, run => ResultDownloads.FileName(run, "csv")))
            .WithName("screen-csv").WithSummary("The screen of the query (the answer's csv link) as CSV, one row per candidate in rank order.").RequireRateLimiting(ModelCalls);
    }

    /// <summary>A file of the answer to a download's query (a permalink's or a screen's <c>csv</c> link); the data set it names scopes its context.</summary>
    private static async Task<IResult> Download<T>(HttpContext http, CancellationToken cancellationToken, PlatformState state,
        Func<IQueryCollection, ServedDataset, CancellationToken, Task<T>> answer, string contentType, Func<T, byte[]> write, Func<T, string> fileName)
    {
        var snapshot = Ready(state);
        var result = await answer(http.Request.Query, snapshot.Dataset(http.Request.Query["dataset"]) ?? snapshot.Datasets[0], cancellationToken);
        return Results.File(write(result), contentType, fileName(result));
    }

    /// <summary>Reads a JSON body of at most the configured size; malformed, oversized or mistyped bodies are 4xx naming the fault.</summary>
    private static async Task<T> ReadJson<T>(HttpContext http, WebPlatformOptions options)
    {
        if (http.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            throw new ApiProblem(415, "Send the request as JSON (Content-Type: application/json).");
        if (http.Request.ContentLength > options.MaxRequestBytes)
            throw new ApiProblem(413, $"The request body is {http.Request.ContentLength} bytes; at most {options.MaxRequestBytes}.");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > options.MaxRequestBytes) throw new ApiProblem(413, $"The request body is over {options.MaxRequestBytes} bytes.");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), WebPlatform.Json)
                ?? throw new ApiProblem(400, "The request body is JSON null; send an object.");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the path ($.perturbation) and the position; the message has no server detail.
            throw new ApiProblem(400, "The request body is not a valid request: " + e.Message, e.Path);
        }
    }

    private static PlatformState.Snapshot Ready(PlatformState state) =>
        state.IsReady ? state.Current : throw new ApiProblem(503, $"Not ready: {state.Status}. Poll /api/v1/health.");

    private static ServedDataset Dataset(PlatformState state, string id)
    {
        var snapshot = Ready(state);
        return snapshot.Dataset(id) ?? throw new ApiProblem(404, $"Unknown data set '{Predictor.Clip(id)}'.", "id",
            Sdk.Perturbations.ClosestNames.For(id, snapshot.Datasets.Select(d => d.Id)));
    }

    /// <summary>What the OpenAPI document says about doses.</summary>
    private const string NoDose = "No served model takes a dose (takes_dose: false): a treatment is predicted as the data set gave it " +
        "(a compound label's dose is part of it: dose, dose_unit); a request with a dose field is refused with 422 naming it.";

    private static TreatmentBody[] Treatments(ServedDataset dataset) => dataset.Treatments
        .Select(t => new TreatmentBody(t.Name, dataset.TreatmentKind!, t.Perturbation.Dose, t.Perturbation.DoseUnit, t.Cells)).ToArray();
}

/// <summary>Readiness.</summary>
public sealed record HealthBody(string Status, string Detail, double? StartSeconds);

/// <summary>A served model.</summary>
public sealed record ModelBody(string Id, string? Description, string Architecture, IReadOnlyList<FittedModelBody> Fitted);

/// <summary>A model fitted on one data set.</summary>
/// <param name="Dataset">The data set.</param>
/// <param name="Sha">Fingerprint of the fitted model.</param>
/// <param name="Modes">What it predicts: <c>ko</c>, <c>crispri</c>, <c>crispra</c>, or the data set's treatment kind.</param>
/// <param name="VocabularySize">Genes it accepts as targets.</param>
/// <param name="Treatments">The data set's treatments it was fitted on (empty for genetic perturbations).</param>
/// <param name="TakesDose">False for every served model: a dose in a request is refused.</param>
public sealed record FittedModelBody(string Dataset, string Sha, IReadOnlyList<string> Modes, int VocabularySize, IReadOnlyList<TreatmentBody> Treatments, bool TakesDose);

/// <summary>A served data set.</summary>
/// <param name="Id">The id requests name it by.</param>
/// <param name="Title">One line for the picker.</param>
/// <param name="Cells">Cells.</param>
/// <param name="Genes">Measured genes.</param>
/// <param name="Perturbations">Distinct non-control perturbation labels.</param>
/// <param name="ContextColumn">The obs column of the contexts, or null.</param>
/// <param name="Mode">Its perturbations' mode: <c>ko</c>, <c>crispri</c>, <c>crispra</c>, a treatment kind, or <c>other</c>.</param>
/// <param name="ScaleNote">How X was brought to log1p scale.</param>
/// <param name="Treatments">Its treatments when its perturbations are cytokines or compounds rather than genes; else empty.</param>
public sealed record DatasetBody(string Id, string? Title, int Cells, int Genes, int Perturbations, string? ContextColumn, string Mode, string ScaleNote, IReadOnlyList<TreatmentBody> Treatments);

/// <summary>A treatment a data set's cells were given (and its models were fitted on).</summary>
/// <param name="Name">The label to send as <c>perturbation</c>.</param>
/// <param name="Kind"><c>cytokine</c>, <c>compound</c>, or <c>treatment</c> (a label that names no gene, of unstated kind).</param>
/// <param name="Dose">The dose the label names (compounds such as <c>drug_10uM</c>), or null; not an input: no model takes a dose.</param>
/// <param name="DoseUnit">Its unit, or null.</param>
/// <param name="Cells">Cells given it, over all contexts.</param>
public sealed record TreatmentBody(string Name, string Kind, double? Dose, string? DoseUnit, int Cells);

/// <summary>A context of a data set.</summary>
public sealed record ContextBody(string? Column, string? Value, string Label, int Cells, int ControlCells);

/// <summary>The embedding of a sample of cells.</summary>
public sealed record EmbeddingBody(double[] X, double[] Y, IReadOnlyList<string> Perturbation, IReadOnlyList<string> Context, double[] VarianceRatio);
