using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>
/// Normalisations for the modalities beside RNA: centred log-ratio for protein (ADT) and hashtag (HTO) counts, and
/// TF-IDF then LSI for chromatin accessibility (ATAC peak counts). Raw counts are kept in layer <see cref="Normalization.CountsLayer"/>
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
    /// Latent semantic indexing as muon's <c>atac.tl.lsi</c>: the truncated SVD X ≈ U S Vᵀ of X as it is (no centring;
    /// run <see cref="TfIdf"/> first), by the randomized SVD of <see cref="PrincipalComponents.Fit"/> with
    /// <see cref="PcaOptions.ZeroCenter"/> off (by default 20 subspace iterations and 30 extra directions). Adds obsm <c>X_lsi</c> (U, each column scaled to mean 0 and standard
    /// deviation 1 when <paramref name="scaleEmbeddings"/>, as muon's default), varm <c>LSI</c> (V) and uns
    /// <c>lsi</c> with <c>stdev</c> = S / √(cells − 1). Components run by decreasing singular value; a component's sign is
    /// arbitrary (muon's svds gives none either; here the cell with the largest |U| is positive). With fewer peaks than
    /// <paramref name="components"/>, one component per peak (muon's rule).
    /// </summary>
    /// <exception cref="DigitalCellException">The matrix has too few independent directions.</exception>
    public static CellDataset Lsi(this CellDataset data, int components = 50, bool scaleEmbeddings = true, PcaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int k = Math.Min(components, data.GeneCount);
        // ATAC spectra decay slowly: more subspace iterations than PCA's default bring the randomized SVD to ARPACK's values (muon uses svds).
        var svd = PrincipalComponents.Fit(data.X, k, (options ?? new PcaOptions { PowerIterations = 20, Oversampling = 30 }) with { ZeroCenter = false });
        int n = svd.CellCount;
        var singular = new double[k];
        for (int c = 0; c < k; c++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += svd.Scores[(long)i * k + c] * svd.Scores[(long)i * k + c];
            singular[c] = Math.Sqrt(sum); // scores are U·S with orthonormal U
        }
        var embedding = new float[(long)n * k];
        for (int c = 0; c < k; c++)
        {
            double mean = 0, squares = 0;
            for (int i = 0; i < n; i++) mean += svd.Scores[(long)i * k + c] / singular[c];
            mean /= n;
            for (int i = 0; i < n; i++) { double d = svd.Scores[(long)i * k + c] / singular[c] - mean; squares += d * d; }
            double sd = Math.Sqrt(squares / n); // numpy's std: ddof 0
            for (int i = 0; i < n; i++)
            {
                double u = svd.Scores[(long)i * k + c] / singular[c];
                embedding[(long)i * k + c] = (float)(scaleEmbeddings ? (u - mean) / sd : u);
            }
        }
        var loadings = new float[(long)data.GeneCount * k];
        for (int c = 0; c < k; c++)
            for (int g = 0; g < data.GeneCount; g++) loadings[(long)g * k + c] = (float)svd.Components[(long)c * data.GeneCount + g];
        var stdev = singular.Select(s => s / Math.Sqrt(n - 1)).ToArray();
        return data.WithObsm("X_lsi", new DenseCellMatrix(n, k, embedding))
            .WithVarm("LSI", new DenseCellMatrix(data.GeneCount, k, loadings))
            .WithUns("lsi", new Dictionary<string, object> { ["stdev"] = stdev });
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
