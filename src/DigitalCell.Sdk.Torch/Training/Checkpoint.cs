using System.Globalization;
using DigitalCell.Sdk.Models;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Training;

/// <summary>
/// A resumable training state in one safetensors file: parameters, AdamW moments, the best parameters so far and
/// the loop counters (metadata). Batches are drawn from (seed, step) alone, so this is all a resumed run needs to
/// continue exactly as the uninterrupted run would have.
/// </summary>
internal sealed record Checkpoint(
    int Step, double BestMetric, int EvaluationsWithoutImprovement, long Seed, int TargetCount,
    Dictionary<string, Tensor> Parameters, Dictionary<string, Tensor> FirstMoments, Dictionary<string, Tensor> SecondMoments,
    Dictionary<string, Tensor>? Best)
{
    public void Write(string path)
    {
        IEnumerable<SafeTensor> Entries(string prefix, Dictionary<string, Tensor>? tensors) =>
            tensors?.Select(kv => Neural.PerturbationNetwork.ToSafeTensor(prefix + kv.Key, kv.Value)) ?? [];
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "digitalcell-checkpoint-1",
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["best_metric"] = BestMetric.ToString("R", CultureInfo.InvariantCulture),
            ["evaluations_without_improvement"] = EvaluationsWithoutImprovement.ToString(CultureInfo.InvariantCulture),
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["targets"] = TargetCount.ToString(CultureInfo.InvariantCulture),
        };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        SafeTensors.Write(path, Entries("param/", Parameters).Concat(Entries("adam.m/", FirstMoments))
            .Concat(Entries("adam.v/", SecondMoments)).Concat(Entries("best/", Best)), metadata);
    }

    /// <summary>Reads a checkpoint, with a clear error for a corrupt file or one from another run.</summary>
    public static Checkpoint Read(string path, IReadOnlyCollection<string> parameterNames, long seed, Device device)
    {
        const string advice = "delete it to start over, or pass another checkpoint path";
        SafeTensorFile file;
        try { file = SafeTensors.Read(path); }
        catch (DigitalCellException e) { throw new DigitalCellException(path, null, $"checkpoint is corrupt ({e.Problem ?? e.Message}); {advice}", e); }
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
            : throw new DigitalCellException(path, key, $"checkpoint metadata lacks '{key}'; it is not a DigitalCell checkpoint or is corrupt; {advice}");
        if (Meta("format") != "digitalcell-checkpoint-1")
            throw new DigitalCellException(path, "format", $"unknown checkpoint format '{Meta("format")}'; {advice}");
        var storedSeed = long.Parse(Meta("seed"), CultureInfo.InvariantCulture);
        if (storedSeed != seed)
            throw new DigitalCellException(path, "seed", $"checkpoint was written with seed {storedSeed} but this run uses seed {seed}; {advice}");
        Dictionary<string, Tensor>? Group(string prefix, bool required)
        {
            if (!required && !file.Tensors.ContainsKey(prefix + parameterNames.First())) return null;
            return parameterNames.ToDictionary(n => n, n => file.Tensors.TryGetValue(prefix + n, out var t)
                ? Neural.PerturbationNetwork.FromSafeTensor(t).to(device)
                : throw new DigitalCellException(path, prefix + n, $"checkpoint lacks tensor '{prefix + n}' (another architecture?); {advice}"));
        }
        return new Checkpoint(
            int.Parse(Meta("step"), CultureInfo.InvariantCulture), double.Parse(Meta("best_metric"), CultureInfo.InvariantCulture),
            int.Parse(Meta("evaluations_without_improvement"), CultureInfo.InvariantCulture), storedSeed,
            int.Parse(Meta("targets"), CultureInfo.InvariantCulture),
            Group("param/", true)!, Group("adam.m/", true)!, Group("adam.v/", true)!, Group("best/", false));
    }
}
