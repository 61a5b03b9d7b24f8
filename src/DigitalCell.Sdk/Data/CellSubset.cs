using System.Globalization;

namespace DigitalCell.Sdk.Data;

/// <summary>
/// A selection of cells by the values of one obs column (<c>--subset cell_type=CD4T,B</c>), recorded in reports so a
/// score always says which cells it covers.
/// </summary>
/// <param name="Column">The obs column.</param>
/// <param name="Values">The values kept (compared as strings, ordinal).</param>
public sealed record CellSubset(string Column, IReadOnlyList<string> Values)
{
    /// <summary>Parses <c>column=value[,value…]</c>.</summary>
    /// <exception cref="DigitalCellException">No <c>=</c>, an empty column name or no value.</exception>
    public static CellSubset Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int eq = spec.IndexOf('=', StringComparison.Ordinal);
        var values = eq < 0 ? [] : spec[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (eq <= 0 || values.Length == 0)
            throw new DigitalCellException($"--subset '{spec}': expected COLUMN=VALUE[,VALUE...], e.g. cell_type=CD4T,B.");
        return new CellSubset(spec[..eq].Trim(), values);
    }

    /// <summary>The cells of <paramref name="data"/> whose <see cref="Column"/> holds one of <see cref="Values"/>.</summary>
    /// <exception cref="DigitalCellException">The column is missing, or no cell matches (the message lists the column's values).</exception>
    public CellDataset Apply(CellDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.Obs.Contains(Column))
            throw new DigitalCellException($"--subset: obs has no column '{Column}'. Available: {string.Join(", ", data.Obs.ColumnNames)}.");
        var column = data.Obs[Column];
        var keep = Values.ToHashSet(StringComparer.Ordinal);
        var cells = Enumerable.Range(0, data.CellCount).Where(i => column.GetValue(i)?.ToString() is string v && keep.Contains(v)).ToArray();
        if (cells.Length == 0)
        {
            var present = Enumerable.Range(0, data.CellCount).Select(i => column.GetValue(i)?.ToString()).Distinct().Take(20);
            throw new DigitalCellException($"--subset {this}: no cell matches; obs column '{Column}' holds {string.Join(", ", present)}.");
        }
        return data.SelectCells(cells);
    }

    /// <summary>The provenance line of this subset for <paramref name="cells"/> kept of <paramref name="total"/>.</summary>
    public string Describe(int cells, int total) =>
        $"Subset: {this} ({cells.ToString("N0", CultureInfo.InvariantCulture)} of {total.ToString("N0", CultureInfo.InvariantCulture)} cells).";

    /// <inheritdoc/>
    public override string ToString() => $"{Column}={string.Join(",", Values)}";
}
