using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
/// N bytes of UTF-8 JSON mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c>
/// (offsets relative to the end of the header) plus an optional <c>"__metadata__"</c> string map, then the tensor
/// bytes, contiguous and without gaps. Files written here load with Python's <c>safetensors</c> and vice versa.
/// </summary>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    /// <summary>Reads every tensor and the metadata of a safetensors file.</summary>
    /// <exception cref="DigitalCellException">The file is truncated, its header is not valid JSON, or offsets overlap.</exception>
    public static SafeTensorFile Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { throw new DigitalCellException(path, null, $"cannot read safetensors file: {e.Message}", e); }
        return Parse(bytes, path);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names the origin in error messages.</summary>
    public static SafeTensorFile Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 8) throw new DigitalCellException(source, "header", $"file is {bytes.Length} bytes, shorter than the 8-byte header length; it is truncated or not a safetensors file");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new DigitalCellException(source, "header", $"header length {headerLength} exceeds the file size {bytes.Length}; the file is truncated or not a safetensors file");
        JsonObject header;
        try
        {
            // Duplicate tensor names are a JsonException here, not an ArgumentException when the object is first read.
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength).TrimEnd(' '), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new DigitalCellException(source, "header", "header is not a JSON object");
        }
        catch (JsonException e) { throw new DigitalCellException(source, "header", $"header is not valid JSON ({e.Message})", e); }

        var dataStart = 8 + (long)headerLength;
        var dataLength = bytes.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new List<(long Begin, SafeTensor Tensor)>();
        foreach (var (name, node) in header)
        {
            try
            {
                if (name == MetadataKey)
                {
                    foreach (var (k, v) in node?.AsObject() ?? []) metadata[k] = v?.GetValue<string>() ?? "";
                    continue;
                }
                tensors.Add(ParseEntry(bytes, source, name, node, dataStart, dataLength));
            }
            // JsonNode's typed accessors throw these when the header holds another JSON type than the format says
            // (a shape of strings, a dtype of numbers); checked arithmetic throws OverflowException on absurd shapes.
            catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
            {
                throw new DigitalCellException(source, name, $"malformed header entry ({e.Message})", e);
            }
        }
        // The format requires the byte buffer to be fully covered without overlap ("no holes").
        long covered = 0;
        foreach (var (begin, tensor) in tensors.OrderBy(t => t.Begin))
        {
            if (begin != covered) throw new DigitalCellException(source, tensor.Name, $"data starts at byte {begin}, expected {covered}: tensors overlap or leave a gap");
            covered += tensor.Data.Length;
        }
        if (covered != dataLength) throw new DigitalCellException(source, "data", $"{dataLength - covered} trailing bytes not owned by any tensor");
        return new SafeTensorFile(tensors.ToDictionary(t => t.Tensor.Name, t => t.Tensor), metadata);
    }

    private static (long Begin, SafeTensor Tensor) ParseEntry(byte[] bytes, string source, string name, JsonNode? node, long dataStart, long dataLength)
    {
        var entry = node as JsonObject ?? throw new DigitalCellException(source, name, "tensor entry is not a JSON object");
        var dtypeText = entry["dtype"]?.GetValue<string>();
        // Names only: Enum.TryParse would also take "7" or "-1" as a dtype.
        if (dtypeText is null || !Enum.GetNames<SafeTensorDType>().Contains(dtypeText) || !Enum.TryParse<SafeTensorDType>(dtypeText, out var dtype))
            throw new DigitalCellException(source, name, $"unsupported dtype '{dtypeText}' (supported: {string.Join(", ", Enum.GetNames<SafeTensorDType>())})");
        var shape = entry["shape"]?.AsArray().Select(Integer).ToArray()
            ?? throw new DigitalCellException(source, name, "missing 'shape'");
        if (shape.Any(d => d < 0)) throw new DigitalCellException(source, name, $"shape [{string.Join(", ", shape)}] has a negative dimension");
        var offsets = entry["data_offsets"]?.AsArray().Select(Integer).ToArray();
        if (offsets is not { Length: 2 } || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
            throw new DigitalCellException(source, name, $"data_offsets [{string.Join(", ", offsets ?? [])}] lie outside the {dataLength} data bytes; the file is truncated or corrupt");
        var expected = checked(shape.Aggregate(1L, (a, b) => a * b) * SafeTensor.ElementSize(dtype));
        if (offsets[1] - offsets[0] != expected)
            throw new DigitalCellException(source, name, $"holds {offsets[1] - offsets[0]} bytes but shape [{string.Join(", ", shape)}] of {dtype} needs {expected}");
        return (offsets[0], new SafeTensor(name, dtype, shape, bytes.AsSpan((int)(dataStart + offsets[0]), (int)expected).ToArray()));
    }

    private static long Integer(JsonNode? node) => node?.GetValue<long>() ?? throw new FormatException("null where an integer belongs");

    /// <summary>Writes tensors (in the given order) and optional string metadata, atomically.</summary>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, temp => File.WriteAllBytes(temp, Serialize(tensors, metadata)));

    /// <summary>The safetensors bytes of <paramref name="tensors"/> and <paramref name="metadata"/>.</summary>
    public static byte[] Serialize(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header[MetadataKey] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        foreach (var t in list)
        {
            if (t.Data.Length != t.ElementCount * SafeTensor.ElementSize(t.DType))
                throw new DigitalCellException($"tensor '{t.Name}': {t.Data.Length} bytes do not match shape [{string.Join(", ", t.Shape)}] of {t.DType}");
            header[t.Name] = new JsonObject
            {
                ["dtype"] = t.DType.ToString(),
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + t.Data.Length),
            };
            offset += t.Data.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces to a multiple of 8 so the data is aligned, as the reference writer does.
        var padded = (json.Length + 7) / 8 * 8;
        var result = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.CopyTo(result, 8);
        result.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        long at = 8 + padded;
        foreach (var t in list)
        {
            t.Data.CopyTo(result, at);
            at += t.Data.Length;
        }
        return result;
    }
}

/// <summary>The content of a safetensors file.</summary>
/// <param name="Tensors">Tensors by name.</param>
/// <param name="Metadata">The <c>__metadata__</c> string map (empty when absent).</param>
public sealed record SafeTensorFile(IReadOnlyDictionary<string, SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The tensor called <paramref name="name"/>, or a clear error naming the missing key.</summary>
    public SafeTensor this[string name] => Tensors.TryGetValue(name, out var t) ? t
        : throw new DigitalCellException($"safetensors: no tensor named '{name}' (present: {string.Join(", ", Tensors.Keys.Order())})");
}
