using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// <see cref="DataFrame"/> as an HTML table and as aligned plain text, showing the first rows only. The Formatting
/// library's default renders a DataFrame as a tree of its properties, and <c>DataFrame.ToString()</c> runs wide
/// numbers together (it pads to the header width), so both forms are written here.
/// </summary>
public static class DataFrameDisplay
{
    /// <summary>Rows shown before the table is cut (the rest are counted in a footer).</summary>
    public const int MaxRows = 20;

    /// <summary>The first <see cref="MaxRows"/> rows as an HTML table with a size footer.</summary>
    public static string ToHtml(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var html = new StringBuilder("<table class=\"dcell-table\"><thead><tr>");
        foreach (var column in frame.Columns) html.Append("<th>").Append(Encode(column.Name)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in Cells(frame))
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(Encode(cell)).Append("</td>");
            html.Append("</tr>");
        }
        return html.Append("</tbody></table><p><small>").Append(Encode(Footer(frame))).Append("</small></p>").ToString();
    }

    /// <summary>The first <see cref="MaxRows"/> rows as a text table, columns padded to their widest entry.</summary>
    public static string ToText(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var rows = new List<string[]> { frame.Columns.Select(c => c.Name).ToArray() };
        rows.AddRange(Cells(frame));
        int[] widths = Enumerable.Range(0, frame.Columns.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows) text.AppendJoin("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).Append('\n');
        return text.Append(Footer(frame)).ToString();
    }

    /// <summary>A table value as text: six significant digits for reals (p-values stay readable), invariant culture.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Escapes the characters HTML gives meaning to, and only those (× and µ stay readable in the source).</summary>
    internal static string Encode(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    private static IEnumerable<string[]> Cells(DataFrame frame)
    {
        long shown = Math.Min(frame.Rows.Count, MaxRows);
        for (long r = 0; r < shown; r++)
            yield return frame.Columns.Select(c => Format(c[r])).ToArray();
    }

    private static string Footer(DataFrame frame) =>
        $"{frame.Rows.Count:N0} rows × {frame.Columns.Count} columns" +
        (frame.Rows.Count > MaxRows ? $" (first {MaxRows} shown)" : "");
}
