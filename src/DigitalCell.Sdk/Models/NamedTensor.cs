using System.Runtime.InteropServices;
using System.Text.Json;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// A baseline parameter: a row-major float64 tensor, optionally with a name per row. Stored as an F64
/// <see cref="SafeTensor"/> (float64 keeps a reloaded baseline's predictions bit-identical); row names go into the
/// safetensors <c>__metadata__</c> map under <c>NAME.rows</c> as a JSON array, since metadata values must be strings.
/// </summary>
internal sealed record NamedTensor(string Name, int[] Shape, double[] Data, IReadOnlyList<string>? RowNames = null)
{
    public SafeTensor ToSafeTensor() =>
        new(Name, SafeTensorDType.F64, Shape.Select(s => (long)s).ToArray(), MemoryMarshal.AsBytes(Data.AsSpan()).ToArray());

    public static void Write(string path, IReadOnlyList<NamedTensor> tensors) =>
        SafeTensors.Write(path, tensors.Select(t => t.ToSafeTensor()),
            tensors.Where(t => t.RowNames is not null).ToDictionary(t => t.Name + ".rows", t => JsonSerializer.Serialize(t.RowNames)));

    /// <exception cref="DigitalCellException">A tensor is not F64 or its row names do not match its first dimension.</exception>
    public static Dictionary<string, NamedTensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "weights file not found.");
        var file = SafeTensors.Read(path);
        var result = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in file.Tensors)
        {
            if (t.DType != SafeTensorDType.F64) throw new DigitalCellException(path, name, $"dtype {t.DType}; baseline weights are F64.");
            var shape = t.Shape.Select(s => checked((int)s)).ToArray();
            string[]? rows = file.Metadata.TryGetValue(name + ".rows", out var r) ? JsonSerializer.Deserialize<string[]>(r) : null;
            if (rows is not null && (shape.Length == 0 || rows.Length != shape[0]))
                throw new DigitalCellException(path, name, $"{rows.Length} row names for shape [{string.Join(", ", shape)}].");
            result[name] = new NamedTensor(name, shape, MemoryMarshal.Cast<byte, double>(t.Data).ToArray(), rows);
        }
        return result;
    }
}
