using System.Diagnostics;
using System.Globalization;
using System.Text;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>base-model [seeds=0,1,2,3,4] [tasks=papalexi] [steps=150,400,300] [out=benchmarks/results/base-model.md (and .csv, every split's values)] [threads=1] [models=all] [pseudobulk-weight=10] [splits=all|N|LABEL,LABEL]</c>:
/// the digital-cell base model (tiny) next to the baselines and the best prior models on the prior-models harness's
/// tasks and splits (cell-eval mode), mean ± 95 % t-interval over splits. The base model pretrains inside each fit on
/// <c>dcell pretrain</c>'s default recipe (the perturbation screens and, masked expression only, the unperturbed sets)
/// other than the benchmarked data set, plus the training fold (so no test cell reaches it); the
/// ablations: <c>dcell-base-tiny-no-pretraining</c> trains on the training fold alone for the same perturbation steps,
/// <c>-no-priors</c> starts gene tokens at zero, <c>-no-set-attention</c> predicts each cell from itself alone.
/// Steps are masked-expression, joint and fine-tuning steps.
/// </summary>
internal static class BaseModelEvaluation
{
    public static int Run(string[] args)
    {
        var seeds = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [0, 1, 2, 3, 4];
        var tasks = args.Length > 1 ? args[1].Split(',') : ["papalexi"];
        var steps = (args.Length > 2 ? args[2] : "150,400,300").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        string output = args.Length > 3 ? args[3] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "benchmarks", "results", "base-model.md");
        int threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        var only = args.Length > 5 && args[5] != "all" ? args[5].Split(',').ToHashSet() : null;
        double pseudobulk = args.Length > 6 ? double.Parse(args[6], CultureInfo.InvariantCulture) : new BaseModelOptions().PseudobulkWeight;
        // The first N splits, or splits by label (Kang cell types, glioblastoma lines), so that one task can run in several processes.
        string splits = args.Length > 7 ? args[7] : "all";
        string mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR") is { Length: > 0 } m ? m : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        Environment.SetEnvironmentVariable("DIGITALCELL_MIRROR", mirror);
        var priors = GenePriors.FromDirectory(Path.Combine(mirror, GenePriors.CatalogId));
        // dcell pretrain's default recipe (perturbation screens and unperturbed sets); Fit leaves out the benchmarked data set.
        var sources = BaseModelSource.RecipeFromCatalogAsync(BaseModelRecipe.PerturbationIds, BaseModelRecipe.ObservationalIds).GetAwaiter().GetResult();
        var baseOptions = new BaseModelOptions
        {
            Sources = sources, Priors = priors, MaskedSteps = steps[0], JointSteps = steps[1], FineTuneSteps = steps[2],
            Device = DevicePreference.Cpu, Threads = threads, PseudobulkWeight = pseudobulk,
        };
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture,
            $"Load average at start {BenchmarkSupport.LoadAverage()}; seeds {string.Join(",", seeds)}; base-model steps masked {steps[0]}, joint {steps[1]}, fine-tune {steps[2]} (no pretraining: {steps[1] + steps[2]} on the training fold), pseudobulk weight {pseudobulk}; {threads} libtorch thread(s); cell-eval mode; mean ± 95 % t-interval over splits.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        // Every split's value, for base-model-table to pool the splits of several runs.
        var csv = new StringBuilder(SplitHeader + "\n");
        foreach (var task in tasks)
        {
            var t = PriorModelsEvaluation.Task(task, mirror, seeds);
            t = t with { Splits = SelectSplits(t.Splits, splits) };
            var values = new Dictionary<(string Model, string Metric), List<double>>();
            var fitSeconds = new Dictionary<string, List<double>>();
            var clock = Stopwatch.StartNew();
            foreach (var (label, split) in t.Splits)
            {
                int seed = split.Seed;
                var models = Models(priors, t, baseOptions with { Seed = seed }).Where(x => only is null || only.Contains(x.Name)).ToList();
                var timed = models.Select(x => (IPerturbationModel)new TimedModel(x, fitSeconds)).ToArray();
                var report = Benchmark.On(t.Data, t.Schema, split).Models(timed).Mode(ScoringMode.CellEval)
                    .Options(new ScoreReportOptions(BootstrapSamples: 0, Seed: 0)).Run();
                foreach (var model in report.Models)
                {
                    var scores = PriorModelsEvaluation.Reported.Skip(1).Select(metric => (metric, report.Summary(model, metric).Mean))
                        .Prepend(("vcc_score", report.Rankings.Single(r => r.Model == model).OverallScore));
                    foreach (var (metric, value) in scores)
                    {
                        PriorModelsEvaluation.Add(values, model, metric, value);
                        if (value is double v && double.IsFinite(v)) csv.Append(CultureInfo.InvariantCulture, $"{task},{label},{model},{metric},{v:R}\n");
                    }
                }
                File.WriteAllText(Path.ChangeExtension(output, ".csv"), csv.ToString());
                foreach (var note in report.Notes.Where(n => n.StartsWith("dcell-base", StringComparison.Ordinal)).Distinct())
                    if (!text.ToString().Contains(note, StringComparison.Ordinal)) text.AppendLine(CultureInfo.InvariantCulture, $"- {task} {label}: {note}");
                Console.Error.WriteLine($"{task} {label}: done ({clock.Elapsed.TotalSeconds:F0} s, load {BenchmarkSupport.LoadAverage()})");
            }
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {task} ({t.Splits.Count} splits, {clock.Elapsed.TotalSeconds:F0} s, load at end {BenchmarkSupport.LoadAverage()})").AppendLine();
            text.Append(PriorModelsEvaluation.Table(values, null)).AppendLine();
            text.AppendLine("Fit time per split (s): " + string.Join(", ", fitSeconds.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value.Average():F1}"))));
            File.WriteAllText(output, text.ToString());
        }
        Console.WriteLine(text);
        return 0;
    }

    private const string SplitHeader = "task,split,model,metric,value";

    private static List<(string, Sdk.Perturbations.PerturbationSplit)> SelectSplits(List<(string Label, Sdk.Perturbations.PerturbationSplit Split)> all, string spec)
    {
        if (spec == "all") return all;
        if (int.TryParse(spec, NumberStyles.Integer, CultureInfo.InvariantCulture, out int first)) return all.Take(first).ToList();
        var labels = spec.Split(',');
        var unknown = labels.Where(l => all.All(s => s.Label != l)).ToArray();
        if (unknown.Length > 0) throw new ArgumentException($"unknown split(s) {string.Join(", ", unknown)}; this task has {string.Join(", ", all.Select(s => s.Label))}");
        return all.Where(s => labels.Contains(s.Label)).ToList();
    }

    private const string SummaryHeader = "task,model,metric,mean,low,high,splits";

    /// <summary>
    /// <c>base-model-table OUT.csv CSV...</c>: pools the per-split values that <c>base-model</c> runs wrote (one task may
    /// be spread over several processes), prints each task's table (mean ± 95 % t-interval over its splits) and writes
    /// OUT.csv (task, model, metric, mean, low, high, splits), which notebook 04-digital-cell reads. Inputs already in
    /// OUT's format (earlier runs' tables) are copied through.
    /// </summary>
    public static int Table(string[] args)
    {
        var inputs = args[1..].Select(f => File.ReadAllLines(f)).ToList();
        var rows = inputs.Where(l => l[0] == SplitHeader).SelectMany(l => l.Skip(1)).Select(l => l.Split(','))
            .Select(c => (Task: c[0], Split: c[1], Model: c[2], Metric: c[3], Value: double.Parse(c[4], CultureInfo.InvariantCulture)))
            .DistinctBy(r => (r.Task, r.Split, r.Model, r.Metric)).ToList();
        var summary = new StringBuilder(SummaryHeader + "\n");
        foreach (var line in inputs.Where(l => l[0] == SummaryHeader).SelectMany(l => l.Skip(1))) summary.Append(line).Append('\n');
        foreach (var task in rows.GroupBy(r => r.Task))
        {
            var values = task.GroupBy(r => (r.Model, r.Metric)).ToDictionary(g => g.Key, g => g.Select(r => r.Value).ToList());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"### {task.Key} ({task.Select(r => r.Split).Distinct().Count()} splits: {string.Join(", ", task.Select(r => r.Split).Distinct())})\n"));
            Console.WriteLine(PriorModelsEvaluation.Table(values, null));
            foreach (var ((model, metric), v) in values)
            {
                var (mean, low, high) = PriorModelsEvaluation.Interval(v);
                summary.Append(CultureInfo.InvariantCulture, $"{task.Key},{model},{metric},{mean:G6},{low:G6},{high:G6},{v.Count}\n");
            }
        }
        File.WriteAllText(args[0], summary.ToString());
        return 0;
    }

    /// <summary>The prior-models harness's baselines and prior models, then the base model and its three ablations.</summary>
    private static List<IPerturbationModel> Models(GenePriors priors, PriorModelsEvaluation.TaskSetup task, BaseModelOptions options) =>
    [
        .. PriorModelsEvaluation.Models(priors, task.Extra, task.Transfer, ablation: false),
        new DigitalCellBaseModel(options), new DigitalCellBaseModel(options with { Pretrain = false }),
        new DigitalCellBaseModel(options with { UseGenePriors = false }), new DigitalCellBaseModel(options with { SetAttention = false }),
    ];

    /// <summary>Records each model's fit time (the benchmark calls Fit once per split).</summary>
    private sealed class TimedModel(IPerturbationModel inner, Dictionary<string, List<double>> seconds) : IPerturbationModel
    {
        public string Name => inner.Name;
        public ModelCard Card => inner.Card;
        public bool IsFitted => inner.IsFitted;
        public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            var clock = Stopwatch.StartNew();
            inner.Fit(train, progress, cancellationToken);
            if (!seconds.TryGetValue(Name, out var list)) seconds[Name] = list = [];
            list.Add(clock.Elapsed.TotalSeconds);
        }
        public PerturbationPrediction Predict(IReadOnlyList<DigitalCell.Sdk.Perturbations.Perturbation> perturbations, PredictionContext? context = null) => inner.Predict(perturbations, context);
        public void Save(string directory) => inner.Save(directory);
    }
}
