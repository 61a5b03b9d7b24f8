using System.Runtime.InteropServices;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// Writes a base model's float32 tensors at a <see cref="WeightPrecision"/> and reads them back as float32 (the
/// dequantisation happens at load time, so a loaded model computes in float32 whatever its file holds). The weights and
/// the vocabulary's gene-prior table are compressed; the kept control cells are data, not weights, and stay float32.
/// </summary>
internal static class WeightCodec
{
    /// <summary>Suffix of the per-row scales of an int8 tensor.</summary>
    public const string ScaleSuffix = ".scale";

    /// <summary>The metadata key naming the precision.</summary>
    public const string MetadataKey = "weight_precision";

    /// <summary>Float32 tensors as stored at <paramref name="precision"/>.</summary>
    public static IEnumerable<SafeTensor> Encode(IEnumerable<SafeTensor> tensors, WeightPrecision precision)
    {
        foreach (var t in tensors)
        {
            var values = t.ToFloats();
            switch (precision)
            {
                case WeightPrecision.BFloat16:
                    yield return new SafeTensor(t.Name, SafeTensorDType.BF16, t.Shape, MemoryMarshal.AsBytes(values.Select(ToBFloat16).ToArray().AsSpan()).ToArray());
                    break;
                case WeightPrecision.Float16:
                    var halves = values.Select(v => (Half)v).ToArray();
                    if (halves.Any(Half.IsInfinity))
                        throw new DigitalCellException($"weight '{t.Name}' holds a value beyond float16's range (±65,504); store it as bfloat16 or float32");
                    yield return new SafeTensor(t.Name, SafeTensorDType.F16, t.Shape, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray());
                    break;
                case WeightPrecision.Int8 when t.Shape.Length == 2:
                    var (quantized, scales) = QuantizeRows(values, (int)t.Shape[0], (int)t.Shape[1]);
                    yield return new SafeTensor(t.Name, SafeTensorDType.I8, t.Shape, MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray());
                    yield return SafeTensor.FromFloats(t.Name + ScaleSuffix, [t.Shape[0]], scales);
                    break;
                default:
                    yield return t;
                    break;
            }
        }
    }

    /// <summary>
    /// The file's tensors as float32 (int8 ones times their row scales; scale tensors consumed) and the precision its
    /// metadata names (<see cref="WeightPrecision.Float32"/> when absent, as in files written before compression existed).
    /// </summary>
    /// <exception cref="DigitalCellException">An unknown precision, or an int8 tensor without a matching scale vector.</exception>
    public static (Dictionary<string, SafeTensor> Tensors, WeightPrecision Precision) Decode(SafeTensorFile file, string path)
    {
        var precision = WeightPrecision.Float32;
        if (file.Metadata.TryGetValue(MetadataKey, out var text) && !Enum.TryParse(text, ignoreCase: false, out precision))
            throw new DigitalCellException(path, MetadataKey, $"unknown weight precision '{text}' (use one of {string.Join(", ", Enum.GetNames<WeightPrecision>())})");
        var result = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in file.Tensors)
        {
            if (t.DType != SafeTensorDType.I8) { if (!IsScaleOfInt8(file, name)) result[name] = t; continue; }
            if (t.Shape.Length != 2 || !file.Tensors.TryGetValue(name + ScaleSuffix, out var scale) || scale.ElementCount != t.Shape[0])
                throw new DigitalCellException(path, name, $"int8 tensor needs a 2-D shape and a float scale vector '{name}{ScaleSuffix}' with one entry per row");
            result[name] = SafeTensor.FromFloats(name, t.Shape, Dequantize(MemoryMarshal.Cast<byte, sbyte>(t.Data.AsSpan()), scale.ToFloats(), (int)t.Shape[1]));
        }
        return (result, precision);
    }

    private static bool IsScaleOfInt8(SafeTensorFile file, string name) =>
        name.EndsWith(ScaleSuffix, StringComparison.Ordinal) && file.Tensors.TryGetValue(name[..^ScaleSuffix.Length], out var q) && q.DType == SafeTensorDType.I8;

    /// <summary>
    /// Symmetric per-row int8: s_r = max|w_r| / 127 and q = round(w / s_r) (ties away from zero), so |w − q·s_r| ≤ s_r / 2;
    /// an all-zero row has scale 0 and stores zeros.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) QuantizeRows(ReadOnlySpan<float> weights, int rows, int columns)
    {
        var values = new sbyte[rows * columns];
        var scales = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = weights.Slice(r * columns, columns);
            float max = 0;
            foreach (var w in row) max = Math.Max(max, Math.Abs(w));
            if (max == 0) continue;
            scales[r] = max / 127f;
            for (int c = 0; c < columns; c++)
                values[r * columns + c] = (sbyte)Math.Clamp(MathF.Round(row[c] / scales[r], MidpointRounding.AwayFromZero), -127, 127);
        }
        return (values, scales);
    }

    /// <summary>q · s_r, row by row.</summary>
    public static float[] Dequantize(ReadOnlySpan<sbyte> values, ReadOnlySpan<float> scales, int columns)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i] * scales[i / columns];
        return result;
    }

    /// <summary>float32 → bfloat16 bits, rounding to nearest even (NaN kept quiet).</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }
}
