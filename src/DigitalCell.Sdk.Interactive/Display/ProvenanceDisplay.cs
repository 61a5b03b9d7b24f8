using System.Globalization;
using System.Text;
using DigitalCell.Sdk.Records;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// How a notebook shows a <see cref="ProvenanceRecord"/> (printed at the top of every example notebook, so a reader can
/// tell whether two runs are comparable): the SDK build, runtime, OS, processor, device, libraries, each input with its
/// sha256 and subset, the seed and the parameters.
/// </summary>
public static class ProvenanceDisplay
{
    /// <summary>The record as (label, value) rows, in display order.</summary>
    public static IReadOnlyList<(string Label, string Value)> Rows(ProvenanceRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var s = record.Software;
        var rows = new List<(string, string)>
        {
            ("command", record.Command),
            ("DigitalCell.Sdk", s.SdkCommit is null ? s.SdkVersion : $"{s.SdkVersion}+{s.SdkCommit}"),
            ("runtime", s.DotNet), ("OS", s.OperatingSystem), ("processor", s.Processor), ("device", s.Device),
        };
        rows.AddRange(s.Libraries.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (l.Key, l.Value)));
        foreach (var input in record.Inputs)
        {
            rows.Add(("data", input.Path == input.Id ? input.Id : $"{input.Id} ({input.Path})"));
            rows.Add(("data sha256", input.Sha256));
            if (input.Subset is not null) rows.Add(("data subset", input.Subset));
        }
        rows.Add(("seed", record.Seed.ToString(CultureInfo.InvariantCulture)));
        rows.AddRange(record.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
        return rows;
    }

    /// <summary>An HTML table of <see cref="Rows"/>.</summary>
    public static string ToHtml(ProvenanceRecord record)
    {
        var html = new StringBuilder("<table class=\"dcell-provenance\"><tbody>");
        foreach (var (label, value) in Rows(record))
            html.Append("<tr><th>").Append(DataFrameDisplay.Encode(label)).Append("</th><td><code>").Append(DataFrameDisplay.Encode(value)).Append("</code></td></tr>");
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>One <c>label: value</c> line per row.</summary>
    public static string ToText(ProvenanceRecord record) => string.Join("\n", Rows(record).Select(r => $"{r.Label}: {r.Value}"));
}
