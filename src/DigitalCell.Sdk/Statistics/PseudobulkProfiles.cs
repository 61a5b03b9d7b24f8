using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// Pseudobulk profiles: for every group of cells (a perturbation, a cell type, …) the arithmetic mean and the sum of
/// each gene over the group's cells, of X as stored (log1p space stays log1p space), with the number of cells.
/// This is the pseudobulk that cell-eval's MAE and discrimination metrics use (polars <c>group_by().mean()</c>).
/// </summary>
public sealed class PseudobulkProfiles
{
    private readonly Dictionary<string, int> _lookup;
    private readonly string[] _groups;
    private readonly int[] _cellCounts;
    private readonly string[] _genes;

    internal PseudobulkProfiles(string[] groups, int[] cellCounts, string[] genes, DenseCellMatrix means, DenseCellMatrix sums)
    {
        _groups = groups;
        _cellCounts = cellCounts;
        _genes = genes;
        Means = means;
        Sums = sums;
        _lookup = new Dictionary<string, int>(groups.Length, StringComparer.Ordinal);
        for (int g = 0; g < groups.Length; g++) _lookup[groups[g]] = g;
    }

    /// <summary>Group names, one per row of <see cref="Means"/> and <see cref="Sums"/>.</summary>
    public IReadOnlyList<string> Groups => _groups;

    /// <summary>Number of cells in each group.</summary>
    public IReadOnlyList<int> CellCounts => _cellCounts;

    /// <summary>Gene names, one per column.</summary>
    public IReadOnlyList<string> Genes => _genes;

    /// <summary>Groups × genes arithmetic means (accumulated in double precision, stored as float32).</summary>
    public DenseCellMatrix Means { get; }

    /// <summary>Groups × genes sums (accumulated in double precision, stored as float32).</summary>
    public DenseCellMatrix Sums { get; }

    /// <summary>The mean profile of <paramref name="group"/> (one value per gene).</summary>
    /// <exception cref="DigitalCellException">No such group; the message lists the groups.</exception>
    public ReadOnlySpan<float> Profile(string group) => Means.Row(IndexOf(group));

    /// <summary>The row of <paramref name="group"/>.</summary>
    /// <exception cref="DigitalCellException">No such group.</exception>
    public int IndexOf(string group) => _lookup.TryGetValue(group, out int g) ? g
        : throw new DigitalCellException($"Pseudobulk has no group '{group}'. Groups: {string.Join(", ", Groups.Take(20))}{(Groups.Count > 20 ? ", …" : "")}.");

    /// <summary>The profiles as a dataset: one row per group (obs index = group name, obs column <c>n_cells</c>), X = means, layer <c>sum</c>.</summary>
    public CellDataset ToDataset()
    {
        var obs = new AnnotationTable("obs", (string[])_groups.Clone(),
            [new NumericColumn<int>("n_cells", (int[])_cellCounts.Clone())]);
        var var = new AnnotationTable("var", (string[])_genes.Clone());
        return new CellDataset(Means, obs, var, new Dictionary<string, CellMatrix> { ["sum"] = Sums });
    }
}
