using System.Text;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// <see cref="CellDataset"/> in a notebook: the shape and storage of X, the first rows of obs and var, and the
/// names of layers, embeddings, graphs and metadata, in the order anndata's repr lists them.
/// </summary>
public static class CellDatasetDisplay
{
    /// <summary>Rows of obs and var shown.</summary>
    public const int HeadRows = 5;

    /// <summary>The summary as HTML.</summary>
    public static string ToHtml(CellDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var html = new StringBuilder("<div class=\"dcell-dataset\"><p><b>CellDataset</b> ")
            .Append(DataFrameDisplay.Encode(Shape(data))).Append("</p>");
        foreach (var table in new[] { data.Obs, data.Var })
        {
            html.Append("<details open><summary>").Append(table.Axis).Append(": ")
                .Append(DataFrameDisplay.Encode(ColumnSummary(table))).Append("</summary>")
                .Append(DataFrameDisplay.ToHtml(Head(table).ToDataFrame())).Append("</details>");
        }
        html.Append("<ul>");
        foreach (var (name, keys) in Slots(data))
            html.Append("<li>").Append(name).Append(": ").Append(DataFrameDisplay.Encode(keys)).Append("</li>");
        return html.Append("</ul></div>").ToString();
    }

    /// <summary>The summary as text, like anndata's repr.</summary>
    public static string ToText(CellDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var text = new StringBuilder("CellDataset ").Append(Shape(data));
        foreach (var table in new[] { data.Obs, data.Var }) text.Append("\n    ").Append(table.Axis).Append(": ").Append(ColumnSummary(table));
        foreach (var (name, keys) in Slots(data)) text.Append("\n    ").Append(name).Append(": ").Append(keys);
        return text.ToString();
    }

    private static string Shape(CellDataset data)
    {
        var x = data.X;
        double density = x.RowCount == 0 || x.ColumnCount == 0 ? 0 : (double)x.StoredCount / ((double)x.RowCount * x.ColumnCount);
        return $"{data.CellCount:N0} cells × {data.GeneCount:N0} genes; X {(x.IsSparse ? "sparse CSR" : "dense")}, " +
               $"{x.StoredCount:N0} stored values ({density * 100:0.0}%)" + (data.Source is null ? "" : $"; from {SourceName(data.Source)}");
    }

    // A file's name, not its folder: notebook outputs are shared and must not carry the machine's paths.
    private static string SourceName(string source) => Path.IsPathRooted(source) ? Path.GetFileName(source.TrimEnd(Path.DirectorySeparatorChar)) : source;

    private static string ColumnSummary(AnnotationTable table) => table.Columns.Count == 0
        ? "(no columns)"
        : string.Join(", ", table.Columns.Select(c => $"{c.Name} ({(c is CategoricalColumn cat ? $"{cat.Categories.Count} categories" : c.TypeName)})"));

    private static AnnotationTable Head(AnnotationTable table) =>
        table.SelectRows(Enumerable.Range(0, Math.Min(HeadRows, table.RowCount)).ToArray());

    private static IEnumerable<(string Name, string Keys)> Slots(CellDataset data)
    {
        var slots = new (string, IEnumerable<string>)[]
        {
            ("layers", data.Layers.Keys), ("obsm", data.Obsm.Select(kv => $"{kv.Key} ({kv.Value.RowCount}×{kv.Value.ColumnCount})")),
            ("varm", data.Varm.Keys), ("obsp", data.Obsp.Keys), ("varp", data.Varp.Keys), ("uns", data.Uns.Keys),
        };
        foreach (var (name, keys) in slots)
        {
            var list = keys.ToList();
            if (list.Count > 0) yield return (name, string.Join(", ", list));
        }
    }
}
