using System.Text;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Statistics;

/// <summary>One context's differential expression: its groups tested against the reference cells of that context.</summary>
/// <param name="Context">The context (cell line, cell type, donor).</param>
/// <param name="Result">The tests of the context's groups against its own reference cells.</param>
public sealed record ContextDifferentialExpression(string Context, DifferentialExpressionResult Result)
{
    /// <summary>Writes every context's tests as one CSV (column <c>context</c>, then <see cref="DifferentialExpressionResult.ColumnNames"/>), atomically.</summary>
    public static void WriteCsv(IEnumerable<ContextDifferentialExpression> results, string path) => AtomicFile.Write(path, temp =>
    {
        ArgumentNullException.ThrowIfNull(results);
        using var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16);
        writer.WriteLine("context," + string.Join(",", DifferentialExpressionResult.ColumnNames));
        foreach (var r in results) r.Result.WriteCsvRows(writer, r.Context);
    });
}
