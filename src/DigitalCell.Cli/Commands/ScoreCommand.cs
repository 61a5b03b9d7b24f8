using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Display;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell score</c>: scores predictions made anywhere (e.g. a Python model) in cell-eval's input convention — a
/// predicted and a real AnnData with the same genes in the same order, a perturbation column with the same labels,
/// and control cells in both — and writes the same report as <c>dcell benchmark</c>.
/// </summary>
public static class ScoreCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        // cell-eval's option names are accepted as aliases (cell-eval run -ap pred.h5ad -ar real.h5ad --pert-col … --control-pert …
        // --celltype-col … --profile … --skip-metrics … -o …).
        var real = new Option<string>("--real", "--adata-real", "-ar") { Description = "Observed cells (h5ad/10x/Parquet; counts are normalised like cell-eval)", Required = true };
        var pred = new Option<string>("--pred", "--adata-pred", "-ap") { Description = "Predicted cells, same genes and perturbation labels, with control cells", Required = true };
        var baseline = new Option<string?>("--baseline", "--base-input") { Description = "Predictions of a baseline (e.g. cell-eval's cell-mean) to scale the overall score against" };
        var column = new Option<string?>("--perturbation-column", "--pert-col") { Description = "obs column with perturbation labels (default: target_gene or perturbation, whichever holds the control)" };
        var control = new Option<string?>("--control", "--control-pert") { Description = "Control label (default: non-targeting or control)" };
        var context = DataArguments.ContextColumnOption();
        var subset = DataArguments.SubsetOption();
        var metrics = new Option<string?>("--metrics", "--profile") { Description = "vcc, vcc2026, mean, de, full or comma-separated metric names (overlap_at_K, precision_at_K, top_K_accuracy for any K); default full, or vcc2026 in --mode vcc2026" }.CheckedBy(m => Metrics.Parse(m!));
        var skip = new Option<string?>("--skip-metrics") { Description = "Comma-separated metric names to leave out of the chosen ones" };
        var mode = new Option<string>("--mode") { Description = "cell-eval (current definitions), vcc2025 (2025 leaderboard) or vcc2026 (the 2026 six-metric suite, scaled against the context-mean baseline and the split-half replicate)", DefaultValueFactory = _ => ScoringMode.CellEval.Name }.CheckedBy(m => ScoringMode.Parse(m));
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the confidence intervals", DefaultValueFactory = _ => 1000 }.Within(0, 100_000);
        var output = new Option<string>("--out", "--outdir", "-o") { Description = "Output directory", DefaultValueFactory = _ => "score" };
        var figures = FigureArguments.Create();
        var force = OutputArguments.Force();
        var crate = BenchmarkCommand.CrateOption();
        var command = new Command("score", "Score predicted cells against real cells with cell-eval's metrics (inputs in cell-eval's AnnData convention; writes results.csv and agg_results.csv like cell-eval).")
        {
            real, pred, baseline, column, control, context, subset, metrics, skip, mode, bootstrap, output, figures, force, crate,
        };
        command.SetAction(parse =>
        {
            var scoringMode = ScoringMode.Parse(parse.GetRequiredValue(mode));
            string dir = parse.GetRequiredValue(output);
            AtomicFile.CheckReplaceable(dir, parse.GetValue(force));
            string realPath = parse.GetRequiredValue(real), predPath = parse.GetRequiredValue(pred);
            var subsets = parse.GetValue(subset) ?? [];
            var parameters = new Dictionary<string, string>
            {
                ["metrics"] = parse.GetValue(metrics) ?? "default", ["skip_metrics"] = parse.GetValue(skip) ?? "none", ["mode"] = scoringMode.Name,
                ["bootstrap"] = parse.GetValue(bootstrap).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["perturbation_column"] = parse.GetValue(column) ?? "default", ["control"] = parse.GetValue(control) ?? "default",
                ["context_column"] = parse.GetValue(context) ?? "default",
            };
            var record = ProvenanceRecord.StartCommand("dcell", [.. parse.Tokens.Select(t => t.Value)], parameters)
                .WithInput("real", realPath, DataArguments.SubsetText(subsets))
                .WithInput("prediction", predPath, DataArguments.SubsetText(subsets));
            if (parse.GetValue(baseline) is string baselinePath) record = record.WithInput("baseline", baselinePath, DataArguments.SubsetText(subsets));
            var notes = new List<string>();
            var realData = ExpressionScale.EnsureLogNormalized(DataArguments.Subset(CellDataset.Read(realPath), subsets, notes), "real", out string realNote);
            notes.Insert(0, realNote);
            var (perturbationColumn, controlLabel) = PerturbationConventions.Resolve(realData, parse.GetValue(column), parse.GetValue(control));
            string? contextColumn = parse.GetValue(context);
            var err = parse.InvocationConfiguration.Error;
            if (ContextColumns.Warning(realData, new PerturbationSchema(perturbationColumn, controlLabel) with { ContextColumn = contextColumn }) is string warning)
            {
                err.WriteLine(Program.TerminalLine(warning));
                notes.Add(warning);
            }
            // Systema's reference needs training data, which predictions made elsewhere do not come with.
            var chosen = (parse.GetValue(metrics) is string spec ? Metrics.Parse(spec) : scoringMode.DefaultMetrics ?? Metrics.Full).Where(m => !m.Needs.HasFlag(MetricNeeds.PerturbedReference)).ToArray();
            chosen = Skip(chosen, parse.GetValue(skip));
            var builder = new ScoringInputBuilder(realData, perturbationColumn, controlLabel, scoringMode, contextColumn);
            var scores = new List<ModelScores>();
            foreach (var (name, path) in new[] { ("prediction", predPath), ("baseline", parse.GetValue(baseline)) })
            {
                if (path is null) continue;
                var predicted = ExpressionScale.EnsureLogNormalized(DataArguments.Subset(CellDataset.Read(path), subsets, []), name, out string note);
                notes.Add(note);
                scores.Add(TerminalProgress.Run(err, $"scoring {name}", progress => Scorer.Score(name, builder.Build(predicted, chosen, progress), chosen, scoringMode)));
            }
            var options = new ScoreReportOptions(BaselineModel: parse.GetValue(baseline) is null ? null : "baseline", BootstrapSamples: parse.GetValue(bootstrap));
            var report = TerminalProgress.Run(err, "scoring", progress => ScoreReport.Create(scores, chosen, scoringMode, options, progress)).WithProvenance(null, Path.GetFileName(realPath), notes)
                .WithRecord(record with { Ended = DateTimeOffset.UtcNow });
            var figureFormats = FigureArguments.Parse(parse.GetRequiredValue(figures));
            int written = 0;
            AtomicFile.WriteDirectory(dir, folder =>
            {
                written = report.SaveWithFigures(folder, figureFormats).Count;
                BenchmarkCommand.SaveRecord(folder, report.Record!, parse.GetValue(crate));
            }, parse.GetValue(force));
            var o = parse.InvocationConfiguration.Output;
            ScoreReportConsole.Write(report, o);
            o.WriteLine($"Wrote {written} files to {Path.GetFullPath(dir)} (report.json, report.md, report.html, results.csv, agg_results.csv, figures/) and provenance.json.");
            return 0;
        });
        return command;
    }

    /// <summary>The chosen metrics less those named by <c>--skip-metrics</c>; a name not among them, or skipping all, is an error.</summary>
    private static Metric[] Skip(Metric[] chosen, string? names)
    {
        if (names is null) return chosen;
        var skipped = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (skipped.FirstOrDefault(n => chosen.All(m => m.Name != n)) is string unknown)
            throw new DigitalCellException($"--skip-metrics: '{unknown}' is not among the chosen metrics ({string.Join(", ", chosen.Select(m => m.Name))}).");
        var kept = chosen.Where(m => !skipped.Contains(m.Name)).ToArray();
        return kept.Length > 0 ? kept : throw new DigitalCellException("--skip-metrics: every chosen metric is skipped; nothing would be scored.");
    }
}
