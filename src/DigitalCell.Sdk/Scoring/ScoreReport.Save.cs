using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Scoring;

public sealed partial class ScoreReport
{
    /// <summary>
    /// Writes <c>report.json</c> and <c>report.md</c> into <paramref name="directory"/> (each file atomically). The
    /// HTML page and the figures come with DigitalCell.Sdk.Interactive (<c>report.SaveWithFigures(directory)</c>).
    /// </summary>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string json = Path.Combine(directory, "report.json"), markdown = Path.Combine(directory, "report.md");
        AtomicFile.WriteAllText(json, ToJson());
        AtomicFile.WriteAllText(markdown, ToMarkdown());
        return [json, markdown];
    }
}
