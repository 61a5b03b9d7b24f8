using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Scoring;

public sealed partial class ScoreReport
{
    /// <summary>
    /// Writes <c>report.json</c>, <c>report.md</c> and cell-eval's <c>results.csv</c> and <c>agg_results.csv</c> into
    /// <paramref name="directory"/> (each file atomically). The HTML page and the figures come with
    /// DigitalCell.Sdk.Interactive (<c>report.SaveWithFigures(directory)</c>).
    /// </summary>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var written = new List<string>();
        foreach (var (name, text) in new[] { ("report.json", ToJson()), ("report.md", ToMarkdown()), ("results.csv", ToResultsCsv()), ("agg_results.csv", ToAggregateCsv()) })
        {
            string path = Path.Combine(directory, name);
            AtomicFile.WriteAllText(path, text);
            written.Add(path);
        }
        return written;
    }
}
