using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO;

/// <summary>Builds CSR matrices from (cell, gene, value) triples in any order, as the 10x and long Parquet readers produce them.</summary>
internal static class CoordinateMatrix
{
    /// <summary>Counting sort of the triples by cell; duplicate coordinates are summed (scipy's <c>coo_matrix.tocsr()</c>).</summary>
    public static SparseCellMatrix ToCsr(int cells, int genes, ReadOnlySpan<int> cellOf, ReadOnlySpan<int> geneOf, ReadOnlySpan<float> values)
    {
        var indptr = new int[cells + 1];
        foreach (var c in cellOf) indptr[c + 1]++;
        for (int c = 0; c < cells; c++) indptr[c + 1] += indptr[c];
        var next = indptr[..^1];
        var indices = new int[values.Length];
        var data = new float[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            int dst = next[cellOf[k]]++;
            indices[dst] = geneOf[k];
            data[dst] = values[k];
        }
        var matrix = new SparseCellMatrix(cells, genes, indptr, indices, data); // validates and sorts each row's genes
        return HasDuplicates(matrix) ? SumDuplicates(matrix) : matrix;
    }

    private static bool HasDuplicates(SparseCellMatrix m)
    {
        for (int r = 0; r < m.RowCount; r++)
        {
            var idx = m.RowIndices(r);
            for (int k = 1; k < idx.Length; k++) if (idx[k] == idx[k - 1]) return true;
        }
        return false;
    }

    private static SparseCellMatrix SumDuplicates(SparseCellMatrix m)
    {
        var indptr = new int[m.RowCount + 1];
        var indices = new List<int>((int)m.StoredCount);
        var data = new List<float>((int)m.StoredCount);
        for (int r = 0; r < m.RowCount; r++)
        {
            var idx = m.RowIndices(r);
            var val = m.RowValues(r);
            for (int k = 0; k < idx.Length; k++)
            {
                if (k > 0 && idx[k] == idx[k - 1]) data[^1] += val[k];
                else { indices.Add(idx[k]); data.Add(val[k]); }
            }
            indptr[r + 1] = indices.Count;
        }
        return SparseCellMatrix.Trusted(m.RowCount, m.ColumnCount, indptr, indices.ToArray(), data.ToArray());
    }
}
