using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.BaseModel;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>base-model-perf [sizes=tiny,small] [threads=1] [steps=20] [genes=2000]</c>: the base model's training step time and
/// throughput, inference latency per 1,000 cells, peak memory and parameter count per size, each size in its own process
/// (so the peak resident set is that size's alone), on the CPU and — when TorchSharp sees a CUDA GPU — on CUDA; next to
/// the same network, loss and AdamW step in Debian's python3-torch (benchmarks/peers/torch_base_model.py) on the same
/// threads. Synthetic log-expression-like data: a panel of <c>genes</c>, 1,200 control cells and 24 knockouts of panel genes
/// (100 cells each); no gene priors (a 1-column prior, as the peer).
/// </summary>
internal static class BaseModelPerformance
{
    private const int Warmup = 3, SetsPerBatch = 8, Controls = 1_200, Knockouts = 24, CellsPerKnockout = 100;

    public static int Run(string[] args)
    {
        var sizes = (args.Length > 0 ? args[0] : "tiny,small").Split(',');
        string threads = args.Length > 1 ? args[1] : "1";
        string steps = args.Length > 2 ? args[2] : "20";
        string genes = args.Length > 3 ? args[3] : "2000";
        Console.WriteLine($"base model, synthetic panel of {genes} genes, {SetsPerBatch} sets per step, training step median of {steps} after {Warmup} warm-up steps, {threads} thread(s); load at start {BenchmarkSupport.LoadAverage()}");
        Console.WriteLine("| size | device | parameters | step ms (ours) | step ms (python3-torch) | ratio | training cells/s | inference ms / 1,000 cells | peak RSS (VmHWM) MiB | weights + grads + AdamW MiB | load |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var config = BaseModelConfig.Parse(size);
            var peer = JsonDocument.Parse(BenchmarkSupport.RunPython(Path.Combine(BenchmarkSupport.PeersDirectory, "torch_base_model.py"), "benchmark",
                JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["config"] = new Dictionary<string, int> { ["Dimension"] = config.Dimension, ["Layers"] = config.Layers, ["Heads"] = config.Heads, ["FeedForward"] = config.FeedForward, ["SetSize"] = config.SetSize },
                    ["genes"] = int.Parse(genes, CultureInfo.InvariantCulture), ["sets_per_batch"] = SetsPerBatch, ["steps"] = int.Parse(steps, CultureInfo.InvariantCulture),
                    ["warmup"] = Warmup, ["threads"] = int.Parse(threads, CultureInfo.InvariantCulture),
                }))).RootElement.GetProperty("median_step_seconds").GetDouble();
            foreach (var device in new[] { "cpu", "cuda" })
            {
                var result = JsonDocument.Parse(BenchmarkSupport.RunSelf("base-model-perf-one", size, threads, steps, genes, device)).RootElement;
                if (result.TryGetProperty("unavailable", out var why))
                {
                    Console.WriteLine($"| {size} | {device} | no GPU: {why.GetString()} | | | | | | | | |");
                    continue;
                }
                double ours = result.GetProperty("step_seconds").GetDouble();
                string peerColumn = device == "cpu" ? $"{peer * 1e3:F1}" : "n/a (CPU peer)";
                string ratio = device == "cpu" ? $"{ours / peer:F2}" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} | {device} | {result.GetProperty("parameters").GetInt64():N0} | {ours * 1e3:F1} | {peerColumn} | {ratio} | {result.GetProperty("cells_per_second").GetDouble():F0} | {result.GetProperty("latency_ms_per_1000").GetDouble():F1} | {result.GetProperty("vmhwm_mib").GetDouble():F0} | {result.GetProperty("tensor_mib").GetDouble():F1} | {BenchmarkSupport.LoadAverage()} |"));
            }
        }
        return 0;
    }

    /// <summary>One size on one device in this process; prints JSON (or <c>unavailable</c> when the device is not).</summary>
    public static int One(string[] args)
    {
        var config = BaseModelConfig.Parse(args[0]);
        int threads = int.Parse(args[1], CultureInfo.InvariantCulture), steps = int.Parse(args[2], CultureInfo.InvariantCulture), genes = int.Parse(args[3], CultureInfo.InvariantCulture);
        var preference = args[4] == "cuda" ? DevicePreference.Cuda : DevicePreference.Cpu;
        TorchRuntime.EnsureLoaded();
        if (preference == DevicePreference.Cuda && !TorchSharp.torch.cuda.is_available())
        {
            Console.WriteLine(JsonSerializer.Serialize(new { unavailable = "TorchSharp sees no CUDA device (this machine has none, or only the CPU libtorch is referenced)" }));
            return 0;
        }
        var (data, schema, labels) = Synthetic(genes);
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        using var model = new DigitalCellBaseModel(new BaseModelOptions
        {
            Config = config, Pretrain = false, UseGenePriors = false, JointSteps = 0, FineTuneSteps = Warmup + steps, SetsPerBatch = SetsPerBatch,
            Threads = threads, Device = preference, Progress = new StepTimer(clock, times),
        });
        model.Fit(new PerturbationTrainingSet(data, schema, labels, [], dataId: "synthetic"));
        double step = BenchmarkSupport.Median([.. times.Skip(Warmup - 1)]); // step 1 also pays for set-up: times start at step 2
        var controls = ControlMatrix(data, 1_000);
        var asked = new[] { Perturbation.Genes(PerturbationMode.Knockout, "G5") };
        var latencies = new List<double>();
        for (int run = 0; run < 9; run++)
        {
            var watch = Stopwatch.StartNew();
            model.Predict(asked, new PredictionContext(ControlCells: controls));
            if (run >= 2) latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["parameters"] = model.ParameterCount, ["step_seconds"] = step, ["cells_per_second"] = SetsPerBatch * config.SetSize / step,
            ["latency_ms_per_1000"] = BenchmarkSupport.Median(latencies) * 1_000.0 / controls.RowCount,
            ["vmhwm_mib"] = PeakResidentMiB(),
            // fp32 weights, their gradients and AdamW's two moments: 16 bytes per parameter.
            ["tensor_mib"] = 16.0 * model.ParameterCount / (1 << 20),
        }));
        return 0;
    }

    /// <summary>Synthetic cells: controls ~ U(0, 1) per gene; knockout of Gk lowers gene k by 0.8 and raises gene k+1 by 0.3.</summary>
    private static (CellDataset Data, PerturbationSchema Schema, List<string> Labels) Synthetic(int genes)
    {
        var random = new Random(0);
        int cells = Controls + Knockouts * CellsPerKnockout;
        var values = new float[cells * genes];
        var labels = new string[cells];
        for (int c = 0; c < cells; c++)
        {
            int k = c < Controls ? 0 : 1 + (c - Controls) / CellsPerKnockout;
            labels[c] = k == 0 ? "control" : $"G{k}";
            for (int g = 0; g < genes; g++) values[c * genes + g] = (float)random.NextDouble() + (k > 0 && g == k ? -0.8f : k > 0 && g == k + 1 ? 0.3f : 0f);
        }
        var data = CellDataset.FromMatrix(new DenseCellMatrix(cells, genes, values), null, [.. Enumerable.Range(0, genes).Select(g => $"G{g}")]);
        data = data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", labels)));
        return (data, new PerturbationSchema("perturbation", "control"), [.. Enumerable.Range(1, Knockouts).Select(k => $"G{k}")]);
    }

    private static DenseCellMatrix ControlMatrix(CellDataset data, int rows)
    {
        var values = new float[rows * data.GeneCount];
        for (int r = 0; r < rows; r++) data.X.CopyRow(r, values.AsSpan(r * data.GeneCount, data.GeneCount)); // the first rows are controls
        return new DenseCellMatrix(rows, data.GeneCount, values);
    }

    /// <summary>The process's peak resident set (VmHWM in /proc/self/status), MiB.</summary>
    private static double PeakResidentMiB() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault(double.NaN);

    /// <summary>Seconds between consecutive step reports (a step on CUDA ends with the loss read back, which waits for the GPU).</summary>
    private sealed class StepTimer(Stopwatch clock, List<double> times) : IProgress<BaseTrainingProgress>
    {
        private double _last;
        public void Report(BaseTrainingProgress value)
        {
            var now = clock.Elapsed.TotalSeconds;
            if (value.Step > 1) times.Add(now - _last);
            _last = now;
        }
    }
}
