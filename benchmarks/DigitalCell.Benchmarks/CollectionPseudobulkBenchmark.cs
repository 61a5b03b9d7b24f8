using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Benchmarks;

/// <summary>
/// Streaming pseudobulk over N synthetic shards: ours (CellCollection, normalise + log1p on the fly, per-shard partials
/// merged) against anndata backed mode + numpy on the same h5ad shards, and raw-count sums against DuckDB SQL on the
/// same cells in Tahoe's Parquet layout. Each side runs in a fresh process (ours with <see cref="OurGc"/>); peak
/// resident memory is the process's high-water mark, at several collection sizes with equal shards, so flat memory
/// shows as equal peaks.
/// </summary>
internal static class CollectionPseudobulkBenchmark
{
    /// <summary>
    /// The GC setting of our side's processes (only theirs): our readers reuse their buffers, but Parquet.Net and the
    /// HDF5 reader still allocate fresh arrays of a row group's or chunk's size (on the Tahoe layout ~47 bytes per
    /// stored value in all, 8 of them our output), which land on the large-object heap; the workstation GC then grows its budget rather than
    /// compact that heap, so without this setting the process's peak grew with the shards read (Tahoe layout, 500
    /// genes: 206 / 378 / 702 MB at 2 / 8 / 32 shards of 10,000 cells; with it 168 / 233 / 258 MB).
    /// </summary>
    private static readonly Dictionary<string, string> OurGc = new() { ["DOTNET_GCConserveMemory"] = "9" };

    public static int Run(string[] args)
    {
        int cellsPerShard = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 25_000;
        int genes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        int[] shardCounts = args.Length > 2 ? args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [2, 8];
        bool withDe = args.Length > 3 && args[3] == "de";
        var deRows = new List<string>();
        string root = Directory.CreateTempSubdirectory("dcell-bench-collection-").FullName;
        try
        {
            Console.WriteLine($"collection-pseudobulk: {cellsPerShard} cells/shard × {genes} genes, 40 perturbations × 2 cell lines (synthetic), load average {BenchmarkSupport.LoadAverage()}");
            Console.WriteLine("| shards | cells | ours h5ad (s) | anndata backed (s) | ratio | ours peak MB | anndata peak MB | ours tahoe counts (s) | DuckDB SQL (s) | ratio | ours peak MB | DuckDB peak MB |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (int shards in shardCounts)
            {
                var options = new SyntheticCollectionOptions { Cells = cellsPerShard * shards, Genes = genes, Perturbations = 40, Contexts = 2, Shards = shards, Seed = 0 };
                string h5ad = Path.Combine(root, $"h5ad-{shards}"), tahoe = Path.Combine(root, $"tahoe-{shards}");
                SyntheticCollection.Write(h5ad, options);
                SyntheticCollection.Write(tahoe, options with { Layout = ShardLayout.ParquetTahoe });
                var ours = Parse(BenchmarkSupport.RunSelf(OurGc, "collection-pseudobulk-ours", h5ad, "normalized"));
                var peer = Parse(BenchmarkSupport.RunPython(Path.Combine(BenchmarkSupport.PeersDirectory, "collection_pseudobulk.py"), h5ad));
                var oursCounts = Parse(BenchmarkSupport.RunSelf(OurGc, "collection-pseudobulk-ours", tahoe, "counts"));
                var duck = Parse(BenchmarkSupport.RunSelf("collection-pseudobulk-duckdb", tahoe));
                if (Math.Abs(ours.Checksum - peer.Checksum) > 1e-6 * Math.Abs(peer.Checksum))
                    Console.WriteLine($"  checksums differ: ours {ours.Checksum:R}, anndata {peer.Checksum:R}");
                if (oursCounts.Checksum != duck.Checksum)
                    Console.WriteLine($"  count checksums differ: ours {oursCounts.Checksum:R}, DuckDB {duck.Checksum:R}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {shards} | {options.Cells:N0} | {ours.Seconds:F2} | {peer.Seconds:F2} | {peer.Seconds / ours.Seconds:F1}× | {ours.PeakMb:F0} | {peer.PeakMb:F0} | {oursCounts.Seconds:F2} | {duck.Seconds:F2} | {duck.Seconds / oursCounts.Seconds:F1}× | {oursCounts.PeakMb:F0} | {duck.PeakMb:F0} |"));
                Directory.Delete(tahoe, recursive: true); // disk: at 1 M cells × 2,000 genes each layout takes gigabytes
                if (withDe)
                {
                    string partition = Path.Combine(root, $"partition-{shards}");
                    using var de = JsonDocument.Parse(BenchmarkSupport.RunSelf(OurGc, "collection-de-ours", h5ad, partition).Trim().Split('\n')[^1]);
                    var r = de.RootElement;
                    deRows.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| {shards} | {options.Cells:N0} | {r.GetProperty("partition_seconds").GetDouble():F1} | {r.GetProperty("test_seconds").GetDouble():F1} | {r.GetProperty("tests").GetInt32()} | {r.GetProperty("peak_mb").GetDouble():F0} |"));
                    Directory.Delete(partition, recursive: true);
                }
                Directory.Delete(h5ad, recursive: true);
            }
            if (withDe)
            {
                Console.WriteLine();
                Console.WriteLine("| shards | cells | DE: partition, normalise + log1p (s) | DE: Wilcoxon per perturbation vs its cell line's controls (s) | tests | peak MB |");
                Console.WriteLine("|---|---|---|---|---|---|");
                deRows.ForEach(Console.WriteLine);
            }
            Console.WriteLine($"load average after: {BenchmarkSupport.LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>One timed run of our side in this process (hidden subcommand): pseudobulk of normalised+log1p values or of counts.</summary>
    public static int Ours(string[] args)
    {
        var watch = Stopwatch.StartNew();
        var collection = CellCollection.Open(args[0]);
        var options = args[1] == "normalized" ? new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true } : new CollectionAnalysisOptions();
        var profiles = collection.Pseudobulk([SyntheticCollection.ContextColumn, SyntheticCollection.PerturbationColumn], options);
        double seconds = watch.Elapsed.TotalSeconds;
        // float32 sums (as stored) summed in double: a checksum to compare with the peers
        double checksum = profiles.Sums.Values.ToArray().Sum(v => (double)v);
        Report(seconds, profiles.Groups.Count, checksum);
        return 0;
    }

    /// <summary>
    /// Out-of-core Wilcoxon DE in this process (hidden subcommand): partition the collection (<c>args[0]</c>) into
    /// <c>args[1]</c> by (cell line, perturbation), normalised + log1p, then test every perturbation against its cell
    /// line's controls in gene blocks within the memory budget. <c>args[2]</c>: <c>both</c> (default), <c>partition</c>
    /// or <c>tests</c> (an existing partition), so that each step's peak can be measured alone; <c>args[3]</c>: the
    /// budget in MiB (default <see cref="CellPartition.DefaultMemoryBudget"/>); <c>args[4]</c>: <c>gzip</c> to compress the parts.
    /// </summary>
    public static int DifferentialExpression(string[] args)
    {
        string mode = args.Length > 2 ? args[2] : "both";
        long budget = args.Length > 3 ? long.Parse(args[3], CultureInfo.InvariantCulture) << 20 : CellPartition.DefaultMemoryBudget;
        var watch = Stopwatch.StartNew();
        var partition = mode == "tests" ? CellPartition.Open(args[1]) : CellPartition.Write(CellCollection.Open(args[0]), args[1], new PartitionOptions
        {
            PerturbationColumn = SyntheticCollection.PerturbationColumn, ContextColumn = SyntheticCollection.ContextColumn,
            Stream = new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true },
            Compression = args.Length > 4 && args[4] == "gzip" ? H5adCompression.Gzip : H5adCompression.None,
        });
        double partitionSeconds = mode == "tests" ? 0 : watch.Elapsed.TotalSeconds;
        double partitionMb = Directory.EnumerateFiles(args[1], "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0;
        watch.Restart();
        int tests = 0, significant = 0;
        if (mode != "partition")
            foreach (var result in partition.DifferentialExpression(SyntheticCollection.Control, memoryBudget: budget))
            {
                tests++;
                significant += result.Result.For(result.Perturbation).AdjustedPValue.Count(p => p < 0.05);
            }
        double peakMb = File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode, budget_mb = budget >> 20, partition_seconds = partitionSeconds, partition_mb = partitionMb, test_seconds = watch.Elapsed.TotalSeconds,
            tests, significant, peak_mb = peakMb, load = BenchmarkSupport.LoadAverage(),
        }));
        return 0;
    }

    /// <summary>DuckDB SQL group-by of the raw counts straight from the Tahoe-layout Parquet (hidden subcommand).</summary>
    public static int DuckDb(string[] args)
    {
        var watch = Stopwatch.StartNew();
        string glob = Path.Combine(args[0], "part-*.parquet").Replace("'", "''", StringComparison.Ordinal);
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT cell_line, perturbation, g, sum(e)::DOUBLE AS total FROM (
              SELECT cell_line, perturbation, unnest(genes) AS g, unnest(expressions) AS e FROM read_parquet('{glob}'))
            WHERE e >= 0 GROUP BY ALL
            """;
        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        double checksum = 0;
        using (var reader = command.ExecuteReader())
            while (reader.Read())
            {
                groupNames.Add(reader.GetString(0) + "_" + reader.GetString(1));
                checksum += reader.GetDouble(3);
            }
        Report(watch.Elapsed.TotalSeconds, groupNames.Count, checksum);
        return 0;
    }

    private static void Report(double seconds, int groups, double checksum)
    {
        double peakMb = File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds, peak_mb = peakMb, groups, checksum }));
    }

    private sealed record Result(double Seconds, double PeakMb, double Checksum);

    private static Result Parse(string json)
    {
        using var doc = JsonDocument.Parse(json.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        return new Result(root.GetProperty("seconds").GetDouble(), root.GetProperty("peak_mb").GetDouble(), root.GetProperty("checksum").GetDouble());
    }
}
