using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.Statistics;

/// <summary>Per-group mean and sum profiles (pseudobulk) of a dataset or of a streamed matrix.</summary>
public static class PseudobulkAggregation
{
    /// <summary>Mean and sum profile of every group of cells defined by the obs column <paramref name="groupBy"/>.</summary>
    /// <remarks>Cells with a missing label are left out; groups are in category order.</remarks>
    /// <exception cref="DigitalCellException">The column does not exist.</exception>
    public static PseudobulkProfiles Pseudobulk(this CellDataset data, string groupBy) => data.Pseudobulk([groupBy]);

    /// <summary>
    /// Mean and sum profile of every combination of the obs columns <paramref name="groupBy"/> that occurs, the group
    /// name being the labels joined by <paramref name="separator"/> (e.g. <c>STAT1_rep_1</c>).
    /// </summary>
    public static PseudobulkProfiles Pseudobulk(this CellDataset data, IReadOnlyList<string> groupBy, string separator = "_")
    {
        ArgumentNullException.ThrowIfNull(data);
        return Compute(data.X, CellGroups.FromObs(data.Obs, groupBy, separator), data.GeneNames.ToArray());
    }

    /// <summary>
    /// Pseudobulk of a backed (on-disk) h5ad: X is streamed in row chunks, never loaded whole. Same groups and
    /// values as the in-memory <see cref="Pseudobulk(CellDataset, string)"/>.
    /// </summary>
    public static PseudobulkProfiles Pseudobulk(this BackedCellDataset data, string groupBy)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Compute(data.X, CellGroups.FromObs(data.Obs, [groupBy]), data.Var.Index.ToArray());
    }

    /// <summary>
    /// Pseudobulk of a streamed matrix (in memory or backed): <paramref name="labels"/> gives each row's group
    /// (null = left out), <paramref name="genes"/> the column names. Groups are sorted by ordinal name.
    /// </summary>
    public static PseudobulkProfiles Compute(ICellMatrixSource source, IReadOnlyList<string?> labels, IReadOnlyList<string> genes)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (labels.Count != source.RowCount)
            throw new DigitalCellException($"Pseudobulk: {labels.Count} labels for {source.RowCount} cells.");
        if (genes.Count != source.ColumnCount)
            throw new DigitalCellException($"Pseudobulk: {genes.Count} gene names for {source.ColumnCount} genes.");
        return Compute(source, CellGroups.FromLabels(labels), genes.ToArray());
    }

    internal static PseudobulkProfiles Compute(ICellMatrixSource source, CellGroups groups, string[] genes)
    {
        var sums = GroupSums(source, groups.Codes, groups.Names.Length);
        int g = groups.Names.Length, p = source.ColumnCount;
        var means = new float[sums.Length];
        var sumsF = new float[sums.Length];
        for (int k = 0; k < g; k++)
            for (int j = 0; j < p; j++)
            {
                long i = (long)k * p + j;
                sumsF[i] = (float)sums[i];
                means[i] = (float)(sums[i] / groups.Counts[k]);
            }
        return new PseudobulkProfiles(groups.Names, groups.Counts, genes,
            new DenseCellMatrix(g, p, means), new DenseCellMatrix(g, p, sumsF));
    }

    /// <summary>Groups × genes sums in double precision, streaming the rows once.</summary>
    internal static double[] GroupSums(ICellMatrixSource source, int[] codes, int groupCount)
    {
        int p = source.ColumnCount;
        var sums = new double[(long)groupCount * p];
        float[]? row = null;
        foreach (var chunk in source.ReadChunks())
        {
            var m = chunk.Rows;
            for (int r = 0; r < m.RowCount; r++)
            {
                int code = codes[chunk.Start + r];
                if (code < 0) continue;
                long offset = (long)code * p;
                if (m is SparseCellMatrix s)
                {
                    var idx = s.RowIndices(r);
                    var val = s.RowValues(r);
                    for (int k = 0; k < idx.Length; k++) sums[offset + idx[k]] += val[k];
                }
                else
                {
                    row ??= new float[p];
                    m.CopyRow(r, row);
                    for (int j = 0; j < p; j++) sums[offset + j] += row[j];
                }
            }
        }
        return sums;
    }
}
