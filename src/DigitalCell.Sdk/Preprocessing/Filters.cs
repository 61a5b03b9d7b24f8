using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Cell and gene filters on counts (scanpy <c>pp.filter_cells</c>, <c>pp.filter_genes</c>), all bounds inclusive.</summary>
public static class Filters
{
    /// <summary>
    /// Keeps the cells whose total count lies in [<paramref name="minCounts"/>, <paramref name="maxCounts"/>] and whose
    /// number of detected genes (non-zero values) lies in [<paramref name="minGenes"/>, <paramref name="maxGenes"/>].
    /// </summary>
    public static CellDataset FilterCells(this CellDataset data, double minCounts = 0, double maxCounts = double.PositiveInfinity,
        int minGenes = 0, int maxGenes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (counts, detected) = Margins(data.X, byRow: true);
        var keep = new bool[data.CellCount];
        for (int i = 0; i < keep.Length; i++)
            keep[i] = counts[i] >= minCounts && counts[i] <= maxCounts && detected[i] >= minGenes && detected[i] <= maxGenes;
        return data.SelectCells(keep);
    }

    /// <summary>
    /// Keeps the genes detected (non-zero) in at least <paramref name="minCells"/> cells and at most
    /// <paramref name="maxCells"/>, with a total count of at least <paramref name="minCounts"/>.
    /// </summary>
    public static CellDataset FilterGenes(this CellDataset data, int minCells = 0, double minCounts = 0, int maxCells = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (counts, detected) = Margins(data.X, byRow: false);
        var keep = new bool[data.GeneCount];
        for (int j = 0; j < keep.Length; j++)
            keep[j] = detected[j] >= minCells && detected[j] <= maxCells && counts[j] >= minCounts;
        return data.SelectGenes(keep);
    }

    /// <summary>Row or column sums and numbers of non-zero values, streaming the rows.</summary>
    private static (double[] Sums, int[] NonZero) Margins(CellMatrix x, bool byRow)
    {
        int size = byRow ? x.RowCount : x.ColumnCount;
        var sums = new double[size];
        var nonZero = new int[size];
        float[]? row = null;
        foreach (var chunk in x.ReadChunks())
            for (int r = 0; r < chunk.Rows.RowCount; r++)
            {
                if (chunk.Rows is SparseCellMatrix s)
                {
                    var idx = s.RowIndices(r);
                    var val = s.RowValues(r);
                    for (int k = 0; k < idx.Length; k++) Add(chunk.Start + r, idx[k], val[k]);
                    continue;
                }
                row ??= new float[x.ColumnCount];
                chunk.Rows.CopyRow(r, row);
                for (int j = 0; j < row.Length; j++) Add(chunk.Start + r, j, row[j]);
            }
        return (sums, nonZero);

        void Add(int cell, int gene, float value)
        {
            if (value == 0f) return;
            int at = byRow ? cell : gene;
            sums[at] += value;
            nonZero[at]++;
        }
    }
}
