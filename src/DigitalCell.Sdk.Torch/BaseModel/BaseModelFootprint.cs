using System.Globalization;
using System.Text;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// Parameter count and training memory of a <see cref="BaseModelConfig"/>, computed without building the network (so the
/// <c>10b</c> config can be sized on a laptop). Memory follows mixed-precision AdamW as ZeRO accounts it (Rajbhandari et
/// al. 2020): bf16 weights and gradients (2 + 2 bytes per parameter) plus fp32 master weights and both Adam moments
/// (12 bytes) = 16 bytes per parameter; activations are those kept for the backward pass at bf16 without recomputation,
/// per layer 16·s·b·d + 4·s·b·f + 4·a·s²·b bytes (Korthikanti et al. 2022, eq. 2 with no dropout masks; s cells per set,
/// b sets, d width, f feed-forward width, a heads), plus the expression in and out (3 tensors of s·b·G) and the cell
/// encoder (6 of s·b·d).
/// </summary>
/// <param name="Config">The sizes.</param>
/// <param name="SetsPerBatch">Sets per optimisation step (b).</param>
/// <param name="GenesPerCell">Genes in a set's panel (G; the vocabulary when every gene is measured).</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="ActivationBytes">Activations kept per batch for the backward pass (bf16).</param>
public sealed record BaseModelFootprint(BaseModelConfig Config, int SetsPerBatch, int GenesPerCell, long Parameters, long ActivationBytes)
{
    /// <summary>Weights at fp32 (4 bytes per parameter): the saved safetensors file.</summary>
    public long WeightBytesFloat32 => 4 * Parameters;

    /// <summary>Weights at bf16 (2 bytes per parameter): inference, or the working copy in mixed precision.</summary>
    public long WeightBytesBFloat16 => 2 * Parameters;

    /// <summary>Gradients at bf16.</summary>
    public long GradientBytesBFloat16 => 2 * Parameters;

    /// <summary>fp32 master weights and both AdamW moments (12 bytes per parameter).</summary>
    public long OptimizerBytes => 12 * Parameters;

    /// <summary>Everything one replica holds while training without sharding: 16 bytes per parameter plus activations.</summary>
    public long TrainingBytes => WeightBytesBFloat16 + GradientBytesBFloat16 + OptimizerBytes + ActivationBytes;

    /// <summary>The footprint of <paramref name="config"/> at <paramref name="setsPerBatch"/> sets per step.</summary>
    /// <param name="config">The sizes (its vocabulary, prior length, contexts and agents included).</param>
    /// <param name="setsPerBatch">Sets per step (b).</param>
    /// <param name="genesPerCell">Panel size G; null for the whole vocabulary.</param>
    public static BaseModelFootprint Compute(BaseModelConfig config, int setsPerBatch = 8, int? genesPerCell = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        long d = config.Dimension, f = config.FeedForward, s = config.SetSize, b = setsPerBatch, a = config.Heads;
        long g = genesPerCell ?? config.GeneVocabulary;
        return new BaseModelFootprint(config, setsPerBatch, (int)g, ParameterCount(config),
            config.Layers * (16 * s * b * d + 4 * s * b * f + 4 * a * s * s * b) + 2 * (3 * s * b * g + 6 * s * b * d));
    }

    /// <summary>Parameters of the network <see cref="BaseNetwork.Create"/> builds for <paramref name="config"/> (a test checks they agree).</summary>
    public static long ParameterCount(BaseModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.Dimension, f = config.FeedForward, v = config.GeneVocabulary;
        long linear = d * d + d;
        long genes = d * Math.Max(1, config.PriorDimensions) + v * d + v;
        long encoder = 2 * d + 2 * linear;
        long perturbation = 2 * linear + BaseNetwork.ModeCount * d + config.Agents * d + 2 * linear;
        long layer = 4 * d + (3 * d * d + 3 * d) + linear + (f * d + f) + (d * f + d);
        return genes + encoder + perturbation + config.Contexts * d + config.Layers * layer + 2 * d + 2 * linear;
    }

    /// <summary>A Markdown table of the named sizes' footprints (as docs/base-model.md shows it).</summary>
    public static string Table(IEnumerable<BaseModelConfig> configs, int setsPerBatch = 8)
    {
        var text = new StringBuilder("| size | d | layers | heads | FFN | set | genes | parameters | weights fp32 | weights bf16 | AdamW state (fp32 master + moments) | activations / batch (bf16) | training total |\n")
            .Append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var c in configs)
        {
            var f = Compute(c, setsPerBatch);
            text.Append(CultureInfo.InvariantCulture,
                $"| {c.Name} | {c.Dimension} | {c.Layers} | {c.Heads} | {c.FeedForward} | {c.SetSize} | {c.GeneVocabulary:N0} | {Count(f.Parameters)} | {Bytes(f.WeightBytesFloat32)} | {Bytes(f.WeightBytesBFloat16)} | {Bytes(f.OptimizerBytes)} | {Bytes(f.ActivationBytes)} | {Bytes(f.TrainingBytes)} |\n");
        }
        return text.ToString();
    }

    private static string Count(long n) => n switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e9:F2} B"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:F2} M"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n:N0}"),
    };

    private static string Bytes(long n) => n switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0:F1} KiB"),
    };
}
