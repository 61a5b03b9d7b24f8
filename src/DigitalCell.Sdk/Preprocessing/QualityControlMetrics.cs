using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Per-cell and per-gene quality-control metrics (scanpy <c>pp.calculate_qc_metrics</c>).</summary>
public static class QualityControlMetrics
{
    /// <summary>
    /// Adds scanpy's QC columns computed from X (expected to hold counts). obs: <c>n_genes_by_counts</c> (genes with a
    /// non-zero value), <c>total_counts</c>, <c>total_counts_mt</c>, <c>pct_counts_mt</c> (percent of the total in genes
    /// whose name starts with <paramref name="mitoPrefix"/>, case-insensitive; 0 for empty cells). var: <c>mt</c>,
    /// <c>n_cells_by_counts</c>, <c>mean_counts</c>, <c>pct_dropout_by_counts</c>, <c>total_counts</c>.
    /// </summary>
    public static CellDataset QualityControl(this CellDataset data, string mitoPrefix = "MT-")
    {
        ArgumentNullException.ThrowIfNull(data);
        var (obs, var) = Compute(data.X, data.Obs, data.Var, mitoPrefix);
        return data.WithObs(obs).WithVar(var);
    }

    /// <summary>
    /// The same metrics for a streamed matrix (e.g. a backed h5ad's X, read chunk by chunk): returns
    /// <paramref name="obs"/> and <paramref name="var"/> with the QC columns added.
    /// </summary>
    public static (AnnotationTable Obs, AnnotationTable Var) Compute(ICellMatrixSource x, AnnotationTable obs, AnnotationTable var, string mitoPrefix = "MT-")
    {
        ArgumentNullException.ThrowIfNull(x);
        if (obs.RowCount != x.RowCount || var.RowCount != x.ColumnCount)
            throw new DigitalCellException($"QC: the matrix is {x.RowCount} × {x.ColumnCount} but obs has {obs.RowCount} rows and var {var.RowCount}.");
        int cells = x.RowCount, genes = x.ColumnCount;
        var mito = var.Index.Select(g => g.StartsWith(mitoPrefix, StringComparison.OrdinalIgnoreCase)).ToArray();
        var nGenes = new int[cells];
        var total = new double[cells];
        var totalMito = new double[cells];
        var nCells = new int[genes];
        var geneTotal = new double[genes];
        float[]? row = null;
        foreach (var chunk in x.ReadChunks())
            for (int r = 0; r < chunk.Rows.RowCount; r++)
            {
                int cell = chunk.Start + r;
                if (chunk.Rows is SparseCellMatrix s)
                {
                    var idx = s.RowIndices(r);
                    var val = s.RowValues(r);
                    for (int k = 0; k < idx.Length; k++) Add(cell, idx[k], val[k]);
                }
                else
                {
                    row ??= new float[genes];
                    chunk.Rows.CopyRow(r, row);
                    for (int j = 0; j < genes; j++) Add(cell, j, row[j]);
                }
            }
        var pctMito = new double[cells];
        for (int i = 0; i < cells; i++) pctMito[i] = total[i] > 0 ? 100 * totalMito[i] / total[i] : 0;
        var meanCounts = geneTotal.Select(t => t / cells).ToArray();
        var dropout = nCells.Select(n => 100.0 * (cells - n) / cells).ToArray();
        var obsOut = obs
            .With(new NumericColumn<int>("n_genes_by_counts", nGenes))
            .With(new NumericColumn<double>("total_counts", total))
            .With(new NumericColumn<double>("total_counts_mt", totalMito))
            .With(new NumericColumn<double>("pct_counts_mt", pctMito));
        var varOut = var
            .With(new BooleanColumn("mt", mito))
            .With(new NumericColumn<int>("n_cells_by_counts", nCells))
            .With(new NumericColumn<double>("mean_counts", meanCounts))
            .With(new NumericColumn<double>("pct_dropout_by_counts", dropout))
            .With(new NumericColumn<double>("total_counts", geneTotal));
        return (obsOut, varOut);

        void Add(int cell, int gene, float value)
        {
            if (value == 0f) return;
            nGenes[cell]++;
            total[cell] += value;
            if (mito[gene]) totalMito[cell] += value;
            nCells[gene]++;
            geneTotal[gene] += value;
        }
    }
}
