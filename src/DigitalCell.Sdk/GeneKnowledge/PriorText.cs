using System.IO.Compression;

namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>Line access to the plain-text prior files (GMT, TSV, JSON), decompressing <c>.gz</c> on the fly.</summary>
internal static class PriorText
{
    public static TextReader Open(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "gene-prior file not found (fetch the catalog entry 'gene-priors' or point DIGITALCELL_MIRROR at a folder holding it).");
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionMode.Decompress);
        return new StreamReader(stream);
    }

    /// <summary>The tab-separated rows after the header, checking the header names the expected columns first.</summary>
    public static IEnumerable<(string[] Fields, long Line)> TsvRows(string path, params string[] columns)
    {
        using var reader = Open(path);
        string header = reader.ReadLine() ?? throw new DigitalCellException(path, "line 1", "empty file; expected a header line.");
        var names = header.Split('\t');
        for (int c = 0; c < columns.Length; c++)
            if (c >= names.Length || names[c] != columns[c])
                throw new DigitalCellException(path, "line 1", $"expected column {c + 1} to be '{columns[c]}', found '{(c < names.Length ? names[c] : "nothing")}'.");
        long line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = text.Split('\t');
            if (fields.Length < columns.Length)
                throw new DigitalCellException(path, $"line {line}", $"expected {columns.Length} tab-separated fields, found {fields.Length}.");
            yield return (fields, line);
        }
    }

    public static double Number(string path, long line, string column, string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            ? v
            : throw new DigitalCellException(path, $"line {line}", $"column '{column}' holds '{text}', not a number.");
}
