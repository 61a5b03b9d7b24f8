using System.Collections.Concurrent;
using System.Globalization;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Screens;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace DigitalCell.Web;

/// <summary>
/// In-silico screens for <c>POST /api/v1/screen</c>, run by the SDK's <see cref="Screen"/> (the engine of
/// <c>dcell screen</c>): checks a <see cref="ScreenRequest"/> against what is served and the per-request ceilings (every
/// refusal an <see cref="ApiProblem"/> naming the field), screens from the context's control cells, and keeps the last
/// answers (a screen is deterministic for its request).
/// </summary>
internal sealed class Screener(PlatformState state, WebPlatformOptions options)
{
    private const int CachedScreens = 64;
    private readonly ConcurrentDictionary<string, ScreenRun> _cache = new(StringComparer.Ordinal);

    /// <summary>Runs the screen <paramref name="request"/> asks for; <paramref name="cancellationToken"/> stops the refits and the screen.</summary>
    /// <exception cref="ApiProblem">The request names something not served, breaks a ceiling, or asks for what the model cannot do.</exception>
    public async Task<ScreenRun> RunAsync(ScreenRequest request, CancellationToken cancellationToken)
    {
        var (model, context, mode) = Predictor.Target(state.Current, request.Dataset, request.Model, request.Context, request.Mode);
        if (model.Dataset.TreatmentKind is string kind)
            throw new ApiProblem(422, $"A screen ranks gene perturbations; the perturbations of '{model.Dataset.Id}' are {kind} treatments, so its models know no gene to screen.", "dataset");
        var direction = ParseDirection(request.Direction);
        int refits = CheckRefits(model, request.Refits);
        var (candidateSpec, genes) = Candidates(model, request.Candidates);
        var (objectiveSpec, objective) = Objective(model.Dataset, context, request.Objective);
        string key = string.Join('\u001f', model.Id, model.Dataset.Id, context.Value ?? "", objectiveSpec, direction, mode, string.Join(',', genes), refits, request.Seed);
        if (_cache.TryGetValue(key, out var cached)) return cached;

        var models = model.Ensemble(refits, request.Seed, cancellationToken);
        // One batch at a time: concurrent requests are the platform's parallelism (bounded by the rate limiter).
        var screen = new Screen(models, context.ControlData.Value, objective, new ScreenOptions(direction, context.Value, Parallelism: 1));
        ScreenResult result;
        try
        {
            result = await model.ExclusiveAsync(() => screen.RunAsync(ScreenCandidates.Genes(mode, genes), null, cancellationToken), cancellationToken);
        }
        catch (DigitalCellException e)
        {
            // Candidates are checked above; what the engine can still refuse is the objective bound to the model's genes.
            throw new ApiProblem(422, e.Message, "objective");
        }
        var run = new ScreenRun(Answer(result, model, context, mode, objectiveSpec, candidateSpec, refits, request.Seed), result);
        if (_cache.Count >= CachedScreens) _cache.Clear();
        _cache[key] = run;
        return run;
    }

    /// <summary>The request a CSV download's query describes (the <see cref="ScreenResponse.Csv"/> link).</summary>
    public static ScreenRequest FromQuery(IQueryCollection query, ServedDataset? dataset) =>
        new(query["model"], query["dataset"], Predictor.QueryContext(query, dataset), query["objective"], query["direction"], query["mode"],
            query["candidates"], Predictor.QueryInt(query, "refits", 1), Predictor.QueryInt(query, "seed", 0));

    private ScreenResponse Answer(ScreenResult result, ServedModel model, ServedContext context, PerturbationMode mode, string objective, string candidates, int refits, int seed)
    {
        bool ensemble = refits > 1;
        var rows = result.Rows.Select(r => new RankedGene(r.Rank, r.Candidate, Predictor.Finite(r.Effect), ensemble ? Predictor.Finite(r.Uncertainty) : null, r.Informed)).ToArray();
        var cards = HitCard.Top(result, options.ScreenHitCards).Select(c => new HitCardBody(c.Rank, c.Candidate, Predictor.Finite(c.PredictedEffect),
            ensemble ? Predictor.Finite(c.Uncertainty) : null, c.SupportingGenes.Select(g => new SupportingGene(g.Gene, g.Change)).ToArray())).ToArray();
        string direction = result.Direction == ScreenDirection.Up ? "up" : "down", modeName = model.Dataset.ModeName(mode);
        var contextBody = context.Column is null ? null : new Dictionary<string, string> { [context.Column] = context.Value! };
        var provenance = new ScreenProvenance(model.Id, model.Sha, model.Dataset.Id, contextBody, context.Label, objective, direction, modeName, candidates,
            refits, seed, SoftwareRecord.Current.SdkVersion);
        var notes = new List<string>
        {
            $"Predictions of '{model.Id}' fitted on every perturbation of '{model.Dataset.Id}', from the mean of the context's {result.StartCells:N0} control cells: hypotheses, and for measured genes in-sample.",
            ensemble ? $"sd: the spread over {refits} refits on seeded 80 % subsamples of the perturbations." : "One refit: no uncertainty (sd is null); ask for refits 2–3 for an ensemble spread.",
        };
        int uninformed = rows.Count(r => !r.Informed);
        if (uninformed > 0) notes.Add($"{uninformed} candidate(s) the model knows nothing about (informed = false): their effect is the model's intercept.");
        if (result.MissingObjectiveGenes.Count > 0) notes.Add($"{result.MissingObjectiveGenes.Count} objective gene(s) the model does not predict could not count.");
        var query = new Dictionary<string, string?>
        {
            ["model"] = model.Id, ["sha"] = model.Sha, ["dataset"] = model.Dataset.Id, ["context"] = context.Value, ["objective"] = objective,
            ["direction"] = direction, ["mode"] = modeName, ["candidates"] = candidates,
            ["refits"] = refits.ToString(CultureInfo.InvariantCulture), ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
        };
        return new ScreenResponse(result.Objective, result.StartCells, result.MissingObjectiveGenes, rows, cards, provenance, notes,
            QueryHelpers.AddQueryString("/api/v1/screen.csv", query.Where(kv => kv.Value is not null)));
    }

    private static ScreenDirection ParseDirection(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "down" => ScreenDirection.Down,
        "up" => ScreenDirection.Up,
        _ => throw new ApiProblem(400, $"Unknown direction '{Predictor.Clip(value)}': use down or up.", "direction"),
    };

    private int CheckRefits(ServedModel model, int refits)
    {
        if (refits < 1) throw new ApiProblem(400, $"refits must be at least 1, got {refits}.", "refits");
        if (refits > options.MaxScreenRefits)
            throw new ApiProblem(422, $"refits {refits}: at most {options.MaxScreenRefits} per request (each refit fits the model again).", "refits");
        if (refits > 1 && !model.Refittable)
            throw new ApiProblem(422, $"Model '{model.Id}' is a saved model: it cannot be refitted here, so refits must be 1.", "refits");
        return refits;
    }

    /// <summary>The candidate genes in the vocabulary's spelling, and the form recorded in the provenance and the CSV link.</summary>
    private (string Spec, string[] Genes) Candidates(ServedModel model, string? value)
    {
        string spec = string.IsNullOrWhiteSpace(value) ? "measured" : value.Trim();
        string[] genes;
        if (spec.Equals("measured", StringComparison.OrdinalIgnoreCase) || spec.Equals("panel", StringComparison.OrdinalIgnoreCase))
        {
            spec = spec.ToLowerInvariant();
            var named = spec == "measured" ? model.Dataset.Targets : model.Dataset.Data.GeneNames;
            genes = named.Select(g => model.Canonical(g) ?? g).Distinct(StringComparer.Ordinal).ToArray();
            if (genes.Length > options.MaxScreenCandidates)
                throw new ApiProblem(422, $"'{spec}' is {genes.Length:N0} genes on '{model.Dataset.Id}'; a screen takes at most {options.MaxScreenCandidates} candidates per request: send a list.", "candidates");
            return (spec, genes);
        }
        var names = spec.Split([',', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new ApiProblem(400, $"'{Predictor.Clip(spec)}' names no gene: send measured, panel or genes separated by commas.", "candidates");
        if (names.Length > options.MaxScreenCandidates)
            throw new ApiProblem(422, $"{names.Length:N0} candidates; a screen takes at most {options.MaxScreenCandidates} per request.", "candidates");
        genes = names.Select(n => model.Canonical(n) ?? throw new ApiProblem(400, $"Model '{model.Id}' does not know the candidate gene '{Predictor.Clip(n)}'.", "candidates",
            ClosestNames.For(n, model.Vocabulary, 5))).Distinct(StringComparer.Ordinal).ToArray();
        return (string.Join(',', genes), genes);
    }

    /// <summary>The objective in <c>dcell screen</c>'s form; reference cells (<c>toward:</c>) come from the context's own cells.</summary>
    private (string Spec, ScreenObjective Objective) Objective(ServedDataset dataset, ServedContext context, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ApiProblem(400, "Name an objective: program:SET (Hallmark), program:progeny/PATHWAY, program:dorothea/TF, genes:A,B,C or toward:COLUMN=VALUE.", "objective");
        string spec = value.Trim();
        if (!spec.Contains(':', StringComparison.Ordinal)) spec = "program:" + spec; // a bare name is a Hallmark set
        try
        {
            return (spec, ScreenObjective.Parse(spec,
                () => state.Priors ?? throw new ApiProblem(422, "No gene priors are loaded, so program objectives are off; use genes:A,B,C or toward:COLUMN=VALUE.", "objective"),
                subset => subset.Apply(context.Cells.Length == dataset.Data.CellCount ? dataset.Data : dataset.Data.SelectCells(context.Cells))));
        }
        catch (DigitalCellException e)
        {
            throw new ApiProblem(400, Predictor.Clip(e.Message, 400), "objective");
        }
    }
}

/// <summary>A finished screen: the API's answer and the SDK's result (whose table is the CSV download).</summary>
internal sealed record ScreenRun(ScreenResponse Response, ScreenResult Result);
