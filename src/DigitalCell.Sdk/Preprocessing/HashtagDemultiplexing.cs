using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>
/// Cell hashing: which sample (hashtag oligo, HTO) each cell came from, and which droplets held cells of two samples.
/// The steps of Seurat's <c>HTODemux</c> with a deterministic threshold: CLR across cells per hashtag, then per hashtag
/// the exact one-dimensional 2-means split of the CLR values (the cut that minimises the within-group sum of squares);
/// a cell is positive for a hashtag at or above its cut. One positive hashtag = singlet, two or more = doublet,
/// none = negative.
/// </summary>
public static class HashtagDemultiplexing
{
    /// <summary>obs column with <c>Singlet</c>, <c>Doublet</c> or <c>Negative</c> (Seurat's <c>HTO_classification.global</c>).</summary>
    public const string ClassColumn = "hto_class";

    /// <summary>obs column with the hashtag of each singlet, missing for doublets and negatives.</summary>
    public const string CallColumn = "hto_call";

    /// <summary>uns key of the CLR cut of each hashtag, in var order.</summary>
    public const string ThresholdsKey = "hto_thresholds";

    /// <summary>
    /// Calls every cell of a hashtag count matrix (cells × hashtags, raw UMIs). Returns the dataset with CLR values in X
    /// (counts kept in layer <c>counts</c>), obs columns <see cref="ClassColumn"/> and <see cref="CallColumn"/>, and the
    /// cuts in uns <see cref="ThresholdsKey"/>.
    /// </summary>
    /// <exception cref="DigitalCellException">Fewer than two hashtags or two cells.</exception>
    public static CellDataset DemultiplexHashtags(this CellDataset hashtags)
    {
        ArgumentNullException.ThrowIfNull(hashtags);
        if (hashtags.GeneCount < 2 || hashtags.CellCount < 2)
            throw new DigitalCellException($"DemultiplexHashtags: needs at least 2 hashtags and 2 cells, got {hashtags.CellCount} cells × {hashtags.GeneCount} hashtags.");
        var counts = hashtags.X.ToSparse();
        var clr = ModalityPreprocessing.ClrValues(counts, ClrAxis.AcrossCells, out var geometricMeans);
        int cells = counts.RowCount, tags = counts.ColumnCount;
        // Dense per-hashtag columns: a zero count has CLR log1p(0) = 0.
        var columns = new double[tags][];
        for (int t = 0; t < tags; t++) columns[t] = new double[cells];
        var indptr = counts.RowPointers;
        var indices = counts.ColumnIndices;
        for (int r = 0; r < cells; r++)
            for (int k = indptr[r]; k < indptr[r + 1]; k++) columns[indices[k]][r] = clr[k];
        var thresholds = columns.Select(TwoMeansCut).ToArray();
        var classes = new string?[cells];
        var calls = new string?[cells];
        for (int r = 0; r < cells; r++)
        {
            int positives = 0, last = -1;
            for (int t = 0; t < tags; t++)
                if (columns[t][r] >= thresholds[t]) { positives++; last = t; }
            classes[r] = positives switch { 0 => "Negative", 1 => "Singlet", _ => "Doublet" };
            calls[r] = positives == 1 ? hashtags.GeneNames[last] : null;
        }
        var obs = hashtags.Obs
            .With(new CategoricalColumn(ClassColumn, classes.Select(c => c switch { "Singlet" => 0, "Doublet" => 1, _ => 2 }).ToArray(), ["Singlet", "Doublet", "Negative"]))
            .With(CategoricalColumn.FromLabels(CallColumn, calls));
        return hashtags.Clr(ClrAxis.AcrossCells).WithObs(obs).WithUns(ThresholdsKey, thresholds);
    }

    /// <summary>
    /// The smallest value of the upper group of the best two-group split of <paramref name="values"/> (1-D k-means with
    /// k = 2 solved exactly over the sorted values, splitting only between distinct values); +∞ when all are equal.
    /// </summary>
    internal static double TwoMeansCut(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        var sum = new double[n + 1];
        var squares = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            sum[i + 1] = sum[i] + sorted[i];
            squares[i + 1] = squares[i] + sorted[i] * sorted[i];
        }
        double best = double.PositiveInfinity, cut = double.PositiveInfinity;
        for (int k = 1; k < n; k++)
        {
            if (sorted[k - 1] == sorted[k]) continue;
            double lower = squares[k] - sum[k] * sum[k] / k;
            double upper = squares[n] - squares[k] - (sum[n] - sum[k]) * (sum[n] - sum[k]) / (n - k);
            if (lower + upper < best) (best, cut) = (lower + upper, sorted[k]);
        }
        return cut;
    }
}
