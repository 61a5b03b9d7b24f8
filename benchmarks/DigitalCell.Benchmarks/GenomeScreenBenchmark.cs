using System.Diagnostics;
using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Screens;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>screen-genome [threads=1] [parallelism=2] [candidates=all]</c>: the zoo's <c>dcell-base-tiny</c> screens every
/// gene it can knock out (its token vocabulary plus every gene with a gene prior) for lowering the Hallmark IFN-γ
/// response, starting from Papalexi's THP-1 control cells, as <c>dcell screen --model dcell-base-tiny --candidates all</c>
/// does (target: under 5 minutes on 2 cores). Prints wall time, candidates per second, the load average and the known
/// hits' ranks.
/// </summary>
internal static class GenomeScreenBenchmark
{
    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
        int parallelism = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        int limit = args.Length > 2 && args[2] != "all" ? int.Parse(args[2], CultureInfo.InvariantCulture) : int.MaxValue;
        string data = Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        var priors = GenePriors.FromDirectory(Path.Combine(data, GenePriors.CatalogId));
        TorchSharp.torch.set_num_threads(threads);
        var clock = Stopwatch.StartNew();
        var cells = ExpressionScale.EnsureLogNormalized(CellDataset.Read(Path.Combine(data, "papalexi2021-thp1", "papalexi2021_thp1_eccite_subset.h5ad")), "papalexi", out _);
        var labels = cells.Obs["perturbation"];
        var controls = cells.SelectCells(Enumerable.Range(0, cells.CellCount).Where(i => labels.GetValue(i)?.ToString() == "control").ToArray());
        using var model = DigitalCellBaseModel.Load(Path.Combine(BenchmarkSupport.FindRepoRoot(), "models", "dcell-base-tiny"),
            new BaseModelOptions { Priors = priors, Device = DevicePreference.Cpu });
        var vocabulary = ScreenCandidates.Vocabulary(model);
        var candidates = ScreenCandidates.Genes(PerturbationMode.Knockout, vocabulary.Take(limit));
        double load = clock.Elapsed.TotalSeconds;
        string before = BenchmarkSupport.LoadAverage();
        string[] known = ["IFNGR1", "IFNGR2", "JAK2", "STAT1", "IRF1"];
        var screen = new Screen([model], controls, ScreenObjective.Hallmark(priors, "INTERFERON_GAMMA_RESPONSE"), new ScreenOptions(Parallelism: parallelism, KnownHits: known));
        clock.Restart();
        var result = screen.RunAsync(candidates).GetAwaiter().GetResult();
        double wall = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"genome-scale screen: dcell-base-tiny ({model.Vocabulary.Count:N0}-gene token vocabulary, {vocabulary.Count:N0} genes it can knock out with the gene priors; " +
            $"{model.Genes.Count} predicted genes), {controls.CellCount:N0} THP-1 control cells, Hallmark IFN-γ down; libtorch threads {threads}, parallelism {parallelism}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  DigitalCell.Sdk  {candidates.Count:N0} candidates in {wall:F1} s = {candidates.Count / wall:F0} candidates/s (load average {before} before, {BenchmarkSupport.LoadAverage()} after); data + model load {load:F1} s"));
        Console.WriteLine("  top 10: " + string.Join(", ", result.Rows.Take(10).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Candidate} ({r.Effect:G3})"))));
        Console.WriteLine("  known hits: " + string.Join(", ", result.Rows.Where(r => r.Known).Select(r => $"{r.Candidate} rank {r.Rank:N0}")));
        return 0;
    }
}
