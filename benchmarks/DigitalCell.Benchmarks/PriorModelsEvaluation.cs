using DigitalCell.Sdk.Catalog;
using System.Globalization;
using System.Text;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>prior-models [seeds=0,1,2,3,4] [tasks=papalexi,papalexi-lopo,norman,kang,kinases] [out=benchmarks/results/prior-models.md] [modes=cell-eval,vcc2025] [ablation|no-ablation] [bootstrap=200]</c>:
/// the gene-prior models next to every baseline on real data, one benchmark per task and split, in each scoring mode;
/// prints and writes (after every task and mode, so a long run leaves its finished tables) mean ± 95 % t-interval over
/// the splits of the VCC score (vs cell-mean), Pearson Δ and Systema's perturbed-reference Pearson Δ, and says which
/// prior model beats linear, non-control-mean and control-mean with non-overlapping intervals. Papalexi
/// leave-one-perturbation-out is one pooled split (each perturbation predicted by models fitted without it), so its
/// intervals are the report's bootstrap over perturbations. On Papalexi also the ablation of prior-ridge (each prior
/// block removed, and no prior at all). Each task runs <c>linear-transfer</c> with a source screen (see <see cref="Task"/>).
/// </summary>
internal static class PriorModelsEvaluation
{
    internal static readonly string[] Reported = ["vcc_score", "pearson_delta", "pearson_delta_perturbed_ref", "mae"];

    public static int Run(string[] args)
    {
        var seeds = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [0, 1, 2, 3, 4];
        var tasks = args.Length > 1 ? args[1].Split(',') : ["papalexi", "papalexi-lopo", "norman", "kang", "kinases"];
        string output = args.Length > 2 ? args[2] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "benchmarks", "results", "prior-models.md");
        var modes = (args.Length > 3 ? args[3] : "cell-eval,vcc2025").Split(',').Select(ScoringMode.Parse).ToArray();
        bool ablation = args.Length <= 4 || args[4] != "no-ablation";
        int bootstrap = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 200;
        string mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR") is { Length: > 0 } m ? m : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        var priors = GenePriors.FromDirectory(Path.Combine(mirror, GenePriors.CatalogId));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average at start {BenchmarkSupport.LoadAverage()}; seeds {string.Join(",", seeds)}; {bootstrap} bootstrap samples; mean ± 95 % t-interval over splits (Kang: held-out cell types; kinases: held-out glioblastoma lines; papalexi-lopo: bootstrap over perturbations).");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        foreach (var task in tasks)
        {
            var t = Task(task, mirror, seeds);
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"linear-transfer on {task}: {t.TransferNote}");
            foreach (var mode in modes)
            {
                var values = new Dictionary<(string Model, string Metric), List<double>>();
                var intervals = new Dictionary<(string Model, string Metric), (double, double, double)>();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                foreach (var (label, split) in t.Splits)
                {
                    var models = Models(priors, t.Extra, t.Transfer, ablation: ablation && task == "papalexi" && mode == ScoringMode.CellEval);
                    if (task == "papalexi-lopo") models = models.Select(model => (IPerturbationModel)new LeaveOneOutModel(model)).ToList();
                    var benchmark = Benchmark.On(t.Data, t.Schema, split).Models([.. models]).Mode(mode)
                        .Options(new ScoreReportOptions(BootstrapSamples: bootstrap, Seed: 0));
                    // VCC 2026 scores its own six metrics (anchored); the correlations are kept beside them.
                    if (mode.ScaledByAnchors) benchmark = benchmark.Metrics([.. Vcc2026Metrics.All, Metrics.PearsonDelta, Metrics.PearsonDeltaPerturbedReference, Metrics.Mae]);
                    var report = benchmark.Run();
                    // The VCC 2026 anchors and per-metric scaled scores are in the full report; keep the first split's.
                    if (mode.ScaledByAnchors && label == t.Splits[0].Item1)
                        File.WriteAllText(Path.ChangeExtension(output, null) + $"-{task}-{mode.Name}-first-split.md", report.ToMarkdown());
                    foreach (var model in report.Models)
                    {
                        Add(values, model, "vcc_score", report.Rankings.Single(r => r.Model == model).OverallScore);
                        foreach (var metric in Reported.Skip(1))
                        {
                            var summary = report.Summary(model, metric);
                            Add(values, model, metric, summary.Mean);
                            if (summary is { Mean: double mean, CiLow: double low, CiHigh: double high }) intervals[(model, metric)] = (mean, low, high);
                        }
                    }
                    foreach (var note in report.Notes.Where(n => n.StartsWith("linear-transfer", StringComparison.Ordinal)).Distinct())
                        if (!text.ToString().Contains(note, StringComparison.Ordinal)) text.AppendLine(CultureInfo.InvariantCulture, $"- {task} {label}: {note}");
                    Console.Error.WriteLine($"{task} {mode.Name} {label}: done ({clock.Elapsed.TotalSeconds:F0} s)");
                }
                text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {task} — {mode.Name} ({t.Splits.Count} splits, {clock.Elapsed.TotalSeconds:F0} s, load {BenchmarkSupport.LoadAverage()})").AppendLine();
                var pooled = t.Splits.Count == 1 ? intervals : null;
                text.Append(Table(values, pooled));
                text.AppendLine().AppendLine(Verdict(values, pooled));
                File.WriteAllText(output, text.ToString());
            }
        }
        Console.WriteLine(text);
        return 0;
    }

    internal sealed record TaskSetup(CellDataset Data, PerturbationSchema Schema, List<(string, PerturbationSplit)> Splits, string[] Extra, TransferSource Transfer, string TransferNote);

    /// <summary>
    /// The data, splits and linear-transfer source of a task. Sources: Papalexi ← Norman K562, Norman ← Papalexi,
    /// Kang ← Papalexi, kinases (glioblastoma lines) ← Norman K562; the note says how many target genes the source perturbed.
    /// </summary>
    internal static TaskSetup Task(string task, string mirror, int[] seeds)
    {
        var papalexiSchema = new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout);
        CellDataset Papalexi() => CellDataset.Read(Path.Combine(mirror, "papalexi2021-thp1", "papalexi2021_thp1_eccite_subset.h5ad")).WithSource("papalexi2021-thp1");
        var perturbench = CellDataset.Read(Path.Combine(mirror, "norman2019-mcfaline2023-perturbench", "perturbench_devel.h5ad"));
        var k562 = perturbench.SelectCells(Enumerable.Range(0, perturbench.CellCount).Where(i => perturbench.Obs["cell_type"].GetValue(i)?.ToString() == "k562").ToArray()).WithSource("norman2019-k562");
        var normanSchema = new PerturbationSchema("perturbation", "control", PerturbationMode.CRISPRa) { CombinationDelimiter = "+" };
        var fromNorman = new TransferSource(Data: k562, Schema: normanSchema);
        var fromPapalexi = new TransferSource(Data: ExpressionScale.EnsureLogNormalized(Papalexi(), "source", out _), Schema: papalexiSchema);
        TaskSetup Setup(CellDataset data, PerturbationSchema schema, List<(string, PerturbationSplit)> splits, string[] extra, TransferSource source, CellDataset sourceData, PerturbationSchema sourceSchema)
        {
            static HashSet<string> Singles(CellDataset d, PerturbationSchema s) => Enumerable.Range(0, d.CellCount).Select(i => d.Obs[s.PerturbationColumn].GetText(i))
                .Where(l => !s.IsControlLabel(l)).Select(l => Perturbation.Parse(l, s)).SelectMany(p => p.Targets).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var sourceGenes = Enumerable.Range(0, sourceData.CellCount).Select(i => sourceData.Obs[sourceSchema.PerturbationColumn].GetText(i)).Distinct()
                .Where(l => !sourceSchema.IsControlLabel(l)).Select(l => Perturbation.Parse(l, sourceSchema)).Where(p => p.Targets.Count == 1).Select(p => p.Targets[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var targets = Singles(data, schema);
            var shared = targets.Where(sourceGenes.Contains).Order(StringComparer.Ordinal).ToArray();
            return new TaskSetup(data, schema, splits, extra, source,
                $"source {sourceData.Source} perturbed {sourceGenes.Count} genes alone; {shared.Length} of the task's {targets.Count} target genes are among them" +
                (shared.Length > 0 ? $" ({string.Join(", ", shared)})" : " (every target falls back to its prior vector, so linear-transfer equals linear-prior up to the ridge on empty columns)"));
        }
        switch (task)
        {
            case "papalexi":
            case "papalexi-lopo":
            {
                var data = Papalexi();
                var splits = task == "papalexi"
                    ? seeds.Select(s => ($"seed {s}", PerturbationSplits.UnseenPerturbations(data, papalexiSchema, 0.2, 0.0, s))).ToList()
                    : [("lopo", LeaveOneOutModel.Split(data, papalexiSchema))];
                return Setup(data, papalexiSchema, splits, [], fromNorman, k562, normanSchema);
            }
            case "norman":
                // Doubles from singles (Ahlmann-Eltze's Norman task): every gene seen, half of the doubles train, the rest are tested.
                return Setup(k562, normanSchema, seeds.Select(s => ($"seed {s}", PerturbationSplits.GearsSimulation(k562, normanSchema, 1.0, 0.5, 0.0, s))).ToList(), ["additive"],
                    fromPapalexi, fromPapalexi.Data!, papalexiSchema);
            case "kang":
            {
                var raw = CellDataset.Read(Path.Combine(mirror, "kang2018-pbmc-ifnb", "kang2018_pbmc_ifnb_scgen_valid.h5ad"));
                var condition = raw.Obs["condition"];
                var data = raw.WithObs(raw.Obs.With(CategoricalColumn.FromLabels("perturbation",
                    Enumerable.Range(0, raw.CellCount).Select(i => condition.GetValue(i)!.ToString()!).ToArray()))).WithSource("kang2018-pbmc-ifnb");
                var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Other) { ContextColumn = "cell_type" };
                var types = data.Obs["cell_type"] is var c ? Enumerable.Range(0, data.CellCount).Select(i => c.GetValue(i)!.ToString()!).Distinct().Order().ToArray() : [];
                return Setup(data, schema, types.Select(t => (t, PerturbationSplits.UnseenContext(data, schema, [t], 0.0, 0))).ToList(), [], fromPapalexi, fromPapalexi.Data!, papalexiSchema);
            }
            case "kinases":
            {
                // The nine kinases perturbed in all four lines (CRISPRa in K562, CRISPRi in A172, T98G, U87MG): hold out one
                // glioblastoma line, train on K562 and the two other lines, score the held-out line against its own controls.
                var data = perturbench.WithSource("norman2019-mcfaline2023-perturbench");
                var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.CRISPRi) { CombinationDelimiter = "+", ContextColumn = "cell_type" };
                return Setup(data, schema, new[] { "A172", "T98G", "U87MG" }.Select(line => (line, PerturbationSplits.UnseenContext(data, schema, [line], 0.0, 0))).ToList(), [],
                    fromNorman, k562, normanSchema);
            }
            default: throw new ArgumentException($"unknown task {task}; use papalexi, papalexi-lopo, norman, kang, kinases");
        }
    }

    /// <summary>Every baseline and prior model of a task (and, with <paramref name="ablation"/>, prior-ridge without each prior block).</summary>
    internal static List<IPerturbationModel> Models(GenePriors priors, string[] extra, TransferSource transfer, bool ablation)
    {
        var options = new PriorModelOptions(priors);
        var models = new List<IPerturbationModel>
        {
            Baselines.ControlMean(), Baselines.CellMean(), Baselines.NonControlMean(), Baselines.Linear(), Baselines.CrisprMean(),
            new PriorLinearModel(options), new LinearTransferModel(transfer, options), new PriorRidgeModel(options), new PriorMlpModel(options),
        };
        models.AddRange(extra.Select(Baselines.Create));
        if (ablation)
        {
            models.Add(new PriorRidgeModel(options with { Blocks = GenePriorBlocks.None, Name = "prior-ridge (data PCA only)" }));
            foreach (var block in Enum.GetValues<GenePriorBlocks>().Where(b => b is not (GenePriorBlocks.None or GenePriorBlocks.All)))
                models.Add(new PriorRidgeModel(options with { Blocks = GenePriorBlocks.All & ~block, Name = $"prior-ridge −{block}" }));
        }
        return models;
    }

    internal static void Add(Dictionary<(string, string), List<double>> values, string model, string metric, double? value)
    {
        if (value is not double v || !double.IsFinite(v)) return;
        if (!values.TryGetValue((model, metric), out var list)) values[(model, metric)] = list = [];
        list.Add(v);
    }

    internal static (double Mean, double Low, double High) Interval(List<double> v)
    {
        double mean = v.Average();
        if (v.Count < 2) return (mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, v.Count - 1, 0.975);
        return (mean, mean - t * sd / Math.Sqrt(v.Count), mean + t * sd / Math.Sqrt(v.Count));
    }

    private static (double Mean, double Low, double High) Interval(Dictionary<(string, string), List<double>> values,
        Dictionary<(string Model, string Metric), (double, double, double)>? pooled, string model, string metric) =>
        pooled is not null && pooled.TryGetValue((model, metric), out var i) ? i : Interval(values[(model, metric)]);

    internal static string Table(Dictionary<(string Model, string Metric), List<double>> values, Dictionary<(string Model, string Metric), (double, double, double)>? pooled)
    {
        var models = values.Keys.Select(k => k.Model).Distinct().ToArray();
        var sb = new StringBuilder("| model | " + string.Join(" | ", Reported) + " |\n|---|" + string.Concat(Reported.Select(_ => "---|")) + "\n");
        foreach (var model in models.OrderByDescending(m => values.TryGetValue((m, "vcc_score"), out var v) ? v.Average() : double.NegativeInfinity))
        {
            sb.Append("| ").Append(model);
            foreach (var metric in Reported)
                sb.Append(" | ").Append(values.ContainsKey((model, metric)) ? Format(Interval(values, pooled, model, metric)) : "n/a");
            sb.Append(" |\n");
        }
        return sb.ToString();
    }

    internal static string Format((double Mean, double Low, double High) i) =>
        string.Create(CultureInfo.InvariantCulture, $"{i.Mean:F3} [{i.Low:F3}, {i.High:F3}]");

    /// <summary>Whether the best prior model's interval lies wholly above each trivial baseline's, on the VCC score and Pearson Δ.</summary>
    private static string Verdict(Dictionary<(string Model, string Metric), List<double>> values, Dictionary<(string Model, string Metric), (double, double, double)>? pooled)
    {
        string[] prior = ["linear-prior", "linear-transfer", "prior-ridge", "prior-mlp", "crispr-mean"];
        string[] rivals = ["linear", "non-control-mean", "control-mean"];
        var lines = new List<string>();
        foreach (var metric in new[] { "vcc_score", "pearson_delta", "pearson_delta_perturbed_ref" })
        {
            var best = prior.Where(p => values.ContainsKey((p, metric))).MaxBy(p => values[(p, metric)].Average());
            if (best is null) continue;
            var b = Interval(values, pooled, best, metric);
            var beaten = rivals.Where(r => values.ContainsKey((r, metric)) && b.Low > Interval(values, pooled, r, metric).High).ToArray();
            var notBeaten = rivals.Except(beaten).Where(r => values.ContainsKey((r, metric))).ToArray();
            lines.Add($"{metric}: best prior model {best} {Format(b)} — beats (non-overlapping) {(beaten.Length == 0 ? "none" : string.Join(", ", beaten))}" +
                (notBeaten.Length > 0 ? $"; not {string.Join(", ", notBeaten)}" : ""));
        }
        return string.Join("  \n", lines);
    }
}
