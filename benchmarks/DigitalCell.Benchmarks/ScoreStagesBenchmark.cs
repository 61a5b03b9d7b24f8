using System.Diagnostics;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Benchmarks;

/// <summary>
/// Where <c>dcell score</c>'s time goes: the same steps as the command (read, normalise, pseudobulk, the metrics of a
/// profile), each timed in wall and CPU seconds of this process, so a loaded machine still gives a fair split.
/// Inputs from <c>benchmarks/peers/make_score_inputs.py DIR</c>.
/// </summary>
internal static class ScoreStagesBenchmark
{
    public static int Run(string[] args)
    {
        string dir = args.ElementAtOrDefault(0) ?? throw new ArgumentException("usage: score-stages DIR [vcc2026|vcc|mean]");
        string profile = args.ElementAtOrDefault(1) ?? "vcc2026";
        var process = Process.GetCurrentProcess();
        var wall = Stopwatch.StartNew();
        TimeSpan lastWall = TimeSpan.Zero, lastCpu = process.TotalProcessorTime;
        void Stage(string name)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            Console.WriteLine($"{name,-40} wall {(wall.Elapsed - lastWall).TotalSeconds,7:F1} s   cpu {(cpu - lastCpu).TotalSeconds,7:F1} s");
            (lastWall, lastCpu) = (wall.Elapsed, cpu);
        }
        var mode = profile == "vcc2026" ? ScoringMode.Vcc2026 : ScoringMode.CellEval;
        var metrics = Metrics.Parse(profile);
        var real = CellDataset.Read(Path.Combine(dir, "real.h5ad"));
        var pred = CellDataset.Read(Path.Combine(dir, "pred.h5ad"));
        Stage("read both h5ad");
        real = ExpressionScale.EnsureLogNormalized(real, "real", out _);
        pred = ExpressionScale.EnsureLogNormalized(pred, "pred", out _);
        Stage("normalise + log1p both");
        var builder = new ScoringInputBuilder(real, "target_gene", "non-targeting", mode);
        Stage("real side: labels + pseudobulk");
        var input = builder.Build(pred, metrics, new Reporter(Stage));
        Stage("prediction side (+ DE / anchors)");
        var scores = Scorer.Score("prediction", input, metrics, mode);
        Stage("metrics");
        ScoreReport.Create([scores], metrics, mode, new ScoreReportOptions(BaselineModel: null));
        Stage("report (1,000 bootstrap resamples)");
        process.Refresh();
        Console.WriteLine($"total wall {wall.Elapsed.TotalSeconds:F1} s, peak working set {process.PeakWorkingSet64 / 1e9:F2} GB");
        return 0;
    }

    private sealed class Reporter(Action<string> stage) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value)
        {
            if (value.Step == Vcc2026Reference.ProgressStep)
                stage($"  anchors {value.Completed}/{value.Total} ({(value.Completed == 1 ? "baseline" : $"split {value.Completed - 1}")})");
        }
    }
}
