using System.CommandLine;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Display;
using DigitalCell.Sdk.IO;
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
        var real = new Option<string>("--real") { Description = "Observed cells (h5ad/10x/Parquet; counts are normalised like cell-eval)", Required = true };
        var pred = new Option<string>("--pred") { Description = "Predicted cells, same genes and perturbation labels, with control cells", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "Predictions of a baseline (e.g. cell-eval's cell-mean) to scale the overall score against" };
        var column = new Option<string>("--perturbation-column") { Description = "obs column with perturbation labels", DefaultValueFactory = _ => "perturbation" };
        var control = new Option<string>("--control") { Description = "Control label", DefaultValueFactory = _ => "control" };
        var metrics = new Option<string>("--metrics") { Description = "vcc, mean, de, full or comma-separated metric names", DefaultValueFactory = _ => "full" };
        var mode = new Option<string>("--mode") { Description = "cell-eval (current definitions) or vcc2025 (2025 leaderboard)", DefaultValueFactory = _ => ScoringMode.CellEval.Name };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap resamples for the confidence intervals", DefaultValueFactory = _ => 1000 };
        var output = new Option<string>("--out") { Description = "Output directory", DefaultValueFactory = _ => "score" };
        var figures = FigureArguments.Create();
        var command = new Command("score", "Score predicted cells against real cells with cell-eval's metrics (inputs in cell-eval's AnnData convention).")
        {
            real, pred, baseline, column, control, metrics, mode, bootstrap, output, figures,
        };
        command.SetAction(parse =>
        {
            var scoringMode = ScoringMode.Parse(parse.GetRequiredValue(mode));
            string realPath = parse.GetRequiredValue(real), predPath = parse.GetRequiredValue(pred);
            var realData = ExpressionScale.EnsureLogNormalized(CellDataset.Read(realPath), "real", out string realNote);
            // Systema's reference needs training data, which predictions made elsewhere do not come with.
            var chosen = Metrics.Parse(parse.GetRequiredValue(metrics)).Where(m => m != Metrics.PearsonDeltaPerturbedReference).ToArray();
            var builder = new ScoringInputBuilder(realData, parse.GetRequiredValue(column), parse.GetRequiredValue(control), scoringMode);
            var notes = new List<string> { realNote };
            var scores = new List<ModelScores>();
            foreach (var (name, path) in new[] { ("prediction", predPath), ("baseline", parse.GetValue(baseline)) })
            {
                if (path is null) continue;
                var predicted = ExpressionScale.EnsureLogNormalized(CellDataset.Read(path), name, out string note);
                notes.Add(note);
                scores.Add(Scorer.Score(name, builder.Build(predicted, chosen), chosen, scoringMode));
            }
            var options = new ScoreReportOptions(BaselineModel: parse.GetValue(baseline) is null ? null : "baseline", BootstrapSamples: parse.GetValue(bootstrap));
            var report = ScoreReport.Create(scores, chosen, scoringMode, options).WithProvenance(null, Path.GetFileName(realPath), notes);
            string dir = parse.GetRequiredValue(output);
            var written = report.SaveWithFigures(dir, FigureArguments.Parse(parse.GetRequiredValue(figures)));
            var o = parse.InvocationConfiguration.Output;
            ScoreReportConsole.Write(report, o);
            o.WriteLine($"Wrote {written.Count} files to {Path.GetFullPath(dir)} (report.json, report.md, report.html, figures/).");
            return 0;
        });
        return command;
    }
}
