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

    /// <summary>Writes rows of fields as gzipped tab-separated lines.</summary>
    public static void WriteGzip(string path, int rowCount, Func<int, IEnumerable<string>> row)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false)) { NewLine = "\n" };
        for (int i = 0; i < rowCount; i++)
        {
            var fields = row(i).ToArray();
            foreach (var field in fields)
                if (field.Contains('\t') || field.Contains('\n'))
                    throw new DigitalCellException(path, $"row {i + 1}", $"the value '{field}' contains a tab or newline, which 10x text files cannot hold");
            writer.WriteLine(string.Join('\t', fields));
        }
    }
}
