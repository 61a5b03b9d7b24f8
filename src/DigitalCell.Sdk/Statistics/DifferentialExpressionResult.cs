using System.Globalization;
using System.Text;
using DigitalCell.Sdk.IO;
using Microsoft.Data.Analysis;
using Parquet;
using Parquet.Schema;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// Differential expression of several groups against one reference: per-group columns in gene order
/// (<see cref="For"/>), or one long table with columns <c>group, gene, statistic, pvalue, padj, log2fc, mean_group,
/// mean_reference</c> (<see cref="ToDataFrame"/>, <see cref="WriteCsv"/>, <see cref="WriteParquet"/>).
/// </summary>
public sealed class DifferentialExpressionResult
{
    /// <summary>The long table's column names, in order.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } =
        ["group", "gene", "statistic", "pvalue", "padj", "log2fc", "mean_group", "mean_reference"];

    private readonly string[] _genes;
    private readonly GroupDifferentialExpression[] _groups;
    private readonly Dictionary<string, GroupDifferentialExpression> _lookup;

    internal DifferentialExpressionResult(string[] genes, string reference, int referenceCellCount,
        DifferentialExpressionOptions options, GroupDifferentialExpression[] groups)
    {
        _genes = genes;
        _groups = groups;
        Reference = reference;
        ReferenceCellCount = referenceCellCount;
        Options = options;
        _lookup = groups.ToDictionary(g => g.Group, StringComparer.Ordinal);
    }

    /// <summary>Gene names, the order of every per-group column.</summary>
    public IReadOnlyList<string> Genes => _genes;

    /// <summary>The groups tested, in order.</summary>
    public IReadOnlyList<string> Groups => _groups.Select(g => g.Group).ToArray();

    /// <summary>The reference group every group was compared with.</summary>
    public string Reference { get; }

    /// <summary>Number of reference cells.</summary>
    public int ReferenceCellCount { get; }

    /// <summary>The settings used (test, corrections, fold-change convention, FDR scope).</summary>
    public DifferentialExpressionOptions Options { get; }

    /// <summary>The results of <paramref name="group"/>.</summary>
    /// <exception cref="DigitalCellException">The group was not tested.</exception>
    public GroupDifferentialExpression For(string group) => _lookup.TryGetValue(group, out var g) ? g
        : throw new DigitalCellException($"Group '{group}' was not tested against '{Reference}'. Tested: {string.Join(", ", Groups.Take(20))}{(_groups.Length > 20 ? ", …" : "")}.");

    /// <summary>The results of <paramref name="group"/> alone, as if it had been the only group tested.</summary>
    internal DifferentialExpressionResult Only(string group) =>
        new(_genes, Reference, ReferenceCellCount, Options with { Groups = [group] }, [For(group)]);

    /// <summary>Number of rows of the long table (groups × genes).</summary>
    public long RowCount => (long)_groups.Length * _genes.Length;

    /// <summary>The long table (one row per group × gene, groups in order, genes in order within a group).</summary>
    public DataFrame ToDataFrame()
    {
        var (group, gene) = (new StringDataFrameColumn("group"), new StringDataFrameColumn("gene"));
        foreach (var g in _groups)
            foreach (var name in _genes) { group.Append(g.Group); gene.Append(name); }
        return new DataFrame(group, gene,
            new DoubleDataFrameColumn("statistic", Concat(g => g.Statistic)),
            new DoubleDataFrameColumn("pvalue", Concat(g => g.PValue)),
            new DoubleDataFrameColumn("padj", Concat(g => g.AdjustedPValue)),
            new DoubleDataFrameColumn("log2fc", Concat(g => g.Log2FoldChange)),
            new DoubleDataFrameColumn("mean_group", Concat(g => g.MeanGroup)),
            new DoubleDataFrameColumn("mean_reference", Concat(g => g.MeanReference)));
    }

    /// <summary>Writes the long table as CSV (invariant culture, round-trip precision, ±inf as <c>inf</c>/<c>-inf</c> as pandas writes them), atomically.</summary>
    public void WriteCsv(string path) => AtomicFile.Write(path, temp =>
    {
        using var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16);
        writer.WriteLine(string.Join(",", ColumnNames));
        WriteCsvRows(writer, null);
    });

    /// <summary>The CSV rows without header; <paramref name="leading"/>, when given, is written as an extra first field of every row.</summary>
    internal void WriteCsvRows(TextWriter writer, string? leading)
    {
        foreach (var g in _groups)
            for (int j = 0; j < _genes.Length; j++)
            {
                if (leading is not null) { writer.Write(Quote(leading)); writer.Write(','); }
                writer.Write(Quote(g.Group)); writer.Write(',');
                writer.Write(Quote(_genes[j]));
                foreach (var column in new[] { g.Statistic, g.PValue, g.AdjustedPValue, g.Log2FoldChange, g.MeanGroup, g.MeanReference })
                {
                    writer.Write(',');
                    writer.Write(Format(column[j]));
                }
                writer.WriteLine();
            }
    }

    /// <summary>Writes the long table as a Parquet file (string group/gene, double statistics), atomically.</summary>
    public void WriteParquet(string path) => AtomicFile.Write(path, temp => WriteParquetAsync(temp).GetAwaiter().GetResult());

    private async Task WriteParquetAsync(string path)
    {
        var fields = new List<DataField> { new DataField<string>("group"), new DataField<string>("gene") };
        fields.AddRange(ColumnNames.Skip(2).Select(n => new DataField<double>(n)));
        var schema = new ParquetSchema(fields.ToArray());
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var rowGroup = writer.CreateRowGroup();
        var groups = new string[RowCount];
        var genes = new string[RowCount];
        long row = 0;
        foreach (var g in _groups)
            foreach (var name in _genes) { groups[row] = g.Group; genes[row] = name; row++; }
        await rowGroup.WriteAsync(fields[0], groups);
        await rowGroup.WriteAsync(fields[1], genes);
        Func<GroupDifferentialExpression, double[]>[] columns =
            [g => g.Statistic, g => g.PValue, g => g.AdjustedPValue, g => g.Log2FoldChange, g => g.MeanGroup, g => g.MeanReference];
        for (int c = 0; c < columns.Length; c++)
            await rowGroup.WriteAsync<double>((DataField<double>)fields[c + 2], Concat(columns[c]));
    }

    private double[] Concat(Func<GroupDifferentialExpression, double[]> column)
    {
        var all = new double[RowCount];
        for (int t = 0; t < _groups.Length; t++) column(_groups[t]).CopyTo(all, (long)t * _genes.Length);
        return all;
    }

    private static string Format(double v) => double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
        : double.IsNaN(v) ? "nan" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";
}
