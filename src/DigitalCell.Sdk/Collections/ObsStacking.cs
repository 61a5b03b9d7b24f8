using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Stacks the obs tables of several shards: columns in order of first appearance; numbers (any width) become float64
/// when every shard that has the column stores numbers, booleans stay booleans, anything else becomes a categorical
/// of the values as text; a shard without the column contributes missing values.
/// </summary>
internal static class ObsStacking
{
    public static AnnotationTable Stack(IReadOnlyList<AnnotationTable> tables)
    {
        if (tables.Count == 1) return tables[0];
        var index = tables.SelectMany(t => t.Index).ToArray();
        var names = tables.SelectMany(t => t.ColumnNames).Distinct(StringComparer.Ordinal).ToList();
        return new AnnotationTable("obs", index, names.Select(n => StackColumn(n, tables, index.Length)));
    }

    private static AnnotationColumn StackColumn(string name, IReadOnlyList<AnnotationTable> tables, int rows)
    {
        var present = tables.Where(t => t.Contains(name)).Select(t => t[name]).ToList();
        bool numeric = present.All(c => c.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(NumericColumn<>));
        bool boolean = present.All(c => c is BooleanColumn);
        var missing = new bool[rows];
        int offset = 0;
        if (numeric)
        {
            var values = new double[rows];
            foreach (var table in tables)
            {
                for (int i = 0; i < table.RowCount; i++)
                {
                    object? v = table.Contains(name) ? table[name].GetValue(i) : null;
                    if (v is null) missing[offset + i] = true;
                    else values[offset + i] = Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
                }
                offset += table.RowCount;
            }
            return new NumericColumn<double>(name, values, missing.Any(m => m) ? missing : null);
        }
        if (boolean)
        {
            var values = new bool[rows];
            foreach (var table in tables)
            {
                for (int i = 0; i < table.RowCount; i++)
                {
                    object? v = table.Contains(name) ? table[name].GetValue(i) : null;
                    if (v is bool b) values[offset + i] = b; else missing[offset + i] = true;
                }
                offset += table.RowCount;
            }
            return new BooleanColumn(name, values, missing.Any(m => m) ? missing : null);
        }
        var labels = new string?[rows];
        foreach (var table in tables)
        {
            for (int i = 0; i < table.RowCount; i++)
                labels[offset + i] = table.Contains(name) && table[name].GetValue(i) is not null ? table[name].GetText(i) : null;
            offset += table.RowCount;
        }
        return CategoricalColumn.FromLabels(name, labels);
    }
}
