using System.Diagnostics;
using System.Globalization;
using System.Text;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>base-model-compression [seeds=0,1,2] [steps=150,400,300] [pretrain|no-pretrain] [distill-steps=600] [threads=1] [out]</c>:
/// the tiny base model (the teacher) and its compressed variants — bf16, f16 and int8 weights, and a distilled student
/// of about half the parameters — on the prior-models harness's Papalexi unseen-knockout splits (cell-eval mode). Each
/// variant is saved and loaded back before it predicts, so the scores are the files'. Reported: file size, inference
/// latency per 1,000 cells, the scores, their paired difference from the teacher per split (mean ± 95 % t-interval) and
/// the largest difference of a predicted mean from the teacher's.
/// </summary>
internal static class BaseModelCompressionEvaluation
{
    private static readonly string[] Kinds = ["teacher", nameof(WeightPrecision.BFloat16), nameof(WeightPrecision.Float16), nameof(WeightPrecision.Int8), "student"];

    public static int Run(string[] args)
    {
        var seeds = (args.Length > 0 ? args[0] : "0,1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var steps = (args.Length > 1 ? args[1] : "150,400,300").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        bool pretrain = args.Length <= 2 || args[2] != "no-pretrain";
        int distillSteps = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 600;
        int threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        string output = args.Length > 5 ? args[5] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "benchmarks", "results", "base-model-compression.md");
        string mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR") is { Length: > 0 } m ? m : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        Environment.SetEnvironmentVariable("DIGITALCELL_MIRROR", mirror);
        var priors = GenePriors.FromDirectory(Path.Combine(mirror, GenePriors.CatalogId));
        var options = new BaseModelOptions
        {
            Sources = pretrain ? BaseModelSource.RecipeFromCatalogAsync(BaseModelRecipe.PerturbationIds, []).GetAwaiter().GetResult() : [],
            Priors = priors, Pretrain = pretrain, MaskedSteps = steps[0], JointSteps = steps[1], FineTuneSteps = steps[2], Device = DevicePreference.Cpu, Threads = threads,
        };
        var task = PriorModelsEvaluation.Task("papalexi", mirror, seeds);
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture,
            $"Load average at start {BenchmarkSupport.LoadAverage()}; Papalexi unseen knockouts (20 %), seeds {string.Join(",", seeds)}; teacher tiny, {(pretrain ? $"pretrained ({steps[0]} masked + {steps[1]} joint steps) and fine-tuned ({steps[2]})" : $"trained on the training fold alone ({steps[1] + steps[2]} steps)")}; student distilled for {distillSteps} steps; {threads} libtorch thread(s); cell-eval mode; mean ± 95 % t-interval over splits.");
        var values = new Dictionary<(string Model, string Metric), List<double>>();
        var clock = Stopwatch.StartNew();
        var stats = new Dictionary<string, VariantStats>();
        foreach (var (label, split) in task.Splits)
        {
            using var teacher = new SharedTeacher(options with { Seed = split.Seed });
            var variants = Kinds.Select(kind => new Variant(kind, teacher, new DistillationOptions { Steps = distillSteps, Seed = split.Seed, Threads = threads },
                options with { Sources = null }, stats)).ToList();
            var report = Benchmark.On(task.Data, task.Schema, split).Models([Baselines.ControlMean(), Baselines.CellMean(), .. variants]).Mode(ScoringMode.CellEval)
                .Options(new ScoreReportOptions(BootstrapSamples: 0, Seed: 0)).Run();
            foreach (var model in report.Models)
            {
                PriorModelsEvaluation.Add(values, model, "vcc_score", report.Rankings.Single(r => r.Model == model).OverallScore);
                foreach (var metric in PriorModelsEvaluation.Reported.Skip(1)) PriorModelsEvaluation.Add(values, model, metric, report.Summary(model, metric).Mean);
            }
            foreach (var v in variants) v.Dispose();
            Console.Error.WriteLine($"{label}: done ({clock.Elapsed.TotalSeconds:F0} s, load {BenchmarkSupport.LoadAverage()})");
        }
        var teacherName = stats.Keys.First();
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{task.Splits.Count} splits, {clock.Elapsed.TotalSeconds:F0} s, load at end {BenchmarkSupport.LoadAverage()}.").AppendLine()
            .AppendLine("| model | parameters | weights file | inference ms / 1,000 cells | vcc_score | Δ vcc_score vs teacher | pearson_delta | Δ pearson_delta | mae | Δ mae | max \\|mean − teacher's\\| |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var model in values.Keys.Select(k => k.Model).Distinct())
        {
            string Score(string metric) => values.TryGetValue((model, metric), out var v) ? PriorModelsEvaluation.Format(PriorModelsEvaluation.Interval(v)) : "n/a";
            string Paired(string metric) => model == teacherName || !stats.ContainsKey(model) || !values.ContainsKey((model, metric)) ? ""
                : PriorModelsEvaluation.Format(PriorModelsEvaluation.Interval(values[(model, metric)].Zip(values[(teacherName, metric)], (a, b) => a - b).ToList()));
            var s = stats.GetValueOrDefault(model);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {model} | {(s is null ? "" : $"{s.Parameters:N0}")} | {(s is null ? "" : $"{s.FileBytes.Average() / (1 << 20):F2} MiB")} | {(s is null ? "" : $"{BenchmarkSupport.Median([.. s.MillisecondsPer1000]):F1}")} | {Score("vcc_score")} | {Paired("vcc_score")} | {Score("pearson_delta")} | {Paired("pearson_delta")} | {Score("mae")} | {Paired("mae")} | {(s is null ? "" : $"{s.MaxDifference:G3}")} |"));
        }
        var shipped = Path.Combine(BenchmarkSupport.FindRepoRoot(), "models", "dcell-base-tiny");
        if (Directory.Exists(shipped)) text.AppendLine().Append(ShippedModel(shipped, task.Data, task.Schema, options with { Sources = null }));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, text.ToString());
        Console.WriteLine(text);
        return 0;
    }

    /// <summary>
    /// The zoo's <c>dcell-base-tiny</c> (7,610-gene vocabulary: the gene table dominates its size) at each precision: file
    /// size, latency, and how far its predicted means for every Papalexi knockout move (it was trained on all of them, so
    /// no score is computed here).
    /// </summary>
    private static string ShippedModel(string directory, CellDataset data, PerturbationSchema schema, BaseModelOptions options)
    {
        using var model = DigitalCellBaseModel.Load(directory, options);
        var labels = Enumerable.Range(0, data.CellCount).Select(i => data.Obs[schema.PerturbationColumn].GetText(i)).Where(l => !schema.IsControlLabel(l))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var asked = labels.Select(l => Perturbation.Parse(l, schema)).ToArray();
        var reference = model.Predict(asked).Means.Values.ToArray();
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"Shipped `{model.Name}` ({model.ParameterCount:N0} parameters, {model.Vocabulary.Count:N0}-gene vocabulary), load {BenchmarkSupport.LoadAverage()}:").AppendLine()
            .AppendLine("| precision | weights file | inference ms / 1,000 cells | max \\|mean − fp32\\| over the 25 knockouts × 299 genes | mean \\|mean − fp32\\| |")
            .AppendLine("|---|---|---|---|---|");
        foreach (var precision in Enum.GetValues<WeightPrecision>())
        {
            using var compressed = model.Compress(precision);
            var (loaded, bytes) = SavedAndLoaded(compressed, options);
            using (loaded)
            {
                var values = loaded.Predict(asked).Means.Values.ToArray();
                var differences = values.Zip(reference, (a, b) => Math.Abs((double)a - b)).ToArray();
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {precision} | {bytes / (double)(1 << 20):F2} MiB | {MillisecondsPer1000Cells(loaded, data, schema, labels[0]):F1} | {differences.Max():G3} | {differences.Average():G3} |"));
            }
        }
        return text.ToString();
    }

    /// <summary>The model saved to a temporary folder and loaded back (with <paramref name="options"/>' priors), and its weights file's size.</summary>
    private static (DigitalCellBaseModel Model, long Bytes) SavedAndLoaded(DigitalCellBaseModel model, BaseModelOptions options)
    {
        var dir = Path.Combine(Path.GetTempPath(), "dcell-compression-bench", Guid.NewGuid().ToString("N"));
        model.Save(dir);
        try
        {
            return (DigitalCellBaseModel.Load(dir, options), new FileInfo(Path.Combine(dir, DigitalCellBaseModel.WeightsFile)).Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Median time to predict one perturbation on 1,000 of the data's control cells (one warm-up call first), ms.</summary>
    private static double MillisecondsPer1000Cells(DigitalCellBaseModel model, CellDataset data, PerturbationSchema schema, string label)
    {
        var labels = data.Obs.Categorical(schema.PerturbationColumn);
        var rows = Enumerable.Range(0, data.CellCount).Where(r => labels[r] is { } l && schema.IsControlLabel(l)).Take(1_000).ToArray();
        var names = data.GeneNames.ToArray();
        var columns = model.Genes.Select(g => Array.IndexOf(names, g)).ToArray();
        var values = new float[rows.Length * columns.Length];
        var row = new float[data.GeneCount];
        for (int i = 0; i < rows.Length; i++)
        {
            data.X.CopyRow(rows[i], row);
            for (int j = 0; j < columns.Length; j++) values[i * columns.Length + j] = row[columns[j]];
        }
        var context = new PredictionContext(ControlCells: new DenseCellMatrix(rows.Length, columns.Length, values));
        var asked = new[] { Perturbation.Parse(label, schema) };
        model.Predict(asked, context);
        var times = new List<double>();
        for (int run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            model.Predict(asked, context);
            times.Add(clock.Elapsed.TotalMilliseconds * 1_000 / rows.Length);
        }
        return BenchmarkSupport.Median(times);
    }

    /// <summary>File size, latency and distance from the teacher of one variant, over splits.</summary>
    private sealed class VariantStats
    {
        public long Parameters { get; set; }
        public List<long> FileBytes { get; } = [];
        public List<double> MillisecondsPer1000 { get; } = [];
        public double MaxDifference { get; set; }
    }

    /// <summary>The teacher, fitted once per training set and shared by the variants of a split.</summary>
    private sealed class SharedTeacher(BaseModelOptions options) : IDisposable
    {
        private PerturbationTrainingSet? _fittedOn;
        public DigitalCellBaseModel Model { get; } = new(options);

        public DigitalCellBaseModel FittedOn(PerturbationTrainingSet train)
        {
            if (!ReferenceEquals(_fittedOn, train)) { Model.Fit(train); _fittedOn = train; }
            return Model;
        }

        public void Dispose() => Model.Dispose();
    }

    /// <summary>A variant as the harness sees it: fitting makes it from the teacher, saves it and loads it back.</summary>
    private sealed class Variant(string kind, SharedTeacher teacher, DistillationOptions distillation, BaseModelOptions loadOptions, Dictionary<string, VariantStats> stats)
        : IPerturbationModel, IDisposable
    {
        private DigitalCellBaseModel? _loaded;

        public string Name => _loaded?.Name ?? teacher.Model.Name + (kind == "teacher" ? "" : "-" + kind.ToLowerInvariant());
        public ModelCard Card => _loaded?.Card ?? teacher.Model.Card;
        public bool IsFitted => _loaded is not null;

        public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            var fitted = teacher.FittedOn(train);
            var variant = kind switch
            {
                "teacher" => fitted,
                "student" => fitted.Distill(train, distillation, cancellationToken),
                _ => fitted.Compress(Enum.Parse<WeightPrecision>(kind)),
            };
            _loaded?.Dispose();
            long bytes;
            (_loaded, bytes) = SavedAndLoaded(variant, loadOptions);
            if (!ReferenceEquals(variant, fitted)) variant.Dispose();
            if (!stats.TryGetValue(_loaded.Name, out var s)) stats[_loaded.Name] = s = new VariantStats();
            s.Parameters = _loaded.ParameterCount;
            s.FileBytes.Add(bytes);
            s.MillisecondsPer1000.Add(MillisecondsPer1000Cells(_loaded, train.Data, train.Schema, train.TrainPerturbations[0]));
        }

        public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
        {
            var model = _loaded ?? throw new DigitalCellException($"model '{Name}' is not fitted");
            var prediction = model.Predict(perturbations, context);
            var s = stats[model.Name];
            var reference = teacher.Model.Predict(perturbations, context).Means.Values;
            var values = prediction.Means.Values;
            for (int i = 0; i < values.Length; i++) s.MaxDifference = Math.Max(s.MaxDifference, Math.Abs(values[i] - reference[i]));
            return prediction;
        }

        public void Save(string directory) => (_loaded ?? throw new DigitalCellException($"model '{Name}' is not fitted")).Save(directory);

        public void Dispose() => _loaded?.Dispose();
    }
}
