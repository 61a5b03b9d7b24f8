using System.Diagnostics;
using System.Globalization;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>prior-ridge-fit [runs=5] [no-peer]</c>: fitting <c>prior-ridge</c> on Papalexi's training perturbations (unseen
/// split, seed 0) — pseudobulk, data PCA and the leave-one-out ridge — with the prior table already derived (target:
/// under 1 s on 2 cores), plus the first fit of a fresh process that also derives the prior table; beside the
/// numpy/scikit-learn peer of the same steps (benchmarks/peers/prior_ridge_fit.py).
/// </summary>
internal static class PriorRidgeFitBenchmark
{
    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        bool peer = args.Length <= 1 || args[1] != "no-peer";
        string data = Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data");
        string file = Path.Combine(data, "papalexi2021-thp1", "papalexi2021_thp1_eccite_subset.h5ad");
        var cells = CellDataset.Read(file).NormalizeTotal(1e4).Log1p();
        var schema = new PerturbationSchema("perturbation", "control", PerturbationMode.Knockout);
        var split = PerturbationSplits.UnseenPerturbations(cells, schema, 0.2, 0.0, 0);
        var train = PerturbationTrainingSet.FromSplit(cells, schema, split);
        var options = new PriorModelOptions(GenePriors.FromDirectory(Path.Combine(data, GenePriors.CatalogId)));

        var clock = Stopwatch.StartNew();
        var first = new PriorRidgeModel(options);
        first.Fit(train);
        double cold = clock.Elapsed.TotalSeconds;
        var warm = new List<double>();
        for (int r = 0; r < runs; r++)
        {
            clock.Restart();
            new PriorRidgeModel(options).Fit(train);
            warm.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"prior-ridge fit on Papalexi ({train.Data.CellCount} cells, {split.Train.Count} training perturbations, {train.Genes.Count} genes), load average {BenchmarkSupport.LoadAverage()}");
        Console.WriteLine($"  DigitalCell.Sdk  median {BenchmarkSupport.Median(warm):F3} s over {runs} fits (prior table derived once); first fit incl. deriving the prior table {cold:F2} s");
        if (!peer) return 0;
        int features = first.Card.Hyperparameters["prior_layout"] is string layout
            ? layout.Split(',').Sum(b => int.Parse(b.Split(':')[1], CultureInfo.InvariantCulture)) + 10 : 145;
        double python = double.Parse(BenchmarkSupport.RunPython(Path.Combine(BenchmarkSupport.PeersDirectory, "prior_ridge_fit.py"), file,
            string.Join(",", split.Train), features.ToString(CultureInfo.InvariantCulture), runs.ToString(CultureInfo.InvariantCulture)).Trim(), CultureInfo.InvariantCulture);
        Console.WriteLine($"  numpy/sklearn peer (pseudobulk + PCA + RidgeCV, {features} features)  median {python:F3} s   ratio peer/ours {python / BenchmarkSupport.Median(warm):F1}×");
        return 0;
    }
}
