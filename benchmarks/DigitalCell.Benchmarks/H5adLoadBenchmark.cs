using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using H5ad = DigitalCell.Sdk.IO.H5ad.H5ad;
using static DigitalCell.Benchmarks.BenchmarkSupport;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>h5ad-load [cells=200000] [genes=2000] [runs=5]</c>: generates a sparse h5ad with Python anndata
/// (benchmarks/peers/h5ad_make_large.py) in a temporary directory, then times a full load by us
/// (<see cref="H5ad.Read"/>) and by <c>anndata.read_h5ad</c> (peers/h5ad_load.py), medians after a warm-up, and
/// compares the memory of streaming X through <see cref="H5ad.OpenBacked"/> (sum over chunks) with a full load.
/// </summary>
internal static class H5adLoadBenchmark
{
    public static int Run(string[] args)
    {
        int cells = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        int genes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
        int runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        string peers = PeersDirectory;
        string dir = Directory.CreateTempSubdirectory("dcell-h5ad-bench-").FullName;
        try
        {
            string path = Path.Combine(dir, "large.h5ad");
            Console.WriteLine(RunPython(Path.Combine(peers, "h5ad_make_large.py"), path, cells.ToString(CultureInfo.InvariantCulture), genes.ToString(CultureInfo.InvariantCulture)).Trim());

            // Memory first, while the process is still small, so the peak working set of streaming is not hidden by the full load.
            var streamHalf = Stream(path, cells / 4);
            var streamAll = Stream(path, cells);
            foreach (var (rows, run) in new[] { (cells / 4, streamHalf), (cells, streamAll) })
                Console.WriteLine($"backed streaming, sum over 8192-row chunks of {rows,9:N0} cells: {run.Seconds,6:F2} s, live managed memory: " +
                                  $"{Mb(run.OpenHeap),6:F1} MB once opened (obs table, indptr) + {Mb(run.PeakHeap - run.OpenHeap),6:F1} MB peak while streaming X");
            Console.WriteLine($"peak working set after streaming: {Mb(Process.GetCurrentProcess().PeakWorkingSet64),8:F1} MB");

            var first = H5ad.Read(path); // warm-up (JIT, page cache)
            double sum = 0;
            foreach (var v in first.X.ToSparse().StoredValues) sum += v;
            if (Math.Abs(sum - streamAll.Sum) > 1e-6 * Math.Abs(sum)) throw new InvalidOperationException($"streamed sum {streamAll.Sum} differs from full-load sum {sum}");
            long heapFull = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(first);
            first = null;
            var times = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var data = H5ad.Read(path);
                times.Add(watch.Elapsed.TotalSeconds);
                GC.KeepAlive(data);
            }
            double ours = Median(times);
            Console.WriteLine($"full load (in memory): live managed memory {Mb(heapFull),8:F1} MB, peak working set {Mb(Process.GetCurrentProcess().PeakWorkingSet64),8:F1} MB");

            using var peer = JsonDocument.Parse(RunPython(Path.Combine(peers, "h5ad_load.py"), path, runs.ToString(CultureInfo.InvariantCulture)));
            double theirs = peer.RootElement.GetProperty("seconds").GetDouble();
            Console.WriteLine();
            Console.WriteLine($"{"h5ad full load",-24}{"DigitalCell.Sdk",16}{"anndata 0.8",14}{"speed-up",10}");
            Console.WriteLine($"{$"{cells:N0} × {genes:N0}",-24}{ours,14:F3} s{theirs,12:F3} s{theirs / ours,9:F2}×");
            Console.WriteLine($"(medians of {runs} runs after a warm-up; {Environment.ProcessorCount} cores, load average {LoadAverage()})");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (double Seconds, long OpenHeap, long PeakHeap, double Sum) Stream(string path, int rows)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        double sum = 0;
        using var backed = H5ad.OpenBacked(path);
        long open = GC.GetTotalMemory(forceFullCollection: true), peak = open;
        foreach (var chunk in backed.X.ReadChunks())
        {
            if (chunk.Start >= rows) break;
            foreach (var v in ((SparseCellMatrix)chunk.Rows).StoredValues) sum += v;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true)); // live set while a chunk is held
        }
        return (watch.Elapsed.TotalSeconds, open, peak, sum);
    }

    private static double Mb(long bytes) => bytes / 1048576.0;
}
