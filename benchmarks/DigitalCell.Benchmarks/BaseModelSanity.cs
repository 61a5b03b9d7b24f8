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
/// <c>base-model-sanity [seeds=0,1,2] [steps=60,120,120] [out=benchmarks/results/base-model-sanity.md]</c>: the
/// programme's two sanity checks (<see cref="SanityChecks"/>) on Papalexi with IFNGR1, JAK2 and STAT1 held out of
/// training: the base model's leave-out variant (pretrained on the other catalog data sets plus the training fold) and
/// cell-mean, per seed. (a) the predicted control against the split-half replicate distance of the controls; (b) the
/// mean predicted and measured change of the Hallmark IFN-γ response genes for each held-out knockout.
/// </summary>
internal static class BaseModelSanity
{
    private static readonly string[] HeldOut = ["IFNGR1", "JAK2", "STAT1"];
    private const string ResponseSet = "HALLMARK_INTERFERON_GAMMA_RESPONSE";

    public static int Run(string[] args)
    {
        var seeds = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [0, 1, 2];
        var steps = (args.Length > 1 ? args[1] : "60,120,120").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        string output = args.Length > 2 ? args[2] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "benchmarks", "results", "base-model-sanity.md");
        string mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR") is { Length: > 0 } m ? m : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        Environment.SetEnvironmentVariable("DIGITALCELL_MIRROR", mirror);
        var priors = GenePriors.FromDirectory(Path.Combine(mirror, GenePriors.CatalogId));
        var sources = BaseModelSource.RecipeFromCatalogAsync(BaseModelRecipe.PerturbationIds, []).GetAwaiter().GetResult();
        var papalexi = sources.Single(s => s.Id == "papalexi2021-thp1-subset");
        var (data, schema) = (papalexi.Data, papalexi.Schema);
        var response = priors.Hallmark[ResponseSet].Genes.ToHashSet(StringComparer.Ordinal);
        var train = Enumerable.Range(0, data.CellCount).Select(i => data.Obs[schema.PerturbationColumn].GetText(i))
            .Where(l => !schema.IsControlLabel(l) && !HeldOut.Contains(l)).Distinct().Order(StringComparer.Ordinal).ToList();
        var set = new PerturbationTrainingSet(data, schema, train, dataId: papalexi.Id, dataSha256: papalexi.Sha256);
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture,
            $"Load average at start {BenchmarkSupport.LoadAverage()}; Papalexi THP-1 subset (log1p-normalised), {train.Count} training knockouts, held out {string.Join(", ", HeldOut)}; " +
            $"base model steps masked {steps[0]}, joint {steps[1]}, fine-tune {steps[2]}, 1 libtorch thread; response genes: {ResponseSet}.").AppendLine();
        text.AppendLine("| seed | model | (a) predicted control → control mean | split-half replicate (median of 20) | (a) passed | " +
                        string.Join(" | ", HeldOut.Select(k => $"(b) {k}: predicted / measured Δ")) + " | (b) passed |");
        text.AppendLine("|---|---|---|---|---|" + string.Concat(HeldOut.Select(_ => "---|")) + "---|");
        foreach (int seed in seeds)
        {
            var clock = Stopwatch.StartNew();
            using var baseModel = new DigitalCellBaseModel(new BaseModelOptions
            {
                Sources = sources, Priors = priors, MaskedSteps = steps[0], JointSteps = steps[1], FineTuneSteps = steps[2],
                Seed = seed, Device = DevicePreference.Cpu, Threads = 1,
            });
            foreach (var model in new IPerturbationModel[] { baseModel, Baselines.CellMean() })
            {
                model.Fit(set);
                var control = SanityChecks.ControlUnchanged(model, data, schema, seed);
                var direction = SanityChecks.Direction(model, data, schema, HeldOut, response);
                var changes = string.Join(" | ", direction.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.PredictedChange:+0.000;-0.000} / {d.MeasuredChange:+0.000;-0.000}")));
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {seed} | {model.Name} | {control.PredictionDistance:F3} | {control.ReplicateDistance:F3} | {(control.Passed ? "yes" : "no")} | {changes} | {direction.Count(d => d.Passed)}/{direction.Count} ({direction[0].ResponseGenes} genes) |");
            }
            Console.Error.WriteLine($"seed {seed}: {clock.Elapsed.TotalSeconds:F0} s, load {BenchmarkSupport.LoadAverage()}");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, text.ToString());
        }
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Load average at end {BenchmarkSupport.LoadAverage()}.");
        File.WriteAllText(output, text.ToString());
        Console.WriteLine(text);
        return 0;
    }
}
