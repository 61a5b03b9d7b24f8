using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Benchmarks;

/// <summary>
/// Differential expression of every perturbation against control for every gene with DigitalCell.Sdk's Wilcoxon
/// (sparse ranks, control sorted once per gene, parallel over genes), next to Python peers on the same
/// log1p-normalised matrix, handed over in one binary layout (<see cref="PeerMatrix"/>).
/// <c>de</c>: against a scipy <c>mannwhitneyu</c> loop (benchmarks/peers/de_mannwhitneyu.py) on the Papalexi 2021
/// THP-1 screen (20,729 cells × 299 genes, 25 knockouts) and the same cells resampled with replacement to a larger set.
/// <c>de-vcc</c>: against pdex's algorithm compiled with numba (benchmarks/peers/de_numba.py) on a simulated screen of
/// Virtual Cell Challenge size, each side in its own process on the same number of threads.
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
        string dir = Directory.CreateTempSubdirectory("dcell-de-bench-").FullName;
        try
        {
            using (var writer = new PeerMatrix(dir, data.GeneCount)) writer.Append(data, "perturbation");
            string[] peerArgs = [Path.Combine(BenchmarkSupport.PeersDirectory, "de_mannwhitneyu.py"), dir, "control",
                .. peerGenes is { } g ? [g.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()];
            var fields = BenchmarkSupport.RunPython(peerArgs).Trim().Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
            double peer = double.Parse(fields["seconds"], CultureInfo.InvariantCulture);
            bool extrapolated = fields["extrapolated"] == "True";
            long tests = result!.RowCount;
            Console.WriteLine($"{name,-34} {tests,10:N0} {ours,10:F3} {peer,13:F2}{(extrapolated ? " (e)" : "    ")} {peer / ours,7:F0}×");
            if (extrapolated) Console.WriteLine($"{"",34} (e) scipy timed on the first {peerGenes} genes, scaled linearly to all genes");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>
    /// <c>de-vcc [cells=100000] [genes=18000] [perturbations=300] [threads=2] [data-dir]</c>: simulates a screen with
    /// <see cref="SyntheticCollection.Shards"/> (the generator of <c>dcell simulate</c>, seed 0, one cell line, 20 %
    /// controls, ~20,000 UMI per cell), normalises it (1e4 per cell, log1p) shard by shard into the peer layout, then
    /// times our DE (<c>dcell de --preset cell-eval</c>'s call) and the numba peer, each in a fresh process. A
    /// data-dir that already holds the matrix is reused (simulating the full size takes minutes); one that does not is
    /// filled and kept.
    /// </summary>
    public static int Vcc(string[] args)
    {
        int cells = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int genes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 18_000;
        int perturbations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;
        int threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2;
        bool temporary = args.Length <= 4;
        string dir = temporary ? Directory.CreateTempSubdirectory("dcell-de-vcc-").FullName : Path.GetFullPath(args[4]);
        try
        {
            Console.WriteLine($"de-vcc: {cells:N0} cells × {genes:N0} genes, {perturbations} perturbations + control (simulated), {threads} threads, {Environment.ProcessorCount} cores");
            if (!File.Exists(Path.Combine(dir, PeerMatrix.ShapeFile)))
            {
                var watch = Stopwatch.StartNew();
                var options = new SyntheticCollectionOptions
                {
                    Cells = cells, Genes = genes, Perturbations = perturbations, Contexts = 1, Shards = Math.Max(1, cells / 5_000), Seed = 0,
                };
                Directory.CreateDirectory(dir);
                using (var writer = new PeerMatrix(dir, genes))
                    foreach (var shard in SyntheticCollection.Shards(options))
                        writer.Append(shard.NormalizeTotal(1e4).Log1p(), SyntheticCollection.PerturbationColumn);
                Console.WriteLine($"simulated and normalised in {watch.Elapsed.TotalSeconds:F0} s into {dir}");
            }
            else Console.WriteLine($"reusing the matrix in {dir}");
            long stored = new FileInfo(Path.Combine(dir, PeerMatrix.DataFile)).Length / sizeof(float);
            Console.WriteLine($"{stored:N0} stored values ({100.0 * stored / ((double)cells * genes):F1} % of the matrix)");

            string loadBefore = BenchmarkSupport.LoadAverage();
            using var ours = JsonDocument.Parse(BenchmarkSupport.RunSelf("de-vcc-ours", dir, threads.ToString(CultureInfo.InvariantCulture)).Trim().Split('\n')[^1]);
            string loadBetween = BenchmarkSupport.LoadAverage();
            using var peer = JsonDocument.Parse(BenchmarkSupport.RunPython(Path.Combine(BenchmarkSupport.PeersDirectory, "de_numba.py"), dir,
                SyntheticCollection.Control, threads.ToString(CultureInfo.InvariantCulture)).Trim().Split('\n')[^1]);
            string loadAfter = BenchmarkSupport.LoadAverage();
            var o = ours.RootElement;
            var p = peer.RootElement;
            double oursSeconds = o.GetProperty("seconds").GetDouble(), peerSeconds = p.GetProperty("seconds").GetDouble();
            Console.WriteLine($"tests: {o.GetProperty("tests").GetInt64():N0}; numba JIT (untimed): {p.GetProperty("jit_seconds").GetDouble():F1} s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"p-values, numba vs ours: max relative difference {p.GetProperty("max_rel_diff_vs_ours").GetDouble():E1} over all tests; numba vs scipy mannwhitneyu: {p.GetProperty("max_rel_diff_vs_scipy").GetDouble():E1} over {p.GetProperty("scipy_tests_checked").GetInt32()} tests"));
            // CPU seconds next to wall seconds: on a shared machine the wall time depends on the others' load, the CPU time much less
            Console.WriteLine("| side | seconds | CPU seconds | peak MB | load average before | after |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| ours | {oursSeconds:F1} | {o.GetProperty("cpu_seconds").GetDouble():F1} | {o.GetProperty("peak_mb").GetDouble():F0} | {loadBefore} | {loadBetween} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| numba | {peerSeconds:F1} | {p.GetProperty("cpu_seconds").GetDouble():F1} | {p.GetProperty("peak_mb").GetDouble():F0} | {loadBetween} | {loadAfter} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio (numba / ours): {peerSeconds / oursSeconds:F2}×"));
            return 0;
        }
        finally
        {
            if (temporary) Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// One timed run of our side (hidden subcommand <c>de-vcc-ours DIR THREADS</c>): reads the peer layout, warms the
    /// JIT on the first 2,000 cells, times <see cref="DifferentialExpressionAnalysis.Run"/> with the cell-eval preset
    /// (what <c>dcell de</c> calls) and writes the p-values for the peer's check. Prints one JSON line.
    /// </summary>
    public static int VccOurs(string[] args)
    {
        var (x, labels) = PeerMatrix.Read(args[0]);
        var options = DifferentialExpressionOptions.CellEval with { MaxDegreeOfParallelism = int.Parse(args[1], CultureInfo.InvariantCulture) };
        var genes = Enumerable.Range(0, x.ColumnCount).Select(j => $"GENE{j:D5}").ToArray();
        int warm = Math.Min(2_000, x.RowCount);
        DifferentialExpressionAnalysis.Run(x.SelectRows(Enumerable.Range(0, warm).ToArray()), labels[..warm], genes, SyntheticCollection.Control, options);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = DifferentialExpressionAnalysis.Run(x, labels, genes, SyntheticCollection.Control, options);
        double seconds = watch.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        using (var stream = File.Create(Path.Combine(args[0], "ours_pvalue.f64")))
            foreach (var group in result.Groups) stream.Write(MemoryMarshal.AsBytes(result.For(group).PValue.AsSpan()));
        double peakMb = File.ReadAllLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds, cpu_seconds = cpuSeconds, peak_mb = peakMb, tests = result.RowCount }));
        return 0;
    }

    /// <summary>
    /// The matrix as the DE peers read it: shape.txt ("cells genes"), CSR arrays as raw little-endian files
    /// (indptr.i32, indices.i32, data.f32) and labels.txt (one label per cell). Written block of cells by block, so a
    /// simulated screen never has to be whole in memory.
    /// </summary>
    private sealed class PeerMatrix : IDisposable
    {
        public const string ShapeFile = "shape.txt";
        public const string DataFile = "data.f32";
        private readonly string _dir;
        private readonly int _genes;
        private readonly FileStream _indptr, _indices, _data;
        private readonly StreamWriter _labels;
        private long _cells, _stored;

        public PeerMatrix(string dir, int genes)
        {
            _dir = dir;
            _genes = genes;
            _indptr = File.Create(Path.Combine(dir, "indptr.i32"));
            _indices = File.Create(Path.Combine(dir, "indices.i32"));
            _data = File.Create(Path.Combine(dir, DataFile));
            _labels = new StreamWriter(Path.Combine(dir, "labels.txt"));
            _indptr.Write(BitConverter.GetBytes(0));
        }

        /// <summary>Appends the cells of <paramref name="data"/>, labelled by the obs column <paramref name="labelColumn"/>.</summary>
        public void Append(CellDataset data, string labelColumn)
        {
            var x = data.X.ToSparse();
            var pointers = new int[x.RowCount];
            for (int r = 0; r < pointers.Length; r++) pointers[r] = checked((int)(_stored + x.RowPointers[r + 1]));
            _indptr.Write(MemoryMarshal.AsBytes(pointers.AsSpan()));
            _indices.Write(MemoryMarshal.AsBytes(x.ColumnIndices));
            _data.Write(MemoryMarshal.AsBytes(x.StoredValues));
            var labels = data.Obs.Categorical(labelColumn);
            for (int i = 0; i < data.CellCount; i++) _labels.WriteLine(labels[i] ?? "");
            _cells += x.RowCount;
            _stored += x.StoredCount;
        }

        public void Dispose()
        {
            _indptr.Dispose();
            _indices.Dispose();
            _data.Dispose();
            _labels.Dispose();
            File.WriteAllText(Path.Combine(_dir, ShapeFile), $"{_cells} {_genes}"); // last: its presence marks a complete matrix
        }

        public static (SparseCellMatrix X, string?[] Labels) Read(string dir)
        {
            var shape = File.ReadAllText(Path.Combine(dir, ShapeFile)).Split(' ').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var x = new SparseCellMatrix(shape[0], shape[1], ReadArray<int>(Path.Combine(dir, "indptr.i32")),
                ReadArray<int>(Path.Combine(dir, "indices.i32")), ReadArray<float>(Path.Combine(dir, DataFile)));
            var labels = File.ReadAllLines(Path.Combine(dir, "labels.txt")).Select(l => l.Length == 0 ? null : l).ToArray();
            return (x, labels);
        }

        private static T[] ReadArray<T>(string path) where T : unmanaged
        {
            using var stream = File.OpenRead(path);
            var array = new T[stream.Length / Marshal.SizeOf<T>()];
            const int Block = 1 << 26; // elements per read: a byte span of the whole array would pass 2 GiB at VCC size
            for (int start = 0; start < array.Length; start += Block)
                stream.ReadExactly(MemoryMarshal.AsBytes(array.AsSpan(start, Math.Min(Block, array.Length - start))));
            return array;
        }
    }
}
