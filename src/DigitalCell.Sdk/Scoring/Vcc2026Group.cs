using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// One group of cells (a perturbation or a control) in linear count space, as the VCC 2026 suite reads it
/// (cell-eval2 <c>docs/vcc2026_metrics/vcc2026-metrics-brief.md</c> §1–§2): summed counts, per-cell totals, the bulk
/// profile b = log(1 + TS·P/ΣP) with TS = 5·10⁴ and the delete-one jackknife correction C of that profile.
/// </summary>
/// <remarks>
/// The scoring pipeline holds log1p-normalised cells, so counts are recovered with expm1 — what cell-eval2 itself does
/// with log-normalised input (<c>de_compute._to_linear</c>). Those are depth-normalised counts: every cell weighs the
/// same in a group's sum instead of by its depth; the CPM-based DE (§3) is unchanged by per-cell scaling.
/// </remarks>
internal sealed class Vcc2026Group
{
    /// <summary>The brief's <c>bulk_target_sum</c> TS of the profiles (§1, §2).</summary>
    public const double BulkTargetSum = 5e4;

    private readonly CellMatrix _cells;
    private double? _jackknife;

    /// <summary>Summarises log1p-normalised cells.</summary>
    public Vcc2026Group(CellMatrix logCells)
    {
        _cells = logCells;
        int genes = logCells.ColumnCount;
        Sum = new double[genes];
        Totals = new double[logCells.RowCount];
        var row = new float[genes];
        for (int r = 0; r < logCells.RowCount; r++)
        {
            ReadCounts(r, row);
            double total = 0;
            for (int g = 0; g < genes; g++) { Sum[g] += row[g]; total += row[g]; }
            Totals[r] = total;
        }
        Total = Totals.Sum();
        Profile = new double[genes];
        for (int g = 0; g < genes; g++) Profile[g] = Math.Log(1 + (Total > 0 ? BulkTargetSum * Sum[g] / Total : 0));
    }

    /// <summary>Cells in the group.</summary>
    public int CellCount => _cells.RowCount;

    /// <summary>P_g: counts summed over the group's cells.</summary>
    public double[] Sum { get; }

    /// <summary>ℓ_i: each cell's total count.</summary>
    public double[] Totals { get; }

    /// <summary>S: the group's total count.</summary>
    public double Total { get; }

    /// <summary>b_g = log(1 + TS·P_g/S), the natural log as in the brief.</summary>
    public double[] Profile { get; }

    /// <summary>The arithmetic mean count of each gene over the group's cells.</summary>
    public double[] MeanCounts() => Sum.Select(s => s / CellCount).ToArray();

    /// <summary>
    /// C = (n−1)/n Σ_g Σ_i (v_ig − v̄_g)² with v_ig = log(1 + TS·(P_g − y_ig)/(S − ℓ_i)), the delete-one jackknife
    /// estimate of the profile's sampling variance summed over genes (brief §2); 0 for fewer than two cells. Two passes
    /// (means, then squared deviations) so a tiny variance is not lost to cancellation.
    /// </summary>
    public double Jackknife => _jackknife ??= ComputeJackknife();

    /// <summary>
    /// Copies cell <paramref name="row"/>'s counts (expm1 of the stored log1p values) into <paramref name="destination"/>.
    /// A model's negative prediction reads as 0: the brief rejects negative counts, and a negative sum would make the
    /// log profile undefined.
    /// </summary>
    public void ReadCounts(int row, float[] destination)
    {
        _cells.CopyRow(row, destination);
        for (int g = 0; g < destination.Length; g++) destination[g] = (float)Math.Max(0, double.ExpM1(destination[g]));
    }

    private double ComputeJackknife()
    {
        int n = CellCount, genes = Sum.Length;
        if (n < 2) return 0;
        var mean = new double[genes];
        var row = new float[genes];
        var v = new double[genes];
        void LeaveOut(int i)
        {
            ReadCounts(i, row);
            double rest = Total - Totals[i];
            for (int g = 0; g < genes; g++) v[g] = Math.Log(1 + (rest > 0 ? BulkTargetSum * Math.Max(0, Sum[g] - row[g]) / rest : 0));
        }
        for (int i = 0; i < n; i++)
        {
            LeaveOut(i);
            for (int g = 0; g < genes; g++) mean[g] += v[g] / n;
        }
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            LeaveOut(i);
            for (int g = 0; g < genes; g++) { double d = v[g] - mean[g]; squares += d * d; }
        }
        return (n - 1) / (double)n * squares;
    }
}
