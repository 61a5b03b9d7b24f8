using DigitalCell.Sdk.Catalog;
using System.Diagnostics;
using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Benchmarks;

/// <summary>
/// Differential expression of every perturbation against control for every gene: DigitalCell.Sdk's Wilcoxon
/// (sparse ranks, control sorted once per gene, parallel over genes) against a scipy <c>mannwhitneyu</c> loop
/// (benchmarks/peers/de_mannwhitneyu.py) on the same log1p-normalised matrix. Data: the Papalexi 2021 THP-1 screen
/// (20,729 cells × 299 genes, 25 knockouts) and the same cells resampled with replacement to a larger set.
/// </summary>
internal static class DifferentialExpressionBenchmark
{
    public static int Run(string[] args)
    {
        int largeCells = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        int peerGenesLarge = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        var data = CellDataset.Read(DigitalCell.Tests.Shared.SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"))
            .NormalizeTotal(1e4).Log1p();
        Console.WriteLine($"DE benchmark (Wilcoxon, tie + continuity correction, BH per group), {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"data",-34} {"tests",10} {"ours (s)",10} {"scipy loop (s)",16} {"ratio",8}");
        Compare("Papalexi 20,729 cells × 299 genes", data, null);
        var rng = new Random(2021);
        var rows = new int[largeCells];
        for (int i = 0; i < rows.Length; i++) rows[i] = rng.Next(data.CellCount);
        Compare($"resampled {largeCells:N0} cells × 299 genes", data.SelectCells(rows), peerGenesLarge);
        return 0;
    }

    private static void Compare(string name, CellDataset data, int? peerGenes)
    {
        var options = DifferentialExpressionOptions.Vcc2025;
        data.DifferentialExpression("perturbation", "control", options); // warm-up (JIT)
        var times = new List<double>();
        DifferentialExpressionResult? result = null;
        for (int run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            result = data.DifferentialExpression("perturbation", "control", options);
            times.Add(watch.Elapsed.TotalSeconds);
        }
        double ours = times.Order().ElementAt(1);
        var (peer, extrapolated) = RunPeer(data, peerGenes);
        long tests = result!.RowCount;
        Console.WriteLine($"{name,-34} {tests,10:N0} {ours,10:F3} {peer,13:F2}{(extrapolated ? " (e)" : "    ")} {peer / ours,7:F0}×");
        if (extrapolated) Console.WriteLine($"{"",34} (e) scipy timed on the first {peerGenes} genes, scaled linearly to all genes");
    }

    private static (double Seconds, bool Extrapolated) RunPeer(CellDataset data, int? genes)
    {
        string dir = Path.Combine(Path.GetTempPath(), "dcell-de-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var x = data.X.ToSparse();
            File.WriteAllText(Path.Combine(dir, "shape.txt"), $"{x.RowCount} {x.ColumnCount}");
            File.WriteAllBytes(Path.Combine(dir, "indptr.i32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.RowPointers).ToArray());
            File.WriteAllBytes(Path.Combine(dir, "indices.i32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.ColumnIndices).ToArray());
            File.WriteAllBytes(Path.Combine(dir, "data.f32"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.StoredValues).ToArray());
            var labels = data.Obs.Categorical("perturbation");
            File.WriteAllLines(Path.Combine(dir, "labels.txt"), Enumerable.Range(0, data.CellCount).Select(i => labels[i] ?? ""));
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
            psi.ArgumentList.Add(Path.Combine(FindRoot(), "benchmarks", "peers", "de_mannwhitneyu.py"));
            psi.ArgumentList.Add(dir);
            psi.ArgumentList.Add("control");
            if (genes is { } g) psi.ArgumentList.Add(g.ToString(CultureInfo.InvariantCulture));
            using var process = Process.Start(psi)!;
            string line = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"peer failed: {line}");
            var fields = line.Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
            return (double.Parse(fields["seconds"], CultureInfo.InvariantCulture), fields["extrapolated"] == "True");
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("DigitalCell.Sdk.sln not found above the benchmark.");
    }
}
