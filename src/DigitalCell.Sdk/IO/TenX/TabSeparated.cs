using System.IO.Compression;
using System.Text;

namespace DigitalCell.Sdk.IO.TenX;

/// <summary>The small tab-separated side files of a 10x directory (<c>features.tsv</c>, <c>barcodes.tsv</c>), optionally gzipped.</summary>
internal static class TabSeparated
{
    /// <summary>Reads every line as fields; blank trailing lines are ignored, other rows must have at least <paramref name="minimumFields"/> fields.</summary>
    public static List<string[]> Read(string path, int minimumFields)
    {
        var rows = new List<string[]>();
        using var reader = new ByteLineReader(path);
        while (reader.TryReadLine(out var line))
        {
            if (line.IsEmpty) continue;
            var fields = Encoding.UTF8.GetString(line).Split('\t');
            if (fields.Length < minimumFields)
                throw new DigitalCellException(path, $"line {reader.LineNumber}",
                    $"expected at least {minimumFields} tab-separated fields, found {fields.Length}");
            rows.Add(fields);
        }
        return rows;
    }

    /// <summary>Writes rows of fields as gzipped tab-separated lines (fields were checked with <see cref="CheckFields"/>).</summary>
    public static void WriteGzip(string path, int rowCount, Func<int, IEnumerable<string>> row)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false)) { NewLine = "\n" };
        for (int i = 0; i < rowCount; i++)
        {
            writer.WriteLine(string.Join('\t', row(i)));
        }
    }

    /// <summary>Rejects values a tab-separated line cannot hold, naming the file they were meant for.</summary>
    public static void CheckFields(string path, IEnumerable<string> values)
    {
        int row = 0;
        foreach (var value in values)
        {
            row++;
            if (value.Contains('\t') || value.Contains('\n') || value.Contains('\r'))
                throw new DigitalCellException(path, $"row {row}", $"the value '{value}' contains a tab or line break, which 10x text files cannot hold");
        }
    }
}
