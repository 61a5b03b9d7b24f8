using System.Diagnostics;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.Training;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>torch-train-step</c>: median time of one training step of the neural perturbation model (batch gather, forward,
/// energy + mean loss, backward, clipping, AdamW) with DigitalCell.Sdk.Torch vs the same network and loss in Debian's
/// python3-torch (benchmarks/peers/torch_perturbation_net.py), on the same CPU with the same thread count.
/// </summary>
internal static class TorchTrainingStepBenchmark
{
    private sealed record Config(string Name, int Genes, int Hidden, int Latent, int PriorDims, int Targets, int P, int N);

    public static int Run(string[] args)
    {
        var threads = args.Length > 0 ? int.Parse(args[0]) : Environment.ProcessorCount;
        const int steps = 40, warmup = 5;
        TorchSharp.torch.set_num_threads(threads);
        Console.WriteLine($"training step, median of {steps} after {warmup} warm-up steps, {threads} thread(s)");
        Console.WriteLine($"{"config",-28} {"ours ms",10} {"python3-torch ms",18} {"ratio",8}");
        foreach (var c in new[]
        {
            new Config("papalexi (299 genes)", 299, 128, 32, 16, 24, 8, 32),
            new Config("hvg-2000, hidden 256", 2000, 256, 64, 16, 24, 8, 32),
        })
        {
            var ours = Ours(c, steps, warmup);
            var peer = Peer(c, steps, warmup, threads);
            Console.WriteLine($"{c.Name,-28} {ours * 1e3,10:F2} {peer * 1e3,18:F2} {ours / peer,8:F2}");
        }
        return 0;
    }

    private static double Ours(Config c, int steps, int warmup)
    {
        // Synthetic log-normalised-like data: 4096 cells, Targets perturbations + control, one gene targeted each.
        var random = new Random(0);
        const int cells = 4096;
        var values = new float[cells * c.Genes];
        for (int i = 0; i < values.Length; i++) values[i] = Math.Abs((float)random.NextDouble() * 2 - 1);
        var labels = Enumerable.Range(0, cells).Select(i => i % (c.Targets + 1) == 0 ? "control" : $"G{i % (c.Targets + 1)}").ToArray();
        var genes = Enumerable.Range(0, c.Genes).Select(g => $"G{g}").ToArray();
        var data = CellDataset.FromMatrix(new DenseCellMatrix(cells, c.Genes, values), null, genes);
        data = data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", labels)));
        var set = new PerturbationTrainingSet(data, new PerturbationSchema("perturbation", "control"),
            labels.Where(l => l != "control").Distinct().ToList(), []);
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        var options = new TrainingOptions
        {
            Steps = warmup + steps, Device = DevicePreference.Cpu, PerturbationsPerBatch = c.P, CellsPerPerturbation = c.N,
            ValidationFraction = 0, Patience = 0,
            Progress = new Timer(clock, times),
        };
        using var model = new NeuralPerturbationModel(options, new NeuralModelOptions { Hidden = c.Hidden, Latent = c.Latent, PriorDimensions = c.PriorDims, ControlCells = 64 });
        model.Fit(set);
        return Median(times.Skip(warmup));
    }

    private sealed class Timer(Stopwatch clock, List<double> times) : IProgress<TrainingProgress>
    {
        private double _last;
        public void Report(TrainingProgress value)
        {
            var now = clock.Elapsed.TotalSeconds;
            if (value.Step > 1) times.Add(now - _last); // step 1 also pays for set-up
            _last = now;
        }
    }

    private static double Peer(Config c, int steps, int warmup, int threads)
    {
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "DigitalCell.Sdk.sln"))) repo = Path.GetDirectoryName(repo)!;
        var arguments = JsonSerializer.Serialize(new Dictionary<string, int>
        {
            ["genes"] = c.Genes, ["hidden"] = c.Hidden, ["latent"] = c.Latent, ["prior_dims"] = c.PriorDims, ["targets"] = c.Targets,
            ["p"] = c.P, ["n"] = c.N, ["steps"] = steps, ["warmup"] = warmup, ["threads"] = threads,
        });
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(repo, "benchmarks/peers/torch_perturbation_net.py"), "benchmark", arguments }) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return JsonDocument.Parse(output).RootElement.GetProperty("median_step_seconds").GetDouble();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
