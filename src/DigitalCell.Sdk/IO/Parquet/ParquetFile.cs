using System.Text.Json;
using global::Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>Opening, typed column reads and footer metadata shared by the long and wide layouts.</summary>
internal static class ParquetFile
{
    public static async Task<ParquetReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "no such file");
        InlineReadStream? stream = null;
        try
        {
            stream = new InlineReadStream(path);
            return await ParquetReader.CreateAsync(stream, leaveStreamOpen: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (DigitalCellException or OperationCanceledException))
        {
            stream?.Dispose();
            throw new DigitalCellException(path, null, $"not a readable Parquet file ({e.Message})", e);
        }
        catch
        {
            stream?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a read, turning whatever Parquet.Net throws on a damaged file (it surfaces Thrift, Snappy and page-level
    /// failures as their own exception types) into one error naming the file; an error raised without a file
    /// (a value outside its declared categories) gets this one.
    /// </summary>
    public static async Task<T> GuardAsync<T>(string path, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (DigitalCellException e) when (e.FilePath is null)
        {
            throw new DigitalCellException(path, null, e.Message, e);
        }
        catch (Exception e) when (e is not (DigitalCellException or OperationCanceledException or OutOfMemoryException))
        {
            throw new DigitalCellException(path, null, $"the Parquet data is corrupt ({e.Message})", e);
        }
    }

    /// <summary>Writes a Parquet file atomically: <paramref name="write"/> fills the row groups of a temporary file.</summary>
    public static Task WriteAsync(string path, ParquetSchema schema, Dictionary<string, string> metadata,
        Func<ParquetWriter, Task> write, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, async temp =>
        {
            await using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            writer.CustomMetadata = metadata;
            await write(writer).ConfigureAwait(false);
        });

    /// <summary>The named column, or an error listing the columns the file has.</summary>
    public static DataField Require(string path, ParquetSchema schema, string name, string layout)
    {
        var field = schema.DataFields.FirstOrDefault(f => f.Name == name);
        return field ?? throw new DigitalCellException(path, null,
            $"has no '{name}' column, which the {layout} layout needs; columns: {string.Join(", ", schema.DataFields.Select(f => f.Name))}");
    }

    /// <summary>Reads a string column of one row group; null entries are an error naming the row.</summary>
    public static async Task<string[]> ReadStringsAsync(string path, ParquetRowGroupReader rowGroup, DataField field, int group)
    {
        if (!IsString(field))
            throw new DigitalCellException(path, $"column '{field.Name}'", $"has type {TypeName(field)}; expected strings");
        var values = new string?[rowGroup.RowCount];
        await rowGroup.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
        for (int i = 0; i < values.Length; i++)
            if (values[i] is null) throw new DigitalCellException(path, $"column '{field.Name}', row group {group}, row {i}", "is null; names must be present");
        return values!;
    }

    /// <summary>Whether a column holds UTF-8 strings (Parquet.Net 6 reports them as <c>ReadOnlyMemory&lt;char&gt;</c> when reading).</summary>
    public static bool IsString(DataField field) =>
        !field.IsArray && (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>));

    /// <summary>Whether a column can hold expression values (float32, float64 or integers).</summary>
    public static bool IsNumeric(DataField field) =>
        !field.IsArray && (field.ClrType == typeof(float) || field.ClrType == typeof(double) || field.ClrType == typeof(int) || field.ClrType == typeof(long));

    /// <summary>Reads an expression column of one row group as float32; nulls are an error naming the row.</summary>
    public static async Task<float[]> ReadValuesAsync(string path, ParquetRowGroupReader rowGroup, DataField field, int group)
    {
        if (!IsNumeric(field))
            throw new DigitalCellException(path, $"column '{field.Name}'", $"has type {TypeName(field)}; expected numbers (float32, float64, int32 or int64)");
        int rows = (int)rowGroup.RowCount;
        return field.ClrType switch
        {
            var t when t == typeof(float) => await ReadAsync<float>(path, rowGroup, field, group, rows, v => v).ConfigureAwait(false),
            var t when t == typeof(double) => await ReadAsync<double>(path, rowGroup, field, group, rows, v => (float)v).ConfigureAwait(false),
            var t when t == typeof(int) => await ReadAsync<int>(path, rowGroup, field, group, rows, v => v).ConfigureAwait(false),
            _ => await ReadAsync<long>(path, rowGroup, field, group, rows, v => v).ConfigureAwait(false),
        };
    }

    /// <summary>The column's type in words for error messages.</summary>
    public static string TypeName(DataField field) =>
        (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>) ? "string" : field.ClrType.Name) + (field.IsArray ? " list" : "");

    private static async Task<float[]> ReadAsync<T>(string path, ParquetRowGroupReader rowGroup, DataField field, int group, int rows, Func<T, float> convert)
        where T : struct
    {
        if (!field.IsNullable)
        {
            var values = new T[rows];
            await rowGroup.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            return Array.ConvertAll(values, v => convert(v));
        }
        var nullable = new T?[rows];
        await rowGroup.ReadAsync(field, nullable.AsMemory()).ConfigureAwait(false);
        var result = new float[rows];
        for (int i = 0; i < rows; i++)
            result[i] = nullable[i] is { } v ? convert(v)
                : throw new DigitalCellException(path, $"column '{field.Name}', row group {group}, row {i}", "is null; expression values must be present (write 0 for zero)");
        return result;
    }

    /// <summary>A JSON string array from the footer, or null when the key is absent.</summary>
    public static string[]? ReadNames(string path, IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var json)) return null;
        try
        {
            return JsonSerializer.Deserialize<string[]>(json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new DigitalCellException(path, key, $"footer metadata is not a JSON array of names ({e.Message})", e);
        }
    }

    /// <summary>A name → position lookup that rejects repeated names.</summary>
    public static Dictionary<string, int> Lookup(string path, string what, IReadOnlyList<string> names)
    {
        var lookup = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
            if (!lookup.TryAdd(names[i], i)) throw new DigitalCellException(path, null, $"the {what} '{names[i]}' is listed twice");
        return lookup;
    }
}
