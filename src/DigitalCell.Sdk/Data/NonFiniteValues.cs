namespace DigitalCell.Sdk.Data;

/// <summary>
/// Finds NaN and ±∞ in an expression matrix, so a computation that cannot use them (PCA, scoring) stops with the first
/// offending cell and gene named instead of failing deep inside a solver or returning NaN everywhere.
/// </summary>
internal static class NonFiniteValues
{
    /// <summary>The first non-finite value of <paramref name="x"/> in row-major order, or null when every value is finite.</summary>
    public static (int Row, int Column, float Value)? First(CellMatrix x)
    {
        switch (x)
        {
            case SparseCellMatrix sparse:
            {
                int at = IndexOfNonFinite(sparse.StoredValues);
                if (at < 0) return null;
                var pointers = sparse.RowPointers;
                int row = 0;
                while (pointers[row + 1] <= at) row++;
                return (row, sparse.ColumnIndices[at], sparse.StoredValues[at]);
            }
            case DenseCellMatrix dense:
            {
                int at = IndexOfNonFinite(dense.Values);
                return at < 0 ? null : (at / dense.ColumnCount, at % dense.ColumnCount, dense.Values[at]);
            }
            default:
            {
                var row = new float[x.ColumnCount];
                for (int r = 0; r < x.RowCount; r++)
                {
                    x.CopyRow(r, row);
                    int g = IndexOfNonFinite(row);
                    if (g >= 0) return (r, g, row[g]);
                }
                return null;
            }
        }
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>Throws when X of <paramref name="data"/> holds NaN or ±∞, naming the cell and gene.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="what">What needs finite values, first in the message (e.g. <c>PCA</c>, <c>real data</c>).</param>
    /// <param name="advice">What to do about it, last in the message.</param>
    public static void Reject(CellDataset data, string what, string advice)
    {
        if (First(data.X) is not var (row, column, value)) return;
        throw new DigitalCellException(
            $"{what}: X is {value} at cell '{data.CellNames[row]}' (row {row}), gene '{data.GeneNames[column]}' (column {column}); {advice}");
    }
}
