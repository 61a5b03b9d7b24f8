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
/// <c>prior-models [seeds=0,1,2,3,4] [tasks=papalexi,norman,kang] [out=benchmarks/results/prior-models.md] [modes=cell-eval,vcc2025] [ablation|no-ablation]</c>: the gene-prior
/// models next to every baseline on real data, one benchmark per task and seed, in cell-eval and VCC 2025 modes; prints
/// and writes mean ± 95 % t-interval over seeds of the VCC score (vs cell-mean), Pearson Δ and Systema's
/// perturbed-reference Pearson Δ, and says which prior model beats linear, non-control-mean and control-mean with
/// non-overlapping intervals. On Papalexi also the ablation of prior-ridge (each prior block removed, and no prior at all).
/// </summary>
internal static class PriorModelsEvaluation
{
    private static readonly string[] Reported = ["vcc_score", "pearson_delta", "pearson_delta_perturbed_ref", "mae"];

    public static int Run(string[] args)
    {
        var seeds = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [0, 1, 2, 3, 4];
        var tasks = args.Length > 1 ? args[1].Split(',') : ["papalexi", "norman", "kang"];
        string output = args.Length > 2 ? args[2] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "benchmarks", "results", "prior-models.md");
        var modes = (args.Length > 3 ? args[3] : "cell-eval,vcc2025").Split(',').Select(ScoringMode.Parse).ToArray();
        bool ablation = args.Length <= 4 || args[4] != "no-ablation";
        string mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR") is { Length: > 0 } m ? m : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        var priors = GenePriors.FromDirectory(Path.Combine(mirror, GenePriors.CatalogId));
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average at start {BenchmarkSupport.LoadAverage()}; seeds {string.Join(",", seeds)}; mean ± 95 % t-interval over seeds (Kang: over held-out cell types).");
        foreach (var task in tasks)
        {
            var (data, schema, splits, extra) = Task(task, mirror, seeds);
            foreach (var mode in modes)
            {
                var values = new Dictionary<(string Model, string Metric), List<double>>();
                foreach (var (label, split) in splits)
                {
                    var models = Models(priors, extra, ablation: ablation && task == "papalexi" && mode == ScoringMode.CellEval);
                    ScoreReport report;
                    try
                    {
                        report = Benchmark.On(data, schema, split).Models([.. models]).Mode(mode)
                            .Options(new ScoreReportOptions(BootstrapSamples: 200, Seed: 0)).Run();
                    }
                    catch (ArithmeticException e)
                    {
                        // Until the benchmark is NaN-safe (bench helper), a NaN fold change in DE scoring loses the split; say so.
                        text.AppendLine(CultureInfo.InvariantCulture, $"- {task} {mode.Name} {label}: skipped, scoring failed ({e.Message})");
                        Console.Error.WriteLine($"{task} {mode.Name} {label}: scoring failed: {e.Message}");
                        continue;
                    }
                    foreach (var model in report.Models)
                    {
                        Add(values, model, "vcc_score", report.Rankings.Single(r => r.Model == model).OverallScore);
                        foreach (var metric in Reported.Skip(1)) Add(values, model, metric, report.Summary(model, metric).Mean);
                    }
                    Console.Error.WriteLine($"{task} {mode.Name} {label}: done");
                }
                text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"### {task} — {mode.Name} ({splits.Count} splits)").AppendLine();
                text.Append(Table(values));
                text.AppendLine().AppendLine(Verdict(values));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, text.ToString());
        Console.WriteLine(text);
        return 0;
    }

    private static (CellDataset Data, PerturbationSchema Schema, List<(string, PerturbationSplit)> Splits, string[] Extra) Task(string task, string mirror, int[] seeds)
    {
        switch (task)
        {
            case "papalexi":
            {
                var data = CellDataset.Read(Path.Combine(mirror, "papalexi2021-thp1", "papalexi2021_thp1_eccite_subset.h5ad")).WithSource("papalexi2021-thp1");
                var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout);
                return (data, schema, seeds.Select(s => ($"seed {s}", PerturbationSplits.UnseenPerturbations(data, schema, 0.2, 0.0, s))).ToList(), []);
            }
            case "norman":
            {
                var all = CellDataset.Read(Path.Combine(mirror, "norman2019-mcfaline2023-perturbench", "perturbench_devel.h5ad"));
                var k562 = all.SelectCells(Enumerable.Range(0, all.CellCount).Where(i => all.Obs["cell_type"].GetValue(i)?.ToString() == "k562").ToArray()).WithSource("norman2019-k562");
                var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.CRISPRa) { CombinationDelimiter = "+" };
                // Doubles from singles (Ahlmann-Eltze's Norman task): every gene seen, half of the doubles train, the rest are tested.
                return (k562, schema, seeds.Select(s => ($"seed {s}", PerturbationSplits.GearsSimulation(k562, schema, 1.0, 0.5, 0.0, s))).ToList(), ["additive"]);
            }
            case "kang":
            {
                var raw = CellDataset.Read(Path.Combine(mirror, "kang2018-pbmc-ifnb", "kang2018_pbmc_ifnb_scgen_valid.h5ad"));
                var condition = raw.Obs["condition"];
                var data = raw.WithObs(raw.Obs.With(CategoricalColumn.FromLabels("perturbation",
                    Enumerable.Range(0, raw.CellCount).Select(i => condition.GetValue(i)!.ToString()!).ToArray()))).WithSource("kang2018-pbmc-ifnb");
                var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Other) { ContextColumn = "cell_type" };
                var types = data.Obs["cell_type"] is var c ? Enumerable.Range(0, data.CellCount).Select(i => c.GetValue(i)!.ToString()!).Distinct().Order().ToArray() : [];
                return (data, schema, types.Select(t => (t, PerturbationSplits.UnseenContext(data, schema, [t], 0.0, 0))).ToList(), []);
            }
            default: throw new ArgumentException($"unknown task {task}; use papalexi, norman, kang");
        }
    }

    private static List<IPerturbationModel> Models(GenePriors priors, string[] extra, bool ablation)
    {
        var options = new PriorModelOptions(priors);
        var models = new List<IPerturbationModel>
        {
            Baselines.ControlMean(), Baselines.CellMean(), Baselines.NonControlMean(), Baselines.Linear(), Baselines.CrisprMean(),
            new PriorLinearModel(options), new PriorRidgeModel(options), new PriorMlpModel(options),
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

    private static void Add(Dictionary<(string, string), List<double>> values, string model, string metric, double? value)
    {
        if (value is not double v || !double.IsFinite(v)) return;
        if (!values.TryGetValue((model, metric), out var list)) values[(model, metric)] = list = [];
        list.Add(v);
    }

    private static (double Mean, double Low, double High) Interval(List<double> v)
    {
        double mean = v.Average();
        if (v.Count < 2) return (mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        double t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, v.Count - 1, 0.975);
        return (mean, mean - t * sd / Math.Sqrt(v.Count), mean + t * sd / Math.Sqrt(v.Count));
    }

    private static string Table(Dictionary<(string Model, string Metric), List<double>> values)
    {
        var models = values.Keys.Select(k => k.Model).Distinct().ToArray();
        var sb = new StringBuilder("| model | " + string.Join(" | ", Reported) + " |\n|---|" + string.Concat(Reported.Select(_ => "---|")) + "\n");
        foreach (var model in models.OrderByDescending(m => values.TryGetValue((m, "vcc_score"), out var v) ? v.Average() : double.NegativeInfinity))
        {
            sb.Append("| ").Append(model);
            foreach (var metric in Reported)
                sb.Append(" | ").Append(values.TryGetValue((model, metric), out var v) ? Format(Interval(v)) : "n/a");
            sb.Append(" |\n");
        }
        return sb.ToString();
    }

    private static string Format((double Mean, double Low, double High) i) =>
        string.Create(CultureInfo.InvariantCulture, $"{i.Mean:F3} [{i.Low:F3}, {i.High:F3}]");

    /// <summary>Whether the best prior model's interval lies wholly above each trivial baseline's, on the VCC score and Pearson Δ.</summary>
    private static string Verdict(Dictionary<(string Model, string Metric), List<double>> values)
    {
        string[] prior = ["linear-prior", "prior-ridge", "prior-mlp", "crispr-mean"];
        string[] rivals = ["linear", "non-control-mean", "control-mean"];
        var lines = new List<string>();
        foreach (var metric in new[] { "vcc_score", "pearson_delta", "pearson_delta_perturbed_ref" })
        {
            var best = prior.Where(p => values.ContainsKey((p, metric))).MaxBy(p => values[(p, metric)].Average());
            if (best is null) continue;
            var b = Interval(values[(best, metric)]);
            var beaten = rivals.Where(r => values.TryGetValue((r, metric), out var v) && b.Low > Interval(v).High).ToArray();
            var notBeaten = rivals.Except(beaten).Where(r => values.ContainsKey((r, metric))).ToArray();
            lines.Add($"{metric}: best prior model {best} {Format(b)} — beats (non-overlapping) {(beaten.Length == 0 ? "none" : string.Join(", ", beaten))}" +
                (notBeaten.Length > 0 ? $"; not {string.Join(", ", notBeaten)}" : ""));
        }
        return string.Join("  \n", lines);
    }
}
