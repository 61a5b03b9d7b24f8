using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalCell.Sdk.IO.H5mu;
using DigitalCell.Tests.Shared;
using static DigitalCell.Benchmarks.BenchmarkSupport;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>h5mu-load [runs=5]</c>: loads the real multimodal sets of the mirror (Papalexi RNA + guides, Mimitou RNA + ADT +
/// HTO) with <see cref="H5muFile.Read"/>, against Python loading the same h5mu the way mudata does (h5py + anndata
/// read_elem per modality) and the same modalities as separate .h5ad files through <c>anndata.read_h5ad</c>; medians
/// after a warm-up, and a check that all three read the same number of stored values.
/// </summary>
internal static class H5muLoadBenchmark
{
    private static readonly (string Name, string H5mu, string[] H5ad)[] Sets =
    [
        ("Papalexi rna+grna", "papalexi2021-thp1-grna/papalexi2021_thp1_rna_grna.h5mu",
            ["papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad", "papalexi2021-thp1-grna/papalexi2021_thp1_grna.h5ad"]),
        ("Mimitou rna+prot+hto", "mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control.h5mu",
            ["mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control_rna.h5ad", "mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control_prot.h5ad",
             "mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control_hto.h5ad"]),
    ];

    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        string peer = Path.Combine(PeersDirectory, "h5mu_load.py");
        Console.WriteLine($"{"h5mu load",-24}{"nnz",12}{"DigitalCell.Sdk",17}{"h5py+anndata",14}{"ratio",8}{"anndata .h5ad×n",17}{"ratio",8}");
        foreach (var (name, h5mu, h5ad) in Sets)
        {
            string path = SharedData.File(h5mu);
            var data = H5muFile.Read(path); // warm-up (JIT, page cache)
            long nnz = data.ModalityNames.Sum(m => data[m].X.StoredCount);
            var times = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                data = H5muFile.Read(path);
                times.Add(watch.Elapsed.TotalSeconds);
            }
            double ours = Median(times);
            string r = runs.ToString(CultureInfo.InvariantCulture);
            using var mudataWay = JsonDocument.Parse(RunPython(peer, "h5mu", path, r));
            using var separate = JsonDocument.Parse(RunPython([peer, "h5ad", r, .. h5ad.Select(SharedData.File)]));
            foreach (var peerResult in new[] { mudataWay, separate })
                if (peerResult.RootElement.GetProperty("nnz").GetInt64() != nnz) throw new InvalidOperationException($"{name}: Python read a different number of stored values");
            double viaH5mu = mudataWay.RootElement.GetProperty("seconds").GetDouble(), viaH5ad = separate.RootElement.GetProperty("seconds").GetDouble();
            Console.WriteLine($"{name,-24}{nnz,12:N0}{ours,15:F3} s{viaH5mu,12:F3} s{viaH5mu / ours,7:F2}×{viaH5ad,15:F3} s{viaH5ad / ours,7:F2}×");
        }
        Console.WriteLine($"(medians of {runs} runs after a warm-up, in process; {Environment.ProcessorCount} cores, load average {LoadAverage()})");
        return 0;
    }
}
