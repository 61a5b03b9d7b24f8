using System.Buffers.Text;
using System.IO.Compression;
using System.Text;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.TenX;

/// <summary>
/// The Matrix Market coordinate format (NIST, https://math.nist.gov/MatrixMarket/formats.html) as Cell Ranger writes it:
/// <c>%%MatrixMarket matrix coordinate integer|real general</c>, a size line <c>rows columns entries</c>, then one
/// 1-based <c>row column value</c> triple per line. 10x files are genes × cells; the SDK keeps cells × genes, so the
/// reader transposes while building CSR and the writer transposes back.
/// </summary>
internal static class MatrixMarket
{
    private const string Banner = "%%MatrixMarket";

    /// <summary>Reads a genes × cells Matrix Market file into a cells × genes CSR matrix.</summary>
    /// <param name="path">The file.</param>
    /// <param name="checkSize">Called with (genes, cells) from the size line before anything is allocated by it; throws to reject them.</param>
    /// <remarks>Duplicate coordinates are summed, as scipy's <c>coo_matrix.tocsr()</c> does in <c>scanpy.read_10x_mtx</c>.</remarks>
    public static SparseCellMatrix ReadCellsByGenes(string path, Action<int, int>? checkSize = null)
    {
        using var reader = new ByteLineReader(path);
        string Where() => $"line {reader.LineNumber}";

        if (!reader.TryReadLine(out var header))
            throw new DigitalCellException(path, null, "the file is empty; expected a '%%MatrixMarket matrix coordinate ...' header");
        CheckHeader(path, Encoding.UTF8.GetString(header), out bool integer);

        ReadOnlySpan<byte> line;
        do
        {
            if (!reader.TryReadLine(out line))
                throw new DigitalCellException(path, null, "the file ends before the size line 'rows columns entries'");
        }
        while (line.IsEmpty || line[0] == (byte)'%' || line.Trim((byte)' ').IsEmpty);

        var rest = line;
        if (!TryParseInt(NextToken(ref rest), out int genes) || !TryParseInt(NextToken(ref rest), out int cells)
            || !Utf8Parser.TryParse(NextToken(ref rest), out long entries, out int used) || used == 0 || !NextToken(ref rest).IsEmpty
            || genes < 0 || cells < 0 || entries < 0)
            throw new DigitalCellException(path, Where(), $"expected the size line 'rows columns entries' (three non-negative integers), found '{Shorten(line)}'");
        if (entries > Array.MaxLength)
            throw new DigitalCellException(path, Where(), $"{entries} entries exceed what one in-memory matrix can hold ({Array.MaxLength})");
        checkSize?.Invoke(genes, cells);

        // The size line is only a claim: allocate what the file can hold ("1 1 1\n" is the shortest entry; a gzip file
        // is assumed to hold about one entry per compressed byte) and grow towards the claim as entries arrive.
        long fileLength = FileLinks.Resolve(path).Length;
        int capacity = (int)Math.Min(entries, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? fileLength : fileLength / 6 + 1);
        var geneOf = new int[capacity];
        var cellOf = new int[capacity];
        var values = new float[capacity];
        long read = 0;
        while (reader.TryReadLine(out line))
        {
            if (line.IsEmpty || line[0] == (byte)'%' || line.Trim((byte)' ').IsEmpty) continue;
            if (read == entries)
                throw new DigitalCellException(path, Where(), $"more entries than the {entries} announced on the size line");
            rest = line;
            if (!TryParseInt(NextToken(ref rest), out int gene) || !TryParseInt(NextToken(ref rest), out int cell))
                throw new DigitalCellException(path, Where(), $"expected 'row column value', found '{Shorten(line)}'");
            if (gene < 1 || gene > genes)
                throw new DigitalCellException(path, Where(), $"row (gene) index {gene} is outside 1..{genes}");
            if (cell < 1 || cell > cells)
                throw new DigitalCellException(path, Where(), $"column (cell) index {cell} is outside 1..{cells}");
            var valueToken = NextToken(ref rest);
            if (!TryParseValue(valueToken, integer, out float value) || !NextToken(ref rest).IsEmpty)
                throw new DigitalCellException(path, Where(), $"expected one {(integer ? "integer" : "real")} value after the indices, found '{Shorten(line)}'");
            if (read == geneOf.Length)
            {
                int grown = (int)Math.Min(entries, Math.Max(1024, 2L * geneOf.Length));
                Array.Resize(ref geneOf, grown);
                Array.Resize(ref cellOf, grown);
                Array.Resize(ref values, grown);
            }
            geneOf[read] = gene - 1;
            cellOf[read] = cell - 1;
            values[read] = value;
            read++;
        }
        if (read != entries)
            throw new DigitalCellException(path, Where(), $"the size line announces {entries} entries but the file has {read}");
        return CoordinateMatrix.ToCsr(cells, genes, cellOf.AsSpan(0, (int)read), geneOf.AsSpan(0, (int)read), values.AsSpan(0, (int)read));
    }

    /// <summary>Writes <paramref name="matrix"/> (cells × genes) as a gzipped genes × cells coordinate file, skipping zeros.</summary>
    public static void WriteGenesByCells(CellMatrix matrix, string path)
    {
        var csr = matrix.ToSparse();
        var data = csr.StoredValues;
        long nonZero = 0;
        bool integer = true;
        foreach (var v in data)
        {
            if (v == 0f) continue;
            nonZero++;
            if (integer && (!float.IsFinite(v) || v != MathF.Round(v) || Math.Abs(v) > 1e15f)) integer = false;
        }
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var output = new BufferedStream(gzip, 1 << 16);
        var head = $"{Banner} matrix coordinate {(integer ? "integer" : "real")} general\n" +
                   $"%metadata_json: {{\"software_version\": \"DigitalCell.Sdk\", \"format_version\": 2}}\n" +
                   $"{matrix.ColumnCount} {matrix.RowCount} {nonZero}\n";
        output.Write(Encoding.ASCII.GetBytes(head));
        Span<byte> buffer = stackalloc byte[96];
        for (int cell = 0; cell < csr.RowCount; cell++)
        {
            var genes = csr.RowIndices(cell);
            var vals = csr.RowValues(cell);
            for (int k = 0; k < genes.Length; k++)
            {
                if (vals[k] == 0f) continue;
                int n = Format(buffer, genes[k] + 1, cell + 1, vals[k], integer);
                output.Write(buffer[..n]);
            }
        }
    }

    private static void CheckHeader(string path, string header, out bool integer)
    {
        var words = header.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 5 || !words[0].Equals(Banner, StringComparison.OrdinalIgnoreCase))
            throw new DigitalCellException(path, "line 1", $"expected the header '{Banner} matrix coordinate integer|real general', found '{Shorten(header)}'");
        if (!words[1].Equals("matrix", StringComparison.OrdinalIgnoreCase) || !words[2].Equals("coordinate", StringComparison.OrdinalIgnoreCase))
            throw new DigitalCellException(path, "line 1", $"only sparse 'matrix coordinate' files are supported, found '{words[1]} {words[2]}'");
        integer = words[3].ToLowerInvariant() switch
        {
            "integer" => true,
            "real" => false,
            var field => throw new DigitalCellException(path, "line 1", $"the value field '{field}' is not supported; expected 'integer' or 'real'"),
        };
        if (!words[4].Equals("general", StringComparison.OrdinalIgnoreCase))
            throw new DigitalCellException(path, "line 1", $"the symmetry '{words[4]}' is not supported; 10x matrices are 'general'");
    }

    private static int Format(Span<byte> buffer, int gene, int cell, float value, bool integer)
    {
        Utf8Formatter.TryFormat(gene, buffer, out int n);
        buffer[n++] = (byte)' ';
        Utf8Formatter.TryFormat(cell, buffer[n..], out int m);
        n += m;
        buffer[n++] = (byte)' ';
        if (integer) Utf8Formatter.TryFormat((long)value, buffer[n..], out m);
        else value.TryFormat(buffer[n..], out m, "R", System.Globalization.CultureInfo.InvariantCulture);
        n += m;
        buffer[n++] = (byte)'\n';
        return n;
    }

    private static ReadOnlySpan<byte> NextToken(ref ReadOnlySpan<byte> rest)
    {
        int start = 0;
        while (start < rest.Length && (rest[start] == (byte)' ' || rest[start] == (byte)'\t')) start++;
        int end = start;
        while (end < rest.Length && rest[end] != (byte)' ' && rest[end] != (byte)'\t') end++;
        var token = rest[start..end];
        rest = rest[end..];
        return token;
    }

    private static bool TryParseInt(ReadOnlySpan<byte> token, out int value) =>
        Utf8Parser.TryParse(token, out value, out int used) && used == token.Length && token.Length > 0;

    private static bool TryParseValue(ReadOnlySpan<byte> token, bool integer, out float value)
    {
        if (token.IsEmpty) { value = 0; return false; }
        if (integer)
        {
            bool ok = Utf8Parser.TryParse(token, out long whole, out int used) && used == token.Length;
            value = whole;
            return ok;
        }
        bool parsed = Utf8Parser.TryParse(token, out double real, out int consumed) && consumed == token.Length;
        value = (float)real;
        return parsed;
    }

    private static string Shorten(ReadOnlySpan<byte> line) => Shorten(Encoding.UTF8.GetString(line[..Math.Min(line.Length, 200)]));

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
