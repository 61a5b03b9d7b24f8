using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// Reads and writes baseline weights as a safetensors-compatible file of float64 tensors: an 8-byte little-endian
/// header length, a JSON header <c>{"name": {"dtype": "F64", "shape": [..], "data_offsets": [begin, end]}}</c>, then
/// the raw little-endian bytes. Python's <c>safetensors.numpy.load_file</c> reads it (the format is documented at
/// huggingface.co/docs/safetensors); float64 keeps a reloaded baseline's predictions bit-identical.
/// </summary>
internal static class TensorFile
{
    /// <summary>Writes the tensors (row-major) to <paramref name="path"/>; the caller makes it atomic.</summary>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors)
    {
        var header = new JsonObject();
        var metadata = new JsonObject();
        long offset = 0;
        foreach (var t in tensors)
        {
            long bytes = (long)t.Data.Length * sizeof(double);
            if (t.Shape.Aggregate(1L, (a, b) => a * b) != t.Data.Length)
                throw new DigitalCellException($"Tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] does not hold {t.Data.Length} values.");
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F64",
                ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
            // safetensors metadata values must be strings: row names go in as a JSON-encoded array.
            if (t.RowNames is not null) metadata[t.Name + ".rows"] = JsonSerializer.Serialize(t.RowNames);
        }
        if (metadata.Count > 0) header["__metadata__"] = metadata;
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The spec recommends padding the header with spaces to an 8-byte boundary so the data is aligned.
        int padded = (json.Length + 7) / 8 * 8;
        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var t in tensors)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
            stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
    }

    /// <summary>Reads every tensor of a file written by <see cref="Write"/>.</summary>
    /// <exception cref="DigitalCellException">The file is truncated, its header malformed, or a tensor is not F64.</exception>
    public static Dictionary<string, NamedTensor> Read(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "weights file not found.");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new DigitalCellException(path, null, "truncated weights file (no header length).");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) throw new DigitalCellException(path, null, "truncated weights file (header longer than file).");
        JsonObject header;
        try { header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))!.AsObject(); }
        catch (JsonException e) { throw new DigitalCellException(path, "header", $"malformed JSON: {e.Message}", e); }
        int dataStart = 8 + (int)headerLength;
        var result = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        var metadata = header["__metadata__"] as JsonObject;
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is not JsonObject entry) continue;
            string dtype = entry["dtype"]?.GetValue<string>() ?? "?";
            if (dtype != "F64") throw new DigitalCellException(path, name, $"dtype {dtype} is not supported here (baselines store F64).");
            int[] shape = entry["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
            long begin = entry["data_offsets"]![0]!.GetValue<long>(), end = entry["data_offsets"]![1]!.GetValue<long>();
            if (begin < 0 || end < begin || dataStart + end > bytes.Length || (end - begin) % sizeof(double) != 0)
                throw new DigitalCellException(path, name, $"data offsets [{begin}, {end}] are outside the file.");
            var data = MemoryMarshal.Cast<byte, double>(bytes.AsSpan(dataStart + (int)begin, (int)(end - begin))).ToArray();
            if (shape.Aggregate(1L, (a, b) => a * b) != data.Length)
                throw new DigitalCellException(path, name, $"shape [{string.Join(", ", shape)}] does not match {data.Length} values.");
            string[]? rows = metadata?[name + ".rows"]?.GetValue<string>() is string r ? JsonSerializer.Deserialize<string[]>(r) : null;
            if (rows is not null && (shape.Length == 0 || rows.Length != shape[0]))
                throw new DigitalCellException(path, name, $"{rows.Length} row names for shape [{string.Join(", ", shape)}].");
            result[name] = new NamedTensor(name, shape, data, rows);
        }
        return result;
    }
}

/// <summary>A named row-major float64 tensor, optionally with a name per row (stored in the header's <c>__metadata__</c>).</summary>
internal sealed record NamedTensor(string Name, int[] Shape, double[] Data, IReadOnlyList<string>? RowNames = null);
