using System.Diagnostics;
using System.Globalization;
using System.Text;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5mu;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>base-model-modalities [seeds=0,1,2] [steps=400] [genes=2000] [out=benchmarks/results/base-model-modalities.md] [threads=1]</c>:
/// the base model's per-modality scores on ECCITE-seq PBMC (500 cells, RNA + 49 ADT): per seed, 20 % of the cells are
/// held out, the tiny model is pretrained with cross-modal masked expression on the other 80 % (the RNA panel is the
/// most variable genes of those cells), and predicts the held-out cells' protein from their RNA and RNA from their
/// protein, next to a ridge regression from the other modality and the training cells' mean.
/// </summary>
internal static class ModalityBenchmark
{
    public static int Run(string[] args)
    {
        var seeds = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [0, 1, 2];
        int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400;
        int genes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
        string output = args.Length > 3 ? args[3] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "benchmarks", "results", "base-model-modalities.md");
        int threads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
        string mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR") is { Length: > 0 } m ? m : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        var data = H5muFile.Read(Path.Combine(mirror, "mimitou2019-eccite-pbmc", "mimitou2019_eccite_pbmc_control.h5mu"));
        var source = BaseModelSource.FromMultimodal("mimitou2019-eccite-pbmc", data);
        var options = new ModalityEvaluationOptions
        {
            Model = new BaseModelOptions { Priors = GenePriors.FromDirectory(Path.Combine(mirror, GenePriors.CatalogId)), MaskedSteps = steps, Threads = threads, Device = DevicePreference.Cpu },
            Seeds = seeds, Genes = genes,
        };
        string start = BenchmarkSupport.LoadAverage();
        var clock = Stopwatch.StartNew();
        var report = ModalityEvaluation.Evaluate(source, options);
        var text = new StringBuilder().AppendLine(FormattableString.Invariant(
            $"ECCITE-seq PBMC ({source.Data.CellCount} cells; {report.Genes} most variable genes of the training cells, {report.Markers} ADT, CLR): {seeds.Length} random 80/20 splits (seeds {string.Join(",", seeds)}), tiny base model, {steps} cross-modal masked steps per split, {threads} libtorch thread(s); {clock.Elapsed.TotalSeconds:0} s; load average {start} at start → {BenchmarkSupport.LoadAverage()} at end. ") +
            "Mean ± 95 % t-interval over splits; Pearson = mean over features of the correlation across held-out cells (features constant in the held-out cells skipped; none for a constant prediction).");
        text.AppendLine().AppendLine("| modality (predicted from) | method | Pearson per feature | MAE |").AppendLine("|---|---|---|---|");
        foreach (var (modality, from) in new[] { ("protein", "RNA"), ("rna", "protein") })
            foreach (var method in new[] { "base-model", "ridge", "train-mean" })
            {
                var (r, rh) = report.Summary(modality, method, s => s.Pearson);
                var (e, eh) = report.Summary(modality, method, s => s.Mae);
                text.AppendLine(CultureInfo.InvariantCulture, $"| {modality} ({from}) | {method} | {(double.IsNaN(r) ? "—" : $"{r:0.000} ± {rh:0.000}")} | {e:0.000} ± {eh:0.000} |");
            }
        text.AppendLine().AppendLine("Protein markers, Pearson across held-out cells (mean over splits): base model / ridge").AppendLine();
        var markers = report.Splits[0].Scores.Single(s => s.Modality == "protein" && s.Method == "ridge").PerFeature.Keys;
        double Mean(string method, string marker) => report.Splits.Select(s => s.Scores.Single(x => x.Modality == "protein" && x.Method == method).PerFeature.GetValueOrDefault(marker, double.NaN)).Average();
        text.AppendLine(string.Join("; ", markers.OrderByDescending(k => Mean("ridge", k)).Select(k => FormattableString.Invariant($"{k} {Mean("base-model", k):0.00} / {Mean("ridge", k):0.00}"))));
        Console.Write(text);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        AtomicFile.WriteAllText(output, text.ToString());
        return 0;
    }
}
