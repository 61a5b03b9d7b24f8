using System.Diagnostics;
using System.Globalization;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Screens;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>screen-genome [threads=1] [parallelism=2] [candidates=all] [peer-threads=1]</c>: the zoo's <c>dcell-base-tiny</c> screens every
/// gene it can knock out (its token vocabulary plus every gene with a non-zero gene prior) for lowering the Hallmark IFN-γ
/// response, starting from Papalexi's THP-1 control cells, as <c>dcell screen --model dcell-base-tiny --candidates all</c>
/// does (target: under 5 minutes on 2 cores). Prints wall and CPU time, candidates per second, the load average and
/// the known hits' ranks, then runs the python3-torch peer on the same weights, start profile and candidates (its wall
/// and CPU time) and checks that its effects match ours.
/// </summary>
internal static class GenomeScreenBenchmark
{
    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
        int parallelism = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        int limit = args.Length > 2 && args[2] != "all" ? int.Parse(args[2], CultureInfo.InvariantCulture) : int.MaxValue;
        int peerThreads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
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
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        var result = screen.RunAsync(candidates).GetAwaiter().GetResult();
        double wall = clock.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"genome-scale screen: dcell-base-tiny ({model.Vocabulary.Count:N0}-gene token vocabulary, {vocabulary.Count:N0} genes it can knock out with the gene priors; " +
            $"{model.Genes.Count} predicted genes), {controls.CellCount:N0} THP-1 control cells, Hallmark IFN-γ down; libtorch threads {threads}, parallelism {parallelism}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  DigitalCell.Sdk  {candidates.Count:N0} candidates in {wall:F1} s = {candidates.Count / wall:F0} candidates/s, {cpu.TotalSeconds:F1} s CPU (load average {before} before, {BenchmarkSupport.LoadAverage()} after); data + model load {load:F1} s"));
        Console.WriteLine("  top 10: " + string.Join(", ", result.Rows.Take(10).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Candidate} ({r.Effect:G3})"))));
        Console.WriteLine("  known hits: " + string.Join(", ", result.Rows.Where(r => r.Known).Select(r => $"{r.Candidate} rank {r.Rank:N0}")));
        Peer(model, priors, controls, candidates, result, peerThreads, wall);
        return 0;
    }

    /// <summary>The python3-torch peer (peers/screen_base_model.py) on the same weights, start profile and candidates; its effects must match ours.</summary>
    private static void Peer(DigitalCellBaseModel model, GenePriors priors, CellDataset controls, IReadOnlyList<Perturbation> candidates, ScreenResult result, int threads, double wall)
    {
        var folder = Directory.CreateTempSubdirectory("screen-genome-").FullName;
        try
        {
            // The screen's start profile: the control cells' mean over the model's genes (Screen's start state).
            var panel = model.Genes;
            var column = Enumerable.Range(0, controls.GeneCount).ToDictionary(g => controls.GeneNames[g], StringComparer.OrdinalIgnoreCase);
            var sums = new double[controls.GeneCount];
            var row = new float[controls.GeneCount];
            for (int i = 0; i < controls.CellCount; i++)
            {
                controls.X.CopyRow(i, row);
                for (int g = 0; g < row.Length; g++) sums[g] += row[g];
            }
            var start = panel.Select(g => (float)(sums[column[g]] / controls.CellCount)).ToArray();
            var vocabulary = model.Vocabulary.ToHashSet(StringComparer.Ordinal);
            var table = priors.Features();
            var outside = candidates.Select(c => c.Targets[0]).Where(g => !vocabulary.Contains(g)).ToArray();
            var rows = outside.SelectMany(g => table.Vector(g)!.Select(v => (float)v)).ToArray();
            var program = priors.Hallmark.Sets.Single(x => x.Name == "HALLMARK_INTERFERON_GAMMA_RESPONSE").Genes;
            string inputs = Path.Combine(folder, "inputs.safetensors"), effects = Path.Combine(folder, "effects.f32");
            SafeTensors.Write(inputs,
                [SafeTensor.FromFloats("start", [start.Length], start), SafeTensor.FromFloats("priors", [outside.Length, table.Dimensions], rows)],
                new Dictionary<string, string>
                {
                    ["candidates"] = System.Text.Json.JsonSerializer.Serialize(candidates.Select(c => c.Targets[0])),
                    ["program"] = System.Text.Json.JsonSerializer.Serialize(program),
                });
            var timing = BenchmarkSupport.RunPython(Path.Combine(BenchmarkSupport.PeersDirectory, "screen_base_model.py"),
                Path.Combine(BenchmarkSupport.FindRepoRoot(), "models", "dcell-base-tiny", DigitalCellBaseModel.WeightsFile), inputs, effects,
                threads.ToString(CultureInfo.InvariantCulture)).Trim().Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            double seconds = timing[0];
            var theirs = File.ReadAllBytes(effects);
            double worst = 0;
            for (int i = 0; i < candidates.Count; i++)
                worst = Math.Max(worst, Math.Abs(BitConverter.ToSingle(theirs, 4 * i) - result.Row(candidates[i].Label)!.Effect));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  python3-torch peer (batched forward, {threads} threads)  {candidates.Count:N0} candidates in {seconds:F1} s = {candidates.Count / seconds:F0} candidates/s, {timing[1]:F1} s CPU   ratio ours/peer {wall / seconds:F1}×; largest effect difference {worst:G2}; load average {BenchmarkSupport.LoadAverage()}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
