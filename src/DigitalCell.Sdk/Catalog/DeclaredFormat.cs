using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Checks that a file is what its manifest says it is before its checksum is trusted on first use: an h5ad opens as
/// HDF5 with AnnData's <c>X</c>, <c>obs</c> and <c>var</c>; an h5 has an HDF5 superblock; a Parquet file has its magic
/// at both ends; a zip or tar.gz lists its entries; text formats (csv, tsv, gmt, json, gzipped or not) are UTF-8 without
/// NUL bytes and, for json, parse. Without this, any bytes a server sends when the manifest has no checksum
/// (400 MB of zeros, an HTML error page) would be pinned as the data set for good.
/// </summary>
internal static class DeclaredFormat
{
    /// <summary>Throws a <see cref="DigitalCellException"/> naming the file when it does not parse as <paramref name="format"/>.</summary>
    public static void Check(string path, string format, CancellationToken ct = default)
    {
        string? problem;
        try
        {
            problem = format switch
            {
                "h5ad" => CheckAnnData(path),
                "h5" => HdfSuperblock.Read(path) is null ? "it has no HDF5 signature" : null,
                "parquet" => CheckParquet(path),
                "zip" => CheckZip(path),
                "tar.gz" => CheckTarGz(path, ct),
                "json" => CheckText(path, gzip: false, json: true, ct),
                "csv" or "tsv" or "gmt" => CheckText(path, gzip: false, json: false, ct),
                "tsv.gz" or "gmt.gz" => CheckText(path, gzip: true, json: false, ct),
                _ => null,
            };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or DigitalCellException or DecoderFallbackException)
        {
            problem = e.Message;
        }
        if (problem is not null)
            throw new DigitalCellException(path, null,
                $"the manifest has no checksum and the file does not look like {format} ({problem}); it was not trusted or pinned");
    }

    private static string? CheckAnnData(string path)
    {
        if (HdfSuperblock.Read(path) is null) return "it has no HDF5 signature";
        using var reader = H5adReader.Open(path);
        string[] missing = new[] { "X", "obs", "var" }.Where(name => reader.OptionalElement(name) is null).ToArray();
        return missing.Length > 0 ? $"no AnnData {string.Join(", ", missing)}" : null;
    }

    private static string? CheckParquet(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length < 12) return "it is too short";
        Span<byte> head = stackalloc byte[4], tail = stackalloc byte[4];
        stream.ReadExactly(head);
        stream.Position = stream.Length - 4;
        stream.ReadExactly(tail);
        return head.SequenceEqual("PAR1"u8) && tail.SequenceEqual("PAR1"u8) ? null : "no PAR1 magic at both ends";
    }

    private static string? CheckZip(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Count == 0 ? "the archive is empty" : null;
    }

    private static string? CheckTarGz(string path, CancellationToken ct)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        int entries = 0;
        while (tar.GetNextEntry() is not null)
        {
            ct.ThrowIfCancellationRequested();
            entries++;
        }
        return entries == 0 ? "the archive is empty" : null;
    }

    private static string? CheckText(string path, bool gzip, bool json, CancellationToken ct)
    {
        using Stream file = File.OpenRead(path);
        using Stream input = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        if (json)
        {
            using var doc = JsonDocument.Parse(input);
            return null;
        }
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        using var text = new StreamReader(input, utf8);
        char[] buffer = new char[1 << 16];
        long total = 0;
        int n;
        while ((n = text.Read(buffer)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (buffer.AsSpan(0, n).Contains('\0')) return $"a NUL byte within the first {total + n:N0} characters: binary, not text";
            total += n;
        }
        return total == 0 ? "it is empty" : null;
    }
}
