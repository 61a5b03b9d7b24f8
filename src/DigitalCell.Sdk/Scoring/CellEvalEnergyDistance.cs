using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The energy distance in cell-eval's convention (<c>metrics/_anndata.py::edistance</c>):
/// E(X, Y) = 2·mean‖x − y‖ − mean‖x − x′‖ − mean‖y − y′‖ with plain (not squared) Euclidean distances and the
/// within-group means taken over the full n × n matrix, zero diagonal included (sklearn <c>pairwise_distances(x).mean()</c>).
/// scPerturb (squared, diagonal excluded; <see cref="Statistics.EnergyDistance"/>) and pertpy use other conventions —
/// the diagonal alone scales each within-group term by (n − 1)/n — so the scoring metric keeps its own kernel.
/// </summary>
internal static class CellEvalEnergyDistance
{
    /// <summary>E(p, control of p's context) for every unit of <paramref name="cells"/>, each control's within-group term computed once.</summary>
    public static double[] ToControl(ScoringCells cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var controls = new Dictionary<CellMatrix, (double[][] Rows, double Sigma)>(ReferenceEqualityComparer.Instance);
        return cells.Perturbations.Select((m, i) =>
        {
            if (!controls.TryGetValue(cells.Controls[i], out var control))
            {
                var rows = Rows(cells.Controls[i], "control cells");
                controls[cells.Controls[i]] = control = (rows, MeanDistance(rows, rows));
            }
            var x = Rows(m, $"perturbation {i}");
            return 2 * MeanDistance(x, control.Rows) - MeanDistance(x, x) - control.Sigma;
        }).ToArray();
    }

    private static double[][] Rows(CellMatrix m, string what)
    {
        if (m.RowCount == 0) throw new DigitalCellException($"E-distance: {what} has no cells.");
        var rows = new double[m.RowCount][];
        var buffer = new float[m.ColumnCount];
        for (int r = 0; r < rows.Length; r++)
        {
            m.CopyRow(r, buffer);
            rows[r] = Array.ConvertAll(buffer, v => (double)v);
        }
        return rows;
    }

    /// <summary>Mean Euclidean distance over all pairs (i, j), computed from differences (no ‖x‖²+‖y‖²−2x·y cancellation).</summary>
    private static double MeanDistance(double[][] a, double[][] b)
    {
        var partial = new double[a.Length];
        Parallel.For(0, a.Length, i =>
        {
            var x = a[i];
            double s = 0;
            foreach (var y in b)
            {
                double d2 = 0;
                for (int g = 0; g < x.Length; g++) { double d = x[g] - y[g]; d2 += d * d; }
                s += Math.Sqrt(d2);
            }
            partial[i] = s;
        });
        return partial.Sum() / ((double)a.Length * b.Length);
    }
}
