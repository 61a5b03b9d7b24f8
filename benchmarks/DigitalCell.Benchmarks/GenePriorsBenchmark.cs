using System.Diagnostics;
using System.Globalization;
using DigitalCell.Sdk.GeneKnowledge;

namespace DigitalCell.Benchmarks;

/// <summary>
/// Building every derived gene prior (GO graph + spectral embedding, regulon SVD, PROGENy, Hallmark, Geneformer
/// medians, coverage) from the six prior files, each run in a fresh process (target: under 10 s on 2 cores), beside the
/// scipy reference of the two expensive parts (tests/…/peers/gene_priors_ref.py go-graph + regulons).
/// </summary>
internal static class GenePriorsBenchmark
{
    public static int Run(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : Path.Combine(BenchmarkSupport.FindRepoRoot(), "..", "shared", "data", "gene-priors");
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        bool peer = args.Length <= 2 || args[2] != "no-peer";
        var ours = new List<double>();
        for (int r = 0; r < runs; r++) ours.Add(double.Parse(BenchmarkSupport.RunSelf("gene-priors-build", dir).Trim(), CultureInfo.InvariantCulture));
        Console.WriteLine($"gene priors: build every derived prior from {Path.GetFullPath(dir)} (fresh process, parse included), load average {BenchmarkSupport.LoadAverage()}");
        Console.WriteLine($"  DigitalCell.Sdk  median {BenchmarkSupport.Median(ours):F2} s over {runs} runs ({string.Join(", ", ours.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))})");
        if (!peer) return 0;
        string script = Path.Combine(BenchmarkSupport.FindRepoRoot(), "tests", "DigitalCell.Sdk.Tests", "peers", "gene_priors_ref.py");
        string temp = Path.Combine(Path.GetTempPath(), $"gene-priors-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var clock = Stopwatch.StartNew();
            BenchmarkSupport.RunPython(script, "go-graph", Path.Combine(dir, GenePriors.GoBiologicalProcessFile), "0.1", "20", "32", Path.Combine(temp, "go.json"));
            BenchmarkSupport.RunPython(script, "regulons", Path.Combine(dir, GenePriors.DorotheaFile), "ABCDE", "16", Path.Combine(temp, "reg.json"));
            double python = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  scipy peer (GO graph + eigsh, regulon svds only, JSON out)  {python:F2} s   ratio peer/ours {python / BenchmarkSupport.Median(ours):F1}×");
        }
        finally { Directory.Delete(temp, recursive: true); }
        return 0;
    }

    /// <summary>One timed build in this process; prints seconds.</summary>
    public static int Build(string[] args)
    {
        var clock = Stopwatch.StartNew();
        var table = GenePriors.FromDirectory(args[0]).Features();
        clock.Stop();
        if (table.Genes.Count == 0) throw new InvalidOperationException("empty prior table");
        Console.WriteLine(clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture));
        return 0;
    }
}
