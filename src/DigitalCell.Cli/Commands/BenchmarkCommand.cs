using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Display;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell benchmark</c>: split a perturbation dataset, fit the chosen models on the training perturbations, score
/// them on the held-out ones with cell-eval's metrics, print the table and write <c>report.json</c>, <c>report.md</c>,
/// <c>report.html</c>, <c>figures/*.html</c> (and <c>.png</c>/<c>.svg</c> with <c>--figures</c>), <c>split.json</c> and
/// <c>provenance.json</c> (with <c>--crate</c> also <c>ro-crate-metadata.json</c>, for <c>dcell reproduce</c>).
/// </summary>
public static class BenchmarkCommand
{
    /// <summary>The data set benchmarked when none is given: the Papalexi 2021 subset (from the cache or a mirror).</summary>
    public const string DefaultData = "papalexi2021-thp1-subset";

    /// <summary>Creates the command; <paramref name="createModel"/> makes neural models (null: they run in the dcell-neural plug-in).</summary>
    public static Command Create(Func<string, IPerturbationModel>? createModel = null)
    {
        var defaults = new BenchmarkRequest();
        var data = new DataInput($"An h5ad/10x/Parquet file or a catalog id (dcell datasets list); default {defaults.Data}", required: false);
        var column = new Option<string?>("--perturbation-column", "--pert-col") { Description = "obs column with perturbation labels (default: the catalog mapping, else target_gene or perturbation, whichever holds the control)" };
        var control = new Option<string?>("--control", "--control-pert") { Description = "Control label (default: the catalog mapping, else non-targeting or control)" };
        var context = DataArguments.ContextColumnOption();
        var subset = DataArguments.SubsetOption();
        var models = new Option<string>("--models") { Description = $"Comma-separated models: {string.Join(", ", Baselines.Names)}, linear-transfer:CATALOG-ID (perturbation embedding learned on that screen), neural (new neural model), neural:DIR (a saved neural model's architecture and hyperparameters, retrained on the split) or dcell-base-tiny (the digital-cell base model, pretrained on the other catalog data sets plus the training fold; -no-pretraining / -no-priors / -no-set-attention for ablations)", DefaultValueFactory = _ => defaults.Models }.CheckedBy(CheckModels);
        var split = new Option<string>("--split") { Description = "unseen:FRACTION[:VALIDATION], gears[:SEEN_GENES], context[:NAME,...], or a split.json file", DefaultValueFactory = _ => defaults.Split }.CheckedBy(s => { if (!File.Exists(s)) PerturbationSplits.CheckSpec(s); });
        var seed = new Option<int>("--seed") { Description = "Random seed of the split and bootstrap", DefaultValueFactory = _ => defaults.Seed };
        var metrics = new Option<string?>("--metrics", "--profile") { Description = "vcc, vcc2026, mean, de, full or comma-separated metric names (default: VCC trio, Pearson deltas, MSE, MAE delta, DE direction; the VCC 2026 six in --mode vcc2026)" }.CheckedBy(m => Metrics.Parse(m!));
        var mode = new Option<string>("--mode") { Description = "cell-eval (current definitions), vcc2025 (2025 leaderboard) or vcc2026 (the 2026 six-metric suite, scaled against the context-mean baseline and the split-half replicate)", DefaultValueFactory = _ => defaults.Mode }.CheckedBy(m => ScoringMode.Parse(m));
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the confidence intervals", DefaultValueFactory = _ => defaults.Bootstrap }.Within(0, 100_000);
        var output = new Option<string>("--out", "--outdir", "-o") { Description = "Output directory (refused when it holds files dcell did not write, unless --force)", DefaultValueFactory = _ => defaults.Output };
        var force = OutputArguments.Force();
        var crate = CrateOption();
        var catalog = new CatalogArguments();
        var figures = FigureArguments.Create();
        var command = new Command("benchmark", "Fit baselines on a split of a perturbation dataset and score them with cell-eval's metrics (Virtual Cell Challenge score vs cell-mean).")
        {
            column, control, context, subset, models, split, seed, metrics, mode, bootstrap, output, force, figures, crate,
        };
        data.AddTo(command);
        catalog.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
            createModel is null && parse.GetRequiredValue(models).Split(',').Any(NeuralPlugin.IsNeuralSpec)
                ? ToolPlugin.Neural.RunAsync(parse.Tokens.Select(t => t.Value).ToArray(), parse.InvocationConfiguration, cancellationToken)
                : RunAsync(
            new BenchmarkRequest(
                data.Value(parse) ?? defaults.Data, parse.GetValue(column), parse.GetValue(control), parse.GetRequiredValue(models),
                parse.GetRequiredValue(split), parse.GetValue(seed), parse.GetValue(metrics), parse.GetRequiredValue(mode),
                parse.GetValue(bootstrap), parse.GetRequiredValue(output), parse.GetValue(context), parse.GetValue(subset) ?? [], parse.GetValue(force),
                parse.GetRequiredValue(figures), parse.GetValue(crate)),
            [.. parse.Tokens.Select(t => t.Value)],
            catalog.Open(parse), createModel ?? Baselines.Create, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    /// <summary>Every model name must be a baseline or a neural spec; <see cref="Baselines.Create"/> names the known ones.</summary>
    private static void CheckModels(string models)
    {
        foreach (var name in models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!NeuralPlugin.IsNeuralSpec(name)) Baselines.Create(name);
    }

    /// <summary>A new <c>--crate</c> option: the output folder also becomes an RO-Crate (<c>ro-crate-metadata.json</c>).</summary>
    internal static Option<bool> CrateOption() => new("--crate")
    {
        Description = "Also write ro-crate-metadata.json (RO-Crate 1.1) around the output folder, for `dcell reproduce` and archives",
    };

    /// <summary>Loads <see cref="BenchmarkRequest.Data"/> (a file or a catalog id) and runs <see cref="Run"/>.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="arguments">The command line after the program name, recorded for <c>dcell reproduce</c>.</param>
    /// <param name="catalog">Resolves catalog ids.</param>
    /// <param name="createModel">Makes a model from its name.</param>
    /// <param name="output">Receives the table.</param>
    /// <param name="error">Receives progress and warnings.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    internal static async Task<int> RunAsync(BenchmarkRequest request, IReadOnlyList<string> arguments, DatasetCatalog catalog,
        Func<string, IPerturbationModel> createModel, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        AtomicFile.CheckReplaceable(request.Output, request.Force); // before the data load and the fits, not after
        var record = ProvenanceRecord.StartCommand("dcell", arguments, request.Parameters, request.Seed);
        var loaded = await DataArguments.LoadAsync(catalog, request.Data, request.PerturbationColumn, request.Control, request.ContextColumn,
            request.Subsets ?? [], cancellationToken);
        record = record.WithInput(loaded.Input);
        if (File.Exists(request.Split)) record = record.WithInput(Path.GetFileName(request.Split), request.Split, cancellationToken: cancellationToken);
        return Run(loaded.Data, loaded.Schema, loaded.Id, request, record, createModel, output, error, cancellationToken, loaded.Notes);
    }

    /// <summary>
    /// Runs one benchmark on loaded data: splits it, fits and scores the models, prints the table to
    /// <paramref name="output"/> (progress to <paramref name="error"/>, through <see cref="TerminalProgress"/>) and writes the report files and split.json.
    /// Shared by <c>dcell benchmark</c> and <c>dcell demo</c>, whose <paramref name="moreFiles"/> adds its own files to
    /// the folder. All files are written together into a temporary folder swapped in at the end, so a killed or
    /// concurrent run never leaves one run's report beside another's split. <paramref name="record"/> (inputs already
    /// added) goes into report.json and, finished with the outputs' checksums, into provenance.json (and the RO-Crate
    /// with <see cref="BenchmarkRequest.Crate"/>).
    /// </summary>
    internal static int Run(Sdk.Data.CellDataset dataset, PerturbationSchema schema, string id, BenchmarkRequest request, ProvenanceRecord record,
        Func<string, IPerturbationModel> createModel, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        IReadOnlyList<string>? provenance = null, Action<string>? moreFiles = null)
    {
        var figureFormats = FigureArguments.Parse(request.Figures);
        if (ContextColumns.Warning(dataset, schema) is string warning) error.WriteLine(Program.TerminalLine(warning));
        var chosenSplit = File.Exists(request.Split)
            ? PerturbationSplit.Load(request.Split)
            : PerturbationSplits.Parse(request.Split, dataset, schema, request.Seed) with { DataId = id };
        var benchmark = Benchmark.On(dataset, schema, chosenSplit)
            .Models(request.Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(createModel).ToArray())
            .Mode(ScoringMode.Parse(request.Mode))
            .Options(new ScoreReportOptions(BootstrapSamples: request.Bootstrap, Seed: request.Seed))
            .Provenance([.. provenance ?? []]);
        if (request.Metrics is string m) benchmark.Metrics(Metrics.Parse(m));
        var report = TerminalProgress.Run(error, id, work => benchmark.Run(new SynchronousProgress(p => work.Report(AsWork(p))), cancellationToken));
        report = report.WithRecord(record with { Ended = DateTimeOffset.UtcNow });
        int written = 0;
        AtomicFile.WriteDirectory(request.Output, folder =>
        {
            written = report.SaveWithFigures(folder, figureFormats).Count;
            chosenSplit.Save(Path.Combine(folder, "split.json"));
            moreFiles?.Invoke(folder);
            SaveRecord(folder, report.Record!, request.Crate);
        }, request.Force);
        output.WriteLine($"{id}: {chosenSplit.Strategy} split (seed {chosenSplit.Seed}), test = {string.Join(", ", chosenSplit.Test)}");
        ScoreReportConsole.Write(report, output);
        output.WriteLine($"Wrote {written + 1} files to {Path.GetFullPath(request.Output)} (report.json, report.md, report.html, results.csv, agg_results.csv, figures/, split.json, provenance.json{(request.Crate ? ", ro-crate-metadata.json" : "")}).");
        return 0;
    }

    /// <summary>Writes provenance.json (the record finished with the folder's outputs) and, when <paramref name="crate"/>, ro-crate-metadata.json.</summary>
    internal static void SaveRecord(string folder, ProvenanceRecord record, bool crate)
    {
        if (crate) RunCrate.Write(folder, record);
        else record.Finish(folder).Save(Path.Combine(folder, ProvenanceRecord.FileName));
    }

    /// <summary>A benchmark report as one bar's progress: the models done, each model's scoring steps, the bootstrap.</summary>
    private static WorkProgress AsWork(BenchmarkProgress p) => p.Work is { } work
        ? work with { Step = p.Model is null ? work.Step : $"{p.Model}: {work.Step}" }
        : new WorkProgress("models fitted, predicted and scored", p.Completed, p.Total);

    /// <summary>Reports on the caller's thread so messages keep their order.</summary>
    private sealed class SynchronousProgress(Action<BenchmarkProgress> report) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value) => report(value);
    }
}

/// <summary>What one <c>dcell benchmark</c> run does; the defaults are the README's main job on the Papalexi screen.</summary>
internal sealed record BenchmarkRequest(
    string Data = BenchmarkCommand.DefaultData,
    string? PerturbationColumn = null,
    string? Control = null,
    string Models = "control-mean,cell-mean,linear",
    string Split = "unseen:0.2",
    int Seed = 0,
    string? Metrics = null,
    string Mode = "cell-eval",
    int Bootstrap = 1000,
    string Output = "benchmark",
    string? ContextColumn = null,
    IReadOnlyList<string>? Subsets = null,
    bool Force = false,
    string Figures = "html",
    bool Crate = false)
{
    /// <summary>The parameters that change the numbers, for the provenance record.</summary>
    public IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        ["models"] = Models, ["split"] = Split, ["mode"] = Mode, ["metrics"] = Metrics ?? "default",
        ["bootstrap"] = Bootstrap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["perturbation_column"] = PerturbationColumn ?? "default", ["control"] = Control ?? "default", ["context_column"] = ContextColumn ?? "default",
    };
}
