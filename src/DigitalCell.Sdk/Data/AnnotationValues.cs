namespace DigitalCell.Sdk.Data;

/// <summary>
/// Annotation values without casts: <c>data.Obs.Doubles("total_counts")</c> whatever the column's numeric type, and
/// <c>data.Obs["cell_type"] == "k562"</c> as a <see cref="CellMask"/> (compared as text, so categorical, string,
/// numeric and boolean columns all work).
/// </summary>
public static class AnnotationValues
{
    extension(AnnotationTable table)
    {
        /// <summary>A numeric or boolean column as doubles (NaN where missing; true = 1).</summary>
        /// <exception cref="DigitalCellException">No such column, or it holds text.</exception>
        public double[] Doubles(string name)
        {
            var column = table[name];
            if (column is BooleanColumn b)
                return Enumerable.Range(0, b.Length).Select(i => b[i] is { } v ? (v ? 1.0 : 0.0) : double.NaN).ToArray();
            var values = new double[column.Length];
            for (int i = 0; i < values.Length; i++)
                values[i] = column.GetValue(i) switch
                {
                    null => double.NaN,
                    string or char => throw new DigitalCellException($"{table.Axis} column '{name}' is {column.TypeName}, not numeric."),
                    IConvertible number => number.ToDouble(System.Globalization.CultureInfo.InvariantCulture),
                    var other => throw new DigitalCellException($"{table.Axis} column '{name}' holds {other.GetType().Name}, not numbers."),
                };
            return values;
        }

        /// <summary>Any column as text, one entry per row (empty where missing).</summary>
        /// <exception cref="DigitalCellException">No such column.</exception>
        public string[] Texts(string name)
        {
            var column = table[name];
            return Enumerable.Range(0, column.Length).Select(column.GetText).ToArray();
        }
    }

    extension(AnnotationColumn)
    {
        /// <summary>The rows whose value, as text, equals <paramref name="value"/>.</summary>
        public static CellMask operator ==(AnnotationColumn column, string value) => Compare(column, value, equal: true);

        /// <summary>The rows whose value, as text, differs from <paramref name="value"/>.</summary>
        public static CellMask operator !=(AnnotationColumn column, string value) => Compare(column, value, equal: false);
    }

    private static CellMask Compare(AnnotationColumn column, string value, bool equal)
    {
        ArgumentNullException.ThrowIfNull(column);
        var mask = new bool[column.Length];
        for (int i = 0; i < mask.Length; i++) mask[i] = string.Equals(column.GetText(i), value, StringComparison.Ordinal) == equal;
        return new CellMask(mask);
    }
}
