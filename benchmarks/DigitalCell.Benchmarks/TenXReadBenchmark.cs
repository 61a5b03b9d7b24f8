using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalCell.Sdk.IO.TenX;
using static DigitalCell.Benchmarks.BenchmarkSupport;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>tenx-read [cells=20000] [genes=2000] [density=0.1] [runs=3]</c>: writes a gzipped Cell Ranger 3 directory with
/// scipy (peers/tenx_read.py), then times <see cref="TenXMatrix.Read"/> against scipy's <c>mmread(...).T.tocsr()</c> plus
/// pandas for the side files (what <c>scanpy.read_10x_mtx</c> does), medians after a warm-up, and checks both read
/// the same number of values and the same total.
/// </summary>
internal static class TenXReadBenchmark
{
    public static int Run(string[] args)
    {
        string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
        int cells = int.Parse(Arg(0, "20000"), CultureInfo.InvariantCulture);
        int genes = int.Parse(Arg(1, "2000"), CultureInfo.InvariantCulture);
        string density = Arg(2, "0.1");
        int runs = int.Parse(Arg(3, "3"), CultureInfo.InvariantCulture);
        string peer = Path.Combine(PeersDirectory, "tenx_read.py");
        string dir = Directory.CreateTempSubdirectory("dcell-tenx-bench-").FullName;
        try
        {
            RunPython(peer, "make", dir, cells.ToString(CultureInfo.InvariantCulture), genes.ToString(CultureInfo.InvariantCulture), density);
            var data = TenXMatrix.Read(dir); // warm-up (JIT, page cache)
            double sum = 0;
            foreach (var v in data.X.ToSparse().StoredValues) sum += v;
            var times = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                data = TenXMatrix.Read(dir);
                times.Add(watch.Elapsed.TotalSeconds);
            }
            double ours = Median(times);

            using var reference = JsonDocument.Parse(RunPython(peer, "read", dir, runs.ToString(CultureInfo.InvariantCulture)));
            double theirs = reference.RootElement.GetProperty("seconds").GetDouble();
            if (reference.RootElement.GetProperty("nnz").GetInt64() != data.X.StoredCount || Math.Abs(reference.RootElement.GetProperty("sum").GetDouble() - sum) > 1e-9 * sum)
                throw new InvalidOperationException("scipy and DigitalCell.Sdk read different matrices");
            Console.WriteLine($"{"10x mtx.gz read",-28}{"DigitalCell.Sdk",16}{"scipy 1.10",14}{"speed-up",10}");
            Console.WriteLine($"{$"{cells:N0} × {genes:N0}, {data.X.StoredCount:N0} nnz",-28}{ours,14:F3} s{theirs,12:F3} s{theirs / ours,9:F2}×");
            Console.WriteLine($"(medians of {runs} runs after a warm-up; {Environment.ProcessorCount} cores, load average {LoadAverage()})");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
