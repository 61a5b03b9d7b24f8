using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Preprocessing;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// cell-eval's input-scale rule (<c>_evaluator._convert_to_normlog</c>, <c>utils.guess_is_lognorm</c>): data whose
/// values are all whole numbers are counts and are normalised to the median library size then log1p-transformed;
/// data with fractions must already be log1p-normalised (0 ≤ x &lt; 15).
/// </summary>
public static class ExpressionScale
{
    /// <summary>Cells inspected to decide (cell-eval looks at a sample too).</summary>
    public const int InspectedCells = 500;

    /// <summary>True when every stored value of the first <see cref="InspectedCells"/> cells is a whole number (fraction ≤ 1e-3).</summary>
    public static bool LooksLikeCounts(CellMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var row = new float[x.ColumnCount];
        for (int r = 0; r < Math.Min(InspectedCells, x.RowCount); r++)
        {
            x.CopyRow(r, row);
            foreach (float v in row)
                if (Math.Abs(v - Math.Round(v)) > 1e-3) return false;
        }
        return true;
    }

    /// <summary>
    /// Returns log1p-normalised data: counts are normalised to the median total (<see cref="Normalization.NormalizeTotalToMedian"/>,
    /// cell-eval's <c>sc.pp.normalize_total</c> default) and log1p-transformed; other data is checked to lie in [0, 15).
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="which">Names the dataset in messages (e.g. <c>real</c>).</param>
    /// <param name="note">What was done, for reports.</param>
    /// <exception cref="DigitalCellException">NaN or ∞ in X (named by cell and gene), or non-integer data outside [0, 15): mixed or unsupported scale.</exception>
    public static CellDataset EnsureLogNormalized(CellDataset data, string which, out string note)
    {
        ArgumentNullException.ThrowIfNull(data);
        NonFiniteValues.Reject(data, $"{which} data", "NaN/∞ values cannot be scored (drop or impute them first).");
        if (LooksLikeCounts(data.X))
        {
            note = $"{which}: X looked like counts (whole numbers); normalised to the median library size and log1p-transformed (cell-eval convention).";
            return data.NormalizeTotalToMedian().Log1p();
        }
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        var row = new float[data.GeneCount];
        for (int r = 0; r < data.CellCount; r++)
        {
            data.X.CopyRow(r, row);
            foreach (float v in row) { if (v < min) min = v; if (v > max) max = v; }
        }
        if (!(min >= 0) || !(max < 15))
            throw new DigitalCellException($"{which} data: X has fractional values in [{min}, {max}], which is neither counts nor log1p-normalised expression (expected 0 ≤ x < 15, cell-eval's rule)" +
                (min < 0 ? "; negative values suggest scaled data — a scanpy-processed h5ad keeps the log-normalised values in .raw (H5adReadOptions.ReadRaw; a catalog entry says \"matrix\": \"raw\")." : "."));
        note = $"{which}: X used as stored (log1p-normalised, values in [{min:0.###}, {max:0.###}]).";
        return data;
    }
}
