using System.CommandLine;
using System.Globalization;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Screens;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell screen</c>: an in-silico screen of a model over candidate perturbations for an objective (a gene program or a
/// reference state), writing <c>screen.csv</c>, a report with a figure, hit cards and, with <c>--validate</c>, a
/// leave-one-perturbation-out validation against the measured perturbations of the data.
/// </summary>
public static class ScreenCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="forwardNeural">True in dcell, which has no neural backend: a screen of a neural model (the base model,
    /// a saved neural or ONNX model) runs in the <c>dcell-neural</c> plug-in, which builds this same command with it.</param>
    public static Command Create(bool forwardNeural)
    {
        var data = new DataInput("The context's cells: an h5ad/10x/Parquet file or a catalog id", required: true);
        var subset = DataArguments.SubsetOption();
        var column = new Option<string?>("--perturbation-column", "--pert-col") { Description = "obs column with perturbation labels (default: the catalog mapping or the first known convention)" };
        var control = new Option<string?>("--control", "--control-pert") { Description = "Control label (default: the catalog mapping or the first known convention)" };
        var model = new Option<string>("--model") { Description = $"A saved model folder or model-zoo id, e.g. dcell-base-tiny (comma-separated = an ensemble; neural ones run in the dcell-neural plug-in), or a baseline name fitted on --train: {string.Join(", ", Baselines.Names)}", Required = true };
        var train = new Option<string?>("--train") { Description = "Data to fit a baseline-name model on (file or catalog id; default: the screened data after --subset); another data set gives a generalist" };
        var objective = new Option<string>("--objective") { Description = "program:SET (Hallmark; program:progeny/PATHWAY, program:dorothea/TF), genes:A,B,C, or toward:COLUMN=VALUE (reference cells; --subset on other columns applies to them too)", Required = true };
        var direction = new Option<string>("--direction") { Description = "down (lower the program / move toward the reference) or up", DefaultValueFactory = _ => "down" };
        var mode = new Option<string>("--mode") { Description = "ko, crispri or crispra", DefaultValueFactory = _ => "ko" };
        var candidates = new Option<string>("--candidates") { Description = "all (the model's vocabulary), A,B,C, or a file with one gene per line", DefaultValueFactory = _ => "all" };
        var pairs = new Option<bool>("--pairs") { Description = "Screen every pair of the candidates (combinations) instead of singles" };
        var known = new Option<string?>("--known") { Description = "Known hits A,B,C: flagged in the table and hit cards, scored by --validate" };
        var validate = new Option<bool>("--validate") { Description = "Leave-one-perturbation-out validation against the measured perturbations of the screened data (needs a baseline-name model and --known)" };
        var refits = new Option<int>("--refits") { Description = "Ensemble members for a baseline-name model, each fitted on a seeded 80 % subsample of the training perturbations (1 = one fit on all)", DefaultValueFactory = _ => 5 }.Within(1, 100);
        var space = new Option<string>("--space") { Description = "Space of toward: objectives: hvg[:GENES] or pca[:COMPONENTS]", DefaultValueFactory = _ => "hvg:2000" };
        var hits = new Option<int>("--hits") { Description = "Hit cards written", DefaultValueFactory = _ => 10 }.Within(1, 1000);
        var permutations = new Option<int>("--permutations") { Description = "Permutations of the validation's AUROC null", DefaultValueFactory = _ => 10_000 }.Within(1, 1_000_000);
        var seed = new Option<int>("--seed") { Description = "Root seed of the refits and permutations", DefaultValueFactory = _ => 0 };
        var parallelism = new Option<int>("--parallelism") { Description = "Batches predicted at once (0 = processor count)", DefaultValueFactory = _ => 0 }.Within(0, 1024);
        var output = new Option<string>("--out", "--outdir", "-o") { Description = "Output folder; an unfinished screen there resumes from its checkpoint", Required = true };
        var force = OutputArguments.Force();
        var crate = BenchmarkCommand.CrateOption();
        var catalog = new CatalogArguments();
        var command = new Command("screen", "In-silico screen: rank candidate perturbations by how a model predicts they move a gene program or a cell state toward a reference.")
        {
            subset, column, control, model, train, objective, direction, mode, candidates, pairs, known, validate, refits, space, hits, permutations, seed, parallelism, output, force, crate,
        };
        data.AddTo(command);
        catalog.AddTo(command);
        command.SetAction((parse, cancellationToken) => forwardNeural && NeedsNeuralBackend(parse.GetRequiredValue(model))
            ? ToolPlugin.Neural.RunAsync([.. parse.Tokens.Select(t => t.Value)], parse.InvocationConfiguration, cancellationToken)
            : RunAsync(new ScreenRequest(
            data.Value(parse)!, parse.GetValue(subset) ?? [], parse.GetValue(column), parse.GetValue(control), parse.GetRequiredValue(model), parse.GetValue(train),
            parse.GetRequiredValue(objective), parse.GetRequiredValue(direction), parse.GetRequiredValue(mode), parse.GetRequiredValue(candidates), parse.GetValue(pairs),
            parse.GetValue(known), parse.GetValue(validate), parse.GetValue(refits), parse.GetRequiredValue(space), parse.GetValue(hits), parse.GetValue(permutations),
            parse.GetValue(seed), parse.GetValue(parallelism), parse.GetRequiredValue(output), parse.GetValue(force), parse.GetValue(crate),
            [.. parse.Tokens.Select(t => t.Value)]),
            catalog.Open(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(ScreenRequest request, DatasetCatalog catalog, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var screenDirection = ParseDirection(request.Direction);
        var perturbationMode = ParseMode(request.Mode);
        AtomicFile.CheckReplaceable(request.Output, request.Force);
        // The command line goes into the record, so `dcell reproduce` can run the screen again.
        var started = ProvenanceRecord.StartCommand("dcell", request.Arguments, request.Parameters(), request.Seed);
        var loaded = await DataArguments.LoadAsync(catalog, request.Data, request.PerturbationColumn, request.Control, null, [], cancellationToken);
        var full = ExpressionScale.EnsureLogNormalized(loaded.Data, "data", out string scaleNote);
        var notes = new List<string> { scaleNote };
        var context = DataArguments.Subset(full, request.Subsets, notes);
        var schema = loaded.Schema with { DefaultMode = loaded.Schema.DefaultMode == PerturbationMode.Other ? perturbationMode : loaded.Schema.DefaultMode };
        var start = StartState(context, schema, notes);
        var subsets = request.Subsets.Select(CellSubset.Parse).ToArray();
        var screenObjective = ScreenObjective.Parse(request.Objective, GenePriors.FromEnvironment,
            toward => subsets.Where(s => s.Column != toward.Column).Aggregate(toward.Apply(full), (d, s) => s.Apply(d)), ReferenceSpace.Parse(request.Space));

        // Progress lines go to a terminal only: piped stderr keeps the one error line scripts read.
        var knownHits = Split(request.Known ?? "");
        var folders = ModelFolders(request.Model);
        Func<int, IPerturbationModel>? create = folders is null ? _ => Baselines.Create(request.Model) : null;
        IReadOnlyList<IPerturbationModel> models;
        CellDataset? trainData = null;
        PerturbationSchema? trainSchema = null;
        if (create is null)
        {
            models = folders!.Select(PerturbationModels.Load).ToArray();
        }
        else
        {
            var other = request.Train is null ? null : await DataArguments.LoadAsync(catalog, request.Train, null, null, null, [], cancellationToken);
            trainData = other is null ? context : ExpressionScale.EnsureLogNormalized(other.Data, "train", out _);
            trainSchema = other?.Schema ?? schema;
            if (!Console.IsErrorRedirected) error.WriteLine($"fitting {request.Refits} × {request.Model} on {request.Train ?? loaded.Id}…");
            models = ScreenEnsemble.Fit(create, trainData, trainSchema, request.Refits, 0.8, request.Seed, cancellationToken: cancellationToken);
        }

        var vocabulary = ScreenCandidates.Vocabulary(models[0]);
        var genes = request.Candidates.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? vocabulary
            : File.Exists(request.Candidates) ? File.ReadAllLines(request.Candidates).SelectMany(Split).ToArray() : Split(request.Candidates);
        var chosen = request.Pairs ? ScreenCandidates.Pairs(perturbationMode, genes, vocabulary) : ScreenCandidates.Genes(perturbationMode, genes, vocabulary);
        var options = new ScreenOptions(screenDirection, Parallelism: request.Parallelism, CheckpointDirectory: request.Output, KnownHits: knownHits);
        var result = await TerminalProgress.RunAsync(error, "screen", work =>
            new Screen(models, start, screenObjective, options).RunAsync(chosen, new ScreenReporter(work), cancellationToken));

        ScreenValidationResult? validation = null;
        if (request.Validate)
        {
            if (create is null) throw new DigitalCellException("--validate refits the model without each measured candidate; pass a baseline name to --model, not a saved folder.");
            if (knownHits.Length == 0) throw new DigitalCellException("--validate needs --known A,B,C (the hits to recover).");
            var chosenLabels = chosen.Select(c => c.Label).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var measured = new PerturbationTrainingSet(context, schema, []).CellPerturbationLabels.Distinct(StringComparer.Ordinal)
                .Where(l => !schema.IsControlLabel(l) && (request.Candidates.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) || chosenLabels.Contains(l))).ToArray();
            if (!Console.IsErrorRedirected) error.WriteLine($"validating: leave-one-perturbation-out over {measured.Length} measured candidates…");
            validation = await ScreenValidation.LeaveOnePerturbationOutAsync(context, schema, create, screenObjective, knownHits,
                new ScreenValidationOptions(screenDirection, request.Refits, 0.8, request.Permutations, request.Seed, Parallelism: request.Parallelism, Candidates: measured,
                    Training: request.Train is null ? null : new ScreenTraining(trainData!, trainSchema!)),
                cancellationToken: cancellationToken);
        }

        var cards = HitCard.Top(result, request.Hits);
        AtomicFile.WriteDirectory(request.Output, folder =>
        {
            File.WriteAllText(Path.Combine(folder, ScreenResult.CsvFileName), result.ToCsv());
            result.WriteParquet(Path.Combine(folder, ScreenResult.ParquetFileName));
            File.WriteAllText(Path.Combine(folder, "screen.md"), ScreenReport.ToMarkdown(result, validation) + "\n## Notes\n\n" + string.Join("\n", notes.Select(n => "- " + n)) + "\n");
            File.WriteAllText(Path.Combine(folder, "screen.html"), ScreenReport.ToHtml(result, validation));
            File.WriteAllText(Path.Combine(folder, "screen.svg"), ScreenReport.Svg(result));
            File.WriteAllText(Path.Combine(folder, "hits.md"), HitCard.ToMarkdown(result, cards));
            File.WriteAllText(Path.Combine(folder, "hits.json"), HitCard.ToJson(result, cards));
            if (validation is not null) File.WriteAllText(Path.Combine(folder, ScreenValidationResult.FileName), validation.ToJson());
            var record = started.WithInput(Input(catalog, request.Data, loaded.Id, request.Subsets, cancellationToken));
            if (request.Train is not null) record = record.WithInput(Input(catalog, request.Train, request.Train, [], cancellationToken));
            BenchmarkCommand.SaveRecord(folder, record with { Ended = DateTimeOffset.UtcNow }, request.Crate);
        }, request.Force);

        output.WriteLine($"{result.Objective}, {screenDirection.ToString().ToLowerInvariant()}: {result.Rows.Count:N0} candidates in {result.Elapsed.TotalSeconds:F1} s; top: " +
            string.Join(", ", result.Rows.Take(5).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Candidate} ({r.Effect:G4})"))));
        foreach (var r in result.Rows.Where(r => r.Known)) output.WriteLine($"  known hit {r.Candidate}: rank {r.Rank}");
        if (validation is not null)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"validation (leave-one-perturbation-out, {validation.Candidates.Count} measured): AUROC {validation.Auroc:F3}, precision@{validation.K} {validation.PrecisionAtK:F3}, recall@{validation.K} {validation.RecallAtK:F3}, permutation p {validation.PermutationP:G3} (measured AUROC {validation.MeasuredAuroc:F3})"));
        output.WriteLine($"Wrote {Path.GetFullPath(request.Output)} (screen.csv, screen.parquet, screen.md, screen.html, screen.svg, hits.md, hits.json{(validation is null ? "" : ", validation.json")}, provenance.json{(request.Crate ? ", ro-crate-metadata.json" : "")}).");
        return 0;
    }

    /// <summary>
    /// The saved models <paramref name="spec"/> names, each a folder or a model-zoo id (<see cref="ModelZoo"/>), or null
    /// when it is a baseline name to fit.
    /// </summary>
    private static string[]? ModelFolders(string spec)
    {
        var items = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new DigitalCellException("--model is empty.");
        var zoo = ModelZoo.List().Select(m => m.Id).ToArray();
        if (Directory.Exists(items[0]) || zoo.Contains(items[0])) return items.Select(m => Directory.Exists(m) ? m : ModelZoo.Find(m).Directory).ToArray();
        try
        {
            Baselines.Create(spec); // an unknown name fails here, before any data is read
            return null;
        }
        catch (DigitalCellException e)
        {
            throw new DigitalCellException($"--model '{spec}' is no model folder, no model-zoo id ({(zoo.Length == 0 ? "the zoo (" + string.Join(", ", ModelZoo.SearchPath) + ") is empty" : string.Join(", ", zoo))}) and no baseline: {e.Message}");
        }
    }

    /// <summary>True when a saved model of <paramref name="spec"/> has an architecture only the neural backend loads.</summary>
    private static bool NeedsNeuralBackend(string spec) =>
        ModelFolders(spec) is { } folders && folders.Any(f => !PerturbationModels.Architectures.Contains(ModelCard.Load(f).Architecture));

    /// <summary>The screen starts from the context's control cells when it has any (a perturbation screen), else from all its cells (a disease state).</summary>
    private static CellDataset StartState(CellDataset context, PerturbationSchema schema, List<string> notes)
    {
        if (context.CellCount == 0) throw new DigitalCellException("--subset leaves no cells.");
        if (context.Obs.Contains(schema.PerturbationColumn))
        {
            var labels = context.Obs[schema.PerturbationColumn];
            var controls = Enumerable.Range(0, context.CellCount).Where(i => labels.GetValue(i)?.ToString() is string l && schema.IsControlLabel(l)).ToArray();
            if (controls.Length > 0)
            {
                notes.Add($"start state: the {controls.Length:N0} control cells of the context");
                return context.SelectCells(controls);
            }
        }
        notes.Add($"start state: all {context.CellCount:N0} cells of the context (no control cells in it)");
        return context;
    }

    private static InputRecord Input(DatasetCatalog catalog, string given, string id, IReadOnlyList<string> subsets, CancellationToken cancellationToken)
    {
        string? subset = subsets.Count == 0 ? null : string.Join("; ", subsets);
        return File.Exists(given) || Directory.Exists(given) ? InputRecord.Of(id, given, subset, cancellationToken) : InputRecord.Of(id, catalog.DataPath(id), subset, cancellationToken);
    }

    private static string[] Split(string list) => list.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static ScreenDirection ParseDirection(string value) => value.Trim().ToLowerInvariant() switch
    {
        "down" or "lower" => ScreenDirection.Down,
        "up" or "raise" => ScreenDirection.Up,
        _ => throw new DigitalCellException($"--direction '{value}': expected down or up."),
    };

    private static PerturbationMode ParseMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "ko" or "knockout" => PerturbationMode.Knockout,
        "crispri" => PerturbationMode.CRISPRi,
        "crispra" => PerturbationMode.CRISPRa,
        _ => throw new DigitalCellException($"--mode '{value}': expected ko, crispri or crispra."),
    };

    /// <summary>Candidates screened as <see cref="WorkProgress"/>, those taken from the checkpoint as its detail.</summary>
    private sealed class ScreenReporter(IProgress<WorkProgress> progress) : IProgress<ScreenProgress>
    {
        public void Report(ScreenProgress value) => progress.Report(new WorkProgress("candidates", value.Completed, value.Total)
        {
            Detail = value.Resumed > 0 ? $"{value.Resumed:N0} from the checkpoint" : null,
        });
    }
}

/// <summary>What one <c>dcell screen</c> run does.</summary>
internal sealed record ScreenRequest(
    string Data, IReadOnlyList<string> Subsets, string? PerturbationColumn, string? Control, string Model, string? Train, string Objective, string Direction,
    string Mode, string Candidates, bool Pairs, string? Known, bool Validate, int Refits, string Space, int Hits, int Permutations, int Seed, int Parallelism,
    string Output, bool Force, bool Crate, IReadOnlyList<string> Arguments)
{
    /// <summary>Every parameter that changes the numbers, for the provenance record.</summary>
    public IReadOnlyDictionary<string, string> Parameters() => new Dictionary<string, string>
    {
        ["data"] = InputRecord.Shareable(Data), ["subset"] = string.Join("; ", Subsets), ["model"] = Model, ["train"] = Train ?? "", ["objective"] = Objective,
        ["direction"] = Direction, ["mode"] = Mode, ["candidates"] = Candidates, ["pairs"] = Pairs ? "true" : "false", ["known"] = Known ?? "",
        ["validate"] = Validate ? "true" : "false", ["refits"] = Refits.ToString(CultureInfo.InvariantCulture), ["space"] = Space,
        ["permutations"] = Permutations.ToString(CultureInfo.InvariantCulture),
    };
}
