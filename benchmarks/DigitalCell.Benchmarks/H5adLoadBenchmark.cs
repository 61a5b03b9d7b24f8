using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using static DigitalCell.Benchmarks.BenchmarkSupport;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>h5ad-load [cells=200000] [genes=2000] [runs=5] [gzip]</c>: generates a sparse h5ad with Python anndata
/// (benchmarks/peers/h5ad_make_large.py; with <c>gzip</c>, every dataset gzip-compressed) in a temporary directory, then times a full load by us
/// (<see cref="H5adFile.Read"/>) and by <c>anndata.read_h5ad</c> (peers/h5ad_load.py), each in three fresh processes of which the fastest counts, and
/// compares the memory of streaming X through <see cref="H5adFile.OpenBacked"/> (sum over chunks) with a full load.
/// </summary>
internal static class H5adLoadBenchmark
{
    public static int Run(string[] args)
    {
        int cells = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        int genes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000;
        int runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        string compression = args.Length > 3 && args[3] == "gzip" ? "gzip" : "none";
        string peers = PeersDirectory;
        string dir = Directory.CreateTempSubdirectory("dcell-h5ad-bench-").FullName;
        try
        {
            string path = Path.Combine(dir, "large.h5ad");
            Console.WriteLine(RunPython(Path.Combine(peers, "h5ad_make_large.py"), path, cells.ToString(CultureInfo.InvariantCulture), genes.ToString(CultureInfo.InvariantCulture), compression).Trim());

            // Memory first, while the process is still small, so the peak working set of streaming is not hidden by the full load.
            var streamHalf = Stream(path, cells / 4);
            var streamAll = Stream(path, cells);
            foreach (var (rows, run) in new[] { (cells / 4, streamHalf), (cells, streamAll) })
                Console.WriteLine($"backed streaming, sum over 8192-row chunks of {rows,9:N0} cells: {run.Seconds,6:F2} s, live managed memory: " +
                                  $"{Mb(run.OpenHeap),6:F1} MB once opened (obs table, indptr) + {Mb(run.PeakHeap - run.OpenHeap),6:F1} MB peak while streaming X");
            Console.WriteLine($"peak working set after streaming: {Mb(Process.GetCurrentProcess().PeakWorkingSet64),8:F1} MB");

            var first = H5adFile.Read(path);
            double sum = 0;
            foreach (var v in first.X.ToSparse().StoredValues) sum += v;
            if (Math.Abs(sum - streamAll.Sum) > 1e-6 * Math.Abs(sum)) throw new InvalidOperationException($"streamed sum {streamAll.Sum} differs from full-load sum {sum}");
            Console.WriteLine($"full load (in memory): live managed memory {Mb(GC.GetTotalMemory(forceFullCollection: true)),8:F1} MB, peak working set {Mb(Process.GetCurrentProcess().PeakWorkingSet64),8:F1} MB");
            GC.KeepAlive(first);

            // Load times vary by process here, for anndata and for us alike (medians of 0.2 s or 0.6 s on the same file),
            // so each side runs in 3 fresh processes, alternating, and the fastest process counts.
            string runsArg = runs.ToString(CultureInfo.InvariantCulture);
            List<double> ours = [], theirs = [];
            for (int process = 0; process < 3; process++)
            {
                ours.Add(Seconds(RunSelf("h5ad-load-time", path, runsArg)));
                theirs.Add(Seconds(RunPython(Path.Combine(peers, "h5ad_load.py"), path, runsArg)));
            }
            Console.WriteLine();
            Console.WriteLine($"{"h5ad full load",-24}{"DigitalCell.Sdk",16}{"anndata 0.8",14}{"speed-up",10}");
            Console.WriteLine($"{$"{cells:N0} × {genes:N0}{(compression == "gzip" ? ", gzip" : "")}",-24}{ours.Min(),14:F3} s{theirs.Min(),12:F3} s{theirs.Min() / ours.Min(),9:F2}×");
            Console.WriteLine($"(fastest of 3 processes each, a process's time being the median of {runs} loads after a warm-up; " +
                              $"all medians: ours {List(ours)} s, anndata {List(theirs)} s; {Environment.ProcessorCount} cores, load average {LoadAverage()})");
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
        using var backed = H5adFile.OpenBacked(path);
        long open = GC.GetTotalMemory(forceFullCollection: true), peak = open;
        foreach (var chunk in backed.X.ReadChunks())
        {
            if (chunk.Start >= rows) break;
            foreach (var v in ((SparseCellMatrix)chunk.Rows).StoredValues) sum += v;
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true)); // live set while a chunk is held
        }
        return (watch.Elapsed.TotalSeconds, open, peak, sum);
    }

    /// <summary><c>h5ad-load-time &lt;file&gt; &lt;runs&gt;</c>, run by <see cref="Run"/> in a fresh process: prints <c>{"seconds": median}</c> like peers/h5ad_load.py.</summary>
    public static int TimeLoads(string[] args)
    {
        string path = args[0];
        int runs = int.Parse(args[1], CultureInfo.InvariantCulture);
        GC.KeepAlive(H5adFile.Read(path)); // warm-up (JIT, page cache)
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var data = H5adFile.Read(path);
            times.Add(watch.Elapsed.TotalSeconds);
            GC.KeepAlive(data);
        }
        Console.WriteLine(JsonSerializer.Serialize(new { seconds = Median(times), runs }));
        return 0;
    }

    private static double Seconds(string json)
    {
        using var result = JsonDocument.Parse(json);
        return result.RootElement.GetProperty("seconds").GetDouble();
    }

    private static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));

    private static double Mb(long bytes) => bytes / 1048576.0;
}
