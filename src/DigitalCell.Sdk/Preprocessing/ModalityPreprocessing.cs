using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>
/// Normalisations for the modalities beside RNA: centred log-ratio for protein (ADT) and hashtag (HTO) counts, and
/// TF-IDF for chromatin accessibility (ATAC peak counts). Raw counts are kept in layer <see cref="Normalization.CountsLayer"/>
/// unless it already exists; implicit zeros stay zero, so sparse stays sparse.
/// </summary>
public static class ModalityPreprocessing
{
    /// <summary>
    /// Centred log-ratio transform as muon's <c>prot.pp.clr</c>: y = log1p(x / g), g = exp(mean(log1p(x))) over the
    /// values that share it (<paramref name="axis"/>; zeros included in the mean, natural log).
    /// </summary>
    public static CellDataset Clr(this CellDataset data, ClrAxis axis = ClrAxis.AcrossCells)
    {
        ArgumentNullException.ThrowIfNull(data);
        return WithCounts(data, Clr(data.X, axis));
    }

    /// <summary>The CLR of a counts matrix, in double precision (see <see cref="Clr(CellDataset, ClrAxis)"/>).</summary>
    internal static double[] ClrValues(SparseCellMatrix x, ClrAxis axis, out double[] geometricMeans)
    {
        var indptr = x.RowPointers;
        var indices = x.ColumnIndices;
        var values = x.StoredValues;
        bool perCell = axis == ClrAxis.AcrossFeatures;
        var logSums = new double[perCell ? x.RowCount : x.ColumnCount];
        for (int r = 0; r < x.RowCount; r++)
            for (int k = indptr[r]; k < indptr[r + 1]; k++) logSums[perCell ? r : indices[k]] += Math.Log(1 + (double)values[k]);
        double shared = perCell ? x.ColumnCount : x.RowCount;
        geometricMeans = logSums.Select(s => Math.Exp(s / shared)).ToArray();
        var result = new double[values.Length];
        for (int r = 0; r < x.RowCount; r++)
            for (int k = indptr[r]; k < indptr[r + 1]; k++)
                result[k] = Math.Log(1 + values[k] / geometricMeans[perCell ? r : indices[k]]);
        return result;
    }

    /// <summary>
    /// TF-IDF of ATAC peak counts as muon's <c>atac.pp.tfidf</c> with its defaults: tf = log1p(x / cell total ×
    /// <paramref name="scaleFactor"/>), idf = log1p(cells / peak total), value = tf × idf. Cells or peaks without counts
    /// stay zero (muon would divide by zero there).
    /// </summary>
    /// <exception cref="DigitalCellException"><paramref name="scaleFactor"/> is not positive.</exception>
    public static CellDataset TfIdf(this CellDataset data, double scaleFactor = 1e4)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(scaleFactor > 0) || double.IsInfinity(scaleFactor)) throw new DigitalCellException($"TfIdf: scaleFactor must be a positive number, got {scaleFactor}.");
        var x = data.X.ToSparse();
        var cellTotals = Normalization.RowTotals(x);
        var peakTotals = new double[x.ColumnCount];
        var indptr = x.RowPointers;
        var indices = x.ColumnIndices;
        var values = x.StoredValues;
        for (int k = 0; k < values.Length; k++) peakTotals[indices[k]] += values[k];
        var result = new float[values.Length];
        for (int r = 0; r < x.RowCount; r++)
            for (int k = indptr[r]; k < indptr[r + 1]; k++)
            {
                if (values[k] == 0) continue;
                double tf = Math.Log(1 + values[k] / cellTotals[r] * scaleFactor);
                double idf = Math.Log(1 + x.RowCount / peakTotals[indices[k]]);
                result[k] = (float)(tf * idf);
            }
        return WithCounts(data, new SparseCellMatrix(x.RowCount, x.ColumnCount, indptr.ToArray(), indices.ToArray(), result));
    }

    private static SparseCellMatrix Clr(CellMatrix x, ClrAxis axis)
    {
        var sparse = x.ToSparse();
        var clr = ClrValues(sparse, axis, out _);
        return new SparseCellMatrix(sparse.RowCount, sparse.ColumnCount, sparse.RowPointers.ToArray(), sparse.ColumnIndices.ToArray(), clr.Select(v => (float)v).ToArray());
    }

    private static CellDataset WithCounts(CellDataset data, CellMatrix x) =>
        (data.Layers.ContainsKey(Normalization.CountsLayer) ? data : data.WithLayer(Normalization.CountsLayer, data.X)).WithX(x);
}
