using System.CommandLine;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell benchmark</c>: split a perturbation dataset, fit the chosen models on the training perturbations, score
/// them on the held-out ones with cell-eval's metrics, print the table and write <c>report.json</c>, <c>report.md</c>,
/// <c>report.html</c>, <c>figures/*.html</c> and <c>split.json</c>.
/// </summary>
public static class BenchmarkCommand
{
    /// <summary>The data set benchmarked when <c>--data</c> is not given: Papalexi 2021, embedded in the SDK.</summary>
    public const string DefaultData = "papalexi2021-thp1-subset";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "An h5ad/10x/Parquet file or a catalog id (dcell datasets list)", DefaultValueFactory = _ => DefaultData };
        var column = new Option<string?>("--perturbation-column") { Description = "obs column with perturbation labels (default: 'perturbation' or the catalog mapping)" };
        var control = new Option<string?>("--control") { Description = "Control label (default: 'control' or the catalog mapping)" };
        var models = new Option<string>("--models") { Description = $"Comma-separated models: {string.Join(", ", Baselines.Names)}, neural (new neural model) or neural:DIR (a saved neural model's architecture and hyperparameters, retrained on the split)", DefaultValueFactory = _ => "control-mean,cell-mean,linear" };
        var split = new Option<string>("--split") { Description = "unseen:FRACTION[:VALIDATION], gears[:SEEN_GENES], context[:NAME,...], or a split.json file", DefaultValueFactory = _ => "unseen:0.2" };
        var seed = new Option<int>("--seed") { Description = "Random seed of the split and bootstrap", DefaultValueFactory = _ => 0 };
        var metrics = new Option<string?>("--metrics") { Description = "vcc, mean, de, full or comma-separated metric names (default: VCC trio, Pearson deltas, MSE, MAE delta, DE direction)" };
        var mode = new Option<string>("--mode") { Description = "cell-eval (current definitions) or vcc2025 (2025 leaderboard)", DefaultValueFactory = _ => ScoringMode.CellEval.Name };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the confidence intervals", DefaultValueFactory = _ => 1000 };
        var output = new Option<string>("--out") { Description = "Output directory", DefaultValueFactory = _ => "benchmark" };
        var command = new Command("benchmark", "Fit baselines on a split of a perturbation dataset and score them with cell-eval's metrics (Virtual Cell Challenge score vs cell-mean).")
        {
            data, column, control, models, split, seed, metrics, mode, bootstrap, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (dataset, schema, id) = await DataArguments.LoadAsync(parse.GetRequiredValue(data), parse.GetValue(column), parse.GetValue(control), cancellationToken);
            int seedValue = parse.GetValue(seed);
            string splitSpec = parse.GetRequiredValue(split);
            var chosenSplit = File.Exists(splitSpec) ? PerturbationSplit.Load(splitSpec) : PerturbationSplits.Parse(splitSpec, dataset, schema, seedValue) with { DataId = id };
            var benchmark = Benchmark.On(dataset, schema, chosenSplit)
                .Models(parse.GetRequiredValue(models).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(DigitalCell.Sdk.Torch.NeuralModels.Create).ToArray())
                .Mode(ScoringMode.Parse(parse.GetRequiredValue(mode)))
                .Options(new ScoreReportOptions(BootstrapSamples: parse.GetValue(bootstrap), Seed: seedValue));
            if (parse.GetValue(metrics) is string m) benchmark.Metrics(Metrics.Parse(m));
            var err = parse.InvocationConfiguration.Error;
            var report = benchmark.Run(new SynchronousProgress(p => { if (p.Model is not null && p.Stage == "fit") err.WriteLine($"{p.Stage} {p.Model}…"); }), cancellationToken);
            string dir = parse.GetRequiredValue(output);
            var written = report.Save(dir);
            chosenSplit.Save(Path.Combine(dir, "split.json"));
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"{id}: {chosenSplit.Strategy} split (seed {chosenSplit.Seed}), test = {string.Join(", ", chosenSplit.Test)}");
            ScoreReportConsole.Write(report, o);
            o.WriteLine($"Wrote {written.Count + 1} files to {Path.GetFullPath(dir)} (report.json, report.md, report.html, figures/, split.json).");
            return 0;
        });
        return command;
    }

    /// <summary>Reports on the caller's thread so messages keep their order.</summary>
    private sealed class SynchronousProgress(Action<BenchmarkProgress> report) : IProgress<BenchmarkProgress>
    {
        public void Report(BenchmarkProgress value) => report(value);
    }
}
