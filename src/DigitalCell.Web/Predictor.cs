using System.Collections.Concurrent;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace DigitalCell.Web;

/// <summary>
/// Checks a <see cref="PredictRequest"/> against what is served (every refusal an <see cref="ApiProblem"/> naming the
/// field; a gene or pair, or on a data set of treatments one of its treatments) and builds the answer: the model's mean
/// profile against the context's controls, top genes, program scores, the measured profile where there is one. Answers
/// are deterministic, so the last ones are kept.
/// </summary>
internal sealed class Predictor(PlatformState state, WebPlatformOptions options)
{
    private const int CachedAnswers = 512;
    private const int MaxPerturbationLength = 200;
    private readonly ConcurrentDictionary<string, PredictResponse> _cache = new(StringComparer.Ordinal);
    private readonly Lazy<(string Library, IReadOnlyList<WeightedGene> Network)[]> _programs = new(() => state.Priors is not GenePriors priors ? [] :
    [
        ("PROGENy", priors.Progeny.Entries),
        ("Hallmark", priors.Hallmark.Sets.SelectMany(s => s.Genes.Select(g => new WeightedGene(s.Name, g, 1))).ToArray()),
    ]);

    /// <summary>The answer to <paramref name="request"/>.</summary>
    /// <exception cref="ApiProblem">The request names something not served, or asks for what the model cannot do.</exception>
    public PredictResponse Predict(PredictRequest request, CancellationToken cancellationToken)
    {
        var (model, context, perturbation, mode) = Resolve(request);
        string key = string.Join('\u001f', model.Id, model.Dataset.Id, context.Value ?? "", perturbation.Key, mode, request.Seed);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        cancellationToken.ThrowIfCancellationRequested();
        var answer = Answer(model, context, perturbation, mode, request.Seed, cancellationToken);
        if (_cache.Count >= CachedAnswers) _cache.Clear();
        _cache[key] = answer;
        return answer;
    }

    private (ServedModel Model, ServedContext Context, Perturbation Perturbation, PerturbationMode Mode) Resolve(PredictRequest request)
    {
        var (model, context, mode) = Target(state.Current, request.Dataset, request.Model, request.Context, request.Mode);
        var dataset = model.Dataset;
        if (request.Dose is not null && !model.TakesDose)
            throw new ApiProblem(422, $"Model '{model.Id}' takes no dose: it predicts a perturbation as '{dataset.Id}' gave it. Leave dose out.", "dose");
        if (string.IsNullOrWhiteSpace(request.Perturbation))
            throw dataset.TreatmentKind is null ? new ApiProblem(400, "Name a perturbation: a gene (IFNGR1) or a pair (A+B).", "perturbation")
                : new ApiProblem(400, $"Name a perturbation: one of the {dataset.TreatmentKind} treatments of '{dataset.Id}': {TreatmentList(dataset)}.", "perturbation", dataset.Treatments.Take(5).Select(t => t.Name).ToArray());
        if (request.Perturbation.Length > MaxPerturbationLength)
            throw new ApiProblem(422, $"The perturbation is {request.Perturbation.Length} characters long; at most {MaxPerturbationLength}.", "perturbation");
        if (dataset.TreatmentKind is string kind)
        {
            // The data set's treatments are its labels; the model was fitted on them as parsed there (dose included).
            var treatment = dataset.Treatment(request.Perturbation.Trim()) ?? throw new ApiProblem(400,
                $"Data set '{dataset.Id}' has no {kind} treatment '{Clip(request.Perturbation)}'; its perturbations are treatments, not genes: {TreatmentList(dataset)}.", "perturbation",
                ClosestNames.For(request.Perturbation, dataset.Treatments.Select(t => t.Name), 5) is { Count: > 0 } close ? close : dataset.Treatments.Take(5).Select(t => t.Name).ToArray());
            return (model, context, treatment.Perturbation, mode);
        }
        var parts = request.Perturbation.Split('+', StringSplitOptions.TrimEntries);
        if (parts.Length > options.MaxGenesPerPerturbation)
            throw new ApiProblem(422, $"'{Clip(request.Perturbation)}' targets {parts.Length} genes; the served models take at most {options.MaxGenesPerPerturbation} (a single gene or a pair A+B).", "perturbation");
        var genes = new string[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0) throw new ApiProblem(400, $"'{Clip(request.Perturbation)}' has an empty part around '+'.", "perturbation");
            genes[i] = model.Canonical(parts[i]) ?? throw new ApiProblem(400,
                $"Model '{model.Id}' does not know the gene '{Clip(parts[i])}'.", "perturbation", ClosestNames.For(parts[i], model.Vocabulary, 5));
        }
        if (genes.Distinct(StringComparer.Ordinal).Count() < genes.Length)
            throw new ApiProblem(400, $"'{Clip(request.Perturbation)}' names a gene twice.", "perturbation");
        return (model, context, new Perturbation(string.Join("+", genes), genes, mode), mode);
    }

    /// <summary>The first treatments of a data set, for a message.</summary>
    private static string TreatmentList(ServedDataset dataset) =>
        string.Join(", ", dataset.Treatments.Take(10).Select(t => t.Name)) + (dataset.Treatments.Count > 10 ? $" … ({dataset.Treatments.Count})" : "");

    /// <summary>
    /// The served model, context and mode a request names (null: the first data set, the first model, the data set's own
    /// mode, the only context); each refusal names its field.
    /// </summary>
    public static (ServedModel Model, ServedContext Context, PerturbationMode Mode) Target(PlatformState.Snapshot snapshot,
        string? datasetId, string? modelId, Dictionary<string, string>? context, string? mode)
    {
        var dataset = datasetId is null ? snapshot.Datasets[0]
            : snapshot.Dataset(datasetId) ?? throw new ApiProblem(404, $"Unknown data set '{Clip(datasetId)}'.", "dataset",
                ClosestNames.For(datasetId, snapshot.Datasets.Select(d => d.Id)));
        modelId ??= snapshot.ModelIds[0];
        var model = snapshot.Model(modelId, dataset) ?? throw new ApiProblem(404,
            $"Model '{Clip(modelId)}' is not served on data set '{dataset.Id}'.", "model",
            snapshot.Models.Where(m => m.Dataset == dataset).Select(m => m.Id).ToArray());
        return (model, ResolveContext(dataset, context), ResolveMode(model, mode));
    }

    private static ServedContext ResolveContext(ServedDataset dataset, Dictionary<string, string>? requested)
    {
        if (requested is null || requested.Count == 0)
            return dataset.Context(null) ?? (dataset.Contexts.Count == 1 ? dataset.Contexts[0]
                : throw new ApiProblem(400, $"Data set '{dataset.Id}' has {dataset.Contexts.Count} contexts in column '{dataset.Schema.ContextColumn}'; name one: {{\"{dataset.Schema.ContextColumn}\": \"…\"}}.", "context",
                    dataset.Contexts.Select(c => c.Value ?? c.Label).Take(10).ToArray()));
        if (requested.Count > 1) throw new ApiProblem(400, "The context names one column and its value.", "context");
        var (column, value) = requested.First();
        if (dataset.Schema.ContextColumn is null)
            throw new ApiProblem(400, $"Data set '{dataset.Id}' has one context (no context column); send \"context\": null.", "context");
        if (column != dataset.Schema.ContextColumn)
            throw new ApiProblem(400, $"Data set '{dataset.Id}' records contexts in column '{dataset.Schema.ContextColumn}', not '{Clip(column)}'.", "context");
        return dataset.Context(value) ?? throw new ApiProblem(404, $"Data set '{dataset.Id}' has no context '{Clip(value)}' with control cells.", "context",
            ClosestNames.For(value ?? "", dataset.Contexts.Select(c => c.Value ?? "")));
    }

    private static PerturbationMode ResolveMode(ServedModel model, string? mode)
    {
        var dataset = model.Dataset;
        string? text = mode?.Trim().ToLowerInvariant();
        var parsed = text switch
        {
            null or "" => model.Modes[0],
            "ko" or "knockout" => PerturbationMode.Knockout,
            "crispri" or "i" => PerturbationMode.CRISPRi,
            "crispra" or "a" => PerturbationMode.CRISPRa,
            // A treatment data set's mode goes by its kind (the answer's and the permalink's mode).
            _ when text == dataset.TreatmentKind => dataset.Schema.DefaultMode,
            _ => throw new ApiProblem(400, $"Unknown mode '{Clip(mode)}': use ko, crispri or crispra{(dataset.TreatmentKind is string kind ? $" ({kind} on '{dataset.Id}')" : "")}.", "mode"),
        };
        if (!model.Modes.Contains(parsed))
            throw new ApiProblem(422, $"Model '{model.Id}' was fitted on {dataset.ModeName(dataset.Schema.DefaultMode)} perturbations of '{dataset.Id}'; it cannot predict {dataset.ModeName(parsed)}.", "mode");
        return parsed;
    }

    private PredictResponse Answer(ServedModel model, ServedContext context, Perturbation perturbation, PerturbationMode mode, int seed, CancellationToken cancellationToken)
    {
        var dataset = model.Dataset;
        // With one context the model's own training controls are the context's controls; otherwise it is told which.
        var controlCells = dataset.Contexts.Count == 1 ? null : context.ControlCells;
        var prediction = model.Predict([perturbation], new PredictionContext(context.Value, 0, seed, controlCells), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var genes = prediction.Genes;
        var control = context.ControlMean;
        if (genes.Count != control.Length)
            throw new DigitalCellException($"Model '{model.Id}' predicts {genes.Count} genes; data set '{dataset.Id}' has {control.Length}.");
        double[] predicted = prediction.Profile(perturbation).ToArray().Select(v => (double)v).ToArray();
        var measuredCells = MeasuredCells(dataset, context, perturbation);
        double[]? measured = measuredCells.Length > 0 ? ServedDataset.ColumnMeans(dataset.Data.X, measuredCells) : null;
        var changes = Enumerable.Range(0, genes.Count)
            .Select(g => new GeneChange(genes[g], predicted[g] - control[g], control[g], predicted[g], measured?[g])).ToArray();
        var up = changes.Where(c => c.Delta > 0).OrderByDescending(c => c.Delta).ThenBy(c => c.Gene, StringComparer.Ordinal).Take(options.TopGenes).ToArray();
        var down = changes.Where(c => c.Delta < 0).OrderBy(c => c.Delta).ThenBy(c => c.Gene, StringComparer.Ordinal).Take(options.TopGenes).ToArray();
        var notes = prediction.Notes.ToList();
        var programs = ProgramScores(genes, control, predicted, measured, notes);
        var comparison = measured is null ? null : new MeasuredComparison(measuredCells.Length, Finite(Pearson(predicted, measured, control)), Rmse(predicted, measured), true, measured);
        if (measured is null) notes.Add($"'{perturbation.Label}' was not measured in this context: no measured profile to compare with.");
        if (dataset.TreatmentKind is string kind)
            notes.Add($"'{perturbation.Label}' is a {kind} treatment; model '{model.Id}' takes no dose: it predicts the treatment as '{dataset.Id}' gave it" +
                      (perturbation.Dose is double dose ? $" ({dose.ToString(System.Globalization.CultureInfo.InvariantCulture)} {perturbation.DoseUnit}, as its label says)." : "."));
        var contextBody = context.Column is null ? null : new Dictionary<string, string> { [context.Column] = context.Value! };
        string modeName = dataset.ModeName(mode);
        var embedding = new EmbeddedProfiles(dataset.Embedding.Project(control), dataset.Embedding.Project(predicted), measured is null ? null : dataset.Embedding.Project(measured));
        return new PredictResponse(model.Id, model.Sha, dataset.Id, contextBody, context.Label, perturbation.Label, modeName, seed,
            genes, control, predicted, up, down, programs, comparison, embedding, notes,
            Permalink(model, dataset, context, perturbation.Label, modeName, seed));
    }

    /// <summary>The page URL that reproduces an answer: model id and sha, data id, context, perturbation, mode and seed.</summary>
    public static string Permalink(ServedModel model, ServedDataset dataset, ServedContext context, string perturbation, string mode, int seed)
    {
        var query = new Dictionary<string, string?>
        {
            ["model"] = model.Id, ["sha"] = model.Sha, ["dataset"] = dataset.Id, ["context"] = context.Value,
            ["perturbation"] = perturbation, ["mode"] = mode, ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString("/", query.Where(kv => kv.Value is not null));
    }

    /// <summary>The request a permalink or download query describes.</summary>
    public static PredictRequest FromQuery(IQueryCollection query, ServedDataset? dataset) =>
        new(query["model"], query["dataset"], QueryContext(query, dataset), query["perturbation"], query["mode"], QueryInt(query, "seed", 0));

    /// <summary>The context a download query names by its value (<c>context=THP-1</c>), as the body's <c>{"column": "value"}</c>.</summary>
    public static Dictionary<string, string>? QueryContext(IQueryCollection query, ServedDataset? dataset)
    {
        string? context = query["context"];
        return string.IsNullOrEmpty(context) || dataset?.Schema.ContextColumn is not string column ? null
            : new Dictionary<string, string> { [column] = context };
    }

    /// <summary>An integer query parameter, <paramref name="fallback"/> when absent; anything else is a 400 naming it.</summary>
    public static int QueryInt(IQueryCollection query, string name, int fallback)
    {
        if (!query.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int value) ? value
            : throw new ApiProblem(400, $"{name} must be an integer, got '{Clip(text.ToString())}'.", name);
    }

    private static int[] MeasuredCells(ServedDataset dataset, ServedContext context, Perturbation perturbation)
    {
        var cells = dataset.CellsOf(perturbation.Key);
        return cells.Length == 0 ? [] : cells.Intersect(context.Cells).Order().ToArray();
    }

    private IReadOnlyList<ProgramScore> ProgramScores(IReadOnlyList<string> genes, double[] control, double[] predicted, double[]? measured, List<string> notes)
    {
        if (state.Priors is not GenePriors priors) { notes.Add("No gene priors are loaded: no program scores."); return []; }
        var rows = measured is null ? new[] { control, predicted } : new[] { control, predicted, measured };
        var values = new float[rows.Length * genes.Count];
        for (int r = 0; r < rows.Length; r++)
            for (int g = 0; g < genes.Count; g++) values[r * genes.Count + g] = (float)rows[r][g];
        string[] names = ["control", "predicted", "measured"];
        var profiles = new CellDataset(new DenseCellMatrix(rows.Length, genes.Count, values),
            new AnnotationTable("obs", names[..rows.Length]), new AnnotationTable("var", genes.ToArray()));
        var scores = new List<ProgramScore>();
        foreach (var (library, network) in _programs.Value)
        {
            try
            {
                // decoupler's ulm, as PathwayActivity / HallmarkActivity compute it, on networks built once.
                var activity = profiles.Ulm(network, 5, priors.Genes);
                for (int s = 0; s < activity.Sources.Count; s++)
                    scores.Add(new ProgramScore(library, activity.Sources[s], Finite(activity.Values[0, s]), Finite(activity.Values[1, s]), measured is null ? null : Finite(activity.Values[2, s])));
            }
            catch (DigitalCellException e)
            {
                notes.Add($"{library}: {e.Message}");
            }
        }
        return scores;
    }

    private static double Pearson(double[] predicted, double[] measured, double[] control)
    {
        int n = control.Length;
        double mp = 0, mm = 0;
        for (int g = 0; g < n; g++) { mp += predicted[g] - control[g]; mm += measured[g] - control[g]; }
        mp /= n; mm /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int g = 0; g < n; g++)
        {
            double x = predicted[g] - control[g] - mp, y = measured[g] - control[g] - mm;
            sxy += x * y; sxx += x * x; syy += y * y;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>JSON has no NaN or ∞: an undefined statistic is null.</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static double Rmse(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Average());

    /// <summary>A request value quoted in a message, cut to <paramref name="max"/> characters and with control characters shown as '?'.</summary>
    public static string Clip(string? value, int max = 60)
    {
        if (value is null) return "";
        var text = value.Length > max ? value[..max] + "…" : value;
        return new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
