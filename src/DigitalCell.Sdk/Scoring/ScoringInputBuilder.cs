using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// Builds a <see cref="ScoringInput"/> from a real and a predicted dataset in cell-eval's input convention: both
/// AnnData-like datasets carry the same genes in the same order, a perturbation column with the same labels, and
/// control cells (each side is compared with its own control). X must be log1p-normalised.
/// </summary>
/// <remarks>
/// Pseudobulk means come from <see cref="PseudobulkAggregation"/>; differential expression from
/// <see cref="DifferentialExpressionAnalysis"/> with <see cref="DifferentialExpressionOptions.CellEval"/> or
/// <see cref="DifferentialExpressionOptions.Vcc2025"/> by mode, each perturbation against the control of the same
/// dataset (pdex <c>mode="ref"</c>). DE and cells are only prepared when a requested metric needs them.
/// </remarks>
public sealed class ScoringInputBuilder
{
    private readonly CellDataset _real;
    private readonly string _column;
    private readonly string _control;
    private readonly ScoringMode _mode;
    private readonly string[] _perturbations;
    private readonly Side _realSide;
    private int[][]? _topDe;

    /// <summary>Validates the real dataset and prepares what every prediction is compared with.</summary>
    /// <param name="real">Observed cells (log1p-normalised X).</param>
    /// <param name="perturbationColumn">The obs column with perturbation labels.</param>
    /// <param name="control">The control label.</param>
    /// <param name="mode">Scoring definitions (selects the DE convention).</param>
    /// <exception cref="DigitalCellException">Missing column, no control cells, no perturbation, or a perturbation with fewer than 2 cells.</exception>
    public ScoringInputBuilder(CellDataset real, string perturbationColumn, string control, ScoringMode mode)
    {
        _real = real ?? throw new ArgumentNullException(nameof(real));
        _column = perturbationColumn;
        _control = control;
        _mode = mode ?? throw new ArgumentNullException(nameof(mode));
        var labels = PerturbationTrainingSet.CellLabels(real, perturbationColumn);
        var counts = labels.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (!counts.ContainsKey(control))
            throw new DigitalCellException($"real data: no control cells labelled '{control}' in obs column '{perturbationColumn}'. " +
                                           $"Labels: {string.Join(", ", counts.Keys.Order(StringComparer.Ordinal).Take(10))}{(counts.Count > 10 ? ", …" : "")}.");
        // cell-eval sorts perturbations with np.unique: ordinal string order.
        _perturbations = counts.Keys.Where(k => k != control).Order(StringComparer.Ordinal).ToArray();
        if (_perturbations.Length == 0) throw new DigitalCellException($"real data: only control cells in obs column '{perturbationColumn}'; nothing to score.");
        var single = _perturbations.Where(p => counts[p] < 2).ToArray();
        if (single.Length > 0)
            throw new DigitalCellException($"real data: perturbation(s) with a single cell cannot be tested for differential expression or averaged reliably: {string.Join(", ", single)}. Remove them before scoring.");
        _realSide = new Side(real, perturbationColumn, control, _perturbations, "real");
    }

    /// <summary>The non-control perturbations, in scoring order.</summary>
    public IReadOnlyList<string> Perturbations => _perturbations;

    /// <summary>Systema's perturbed reference to attach to every input (mean of training perturbation centroids), if known.</summary>
    public double[]? PerturbedReference { get; init; }

    /// <summary>Builds the comparison of <paramref name="predicted"/> with the real data for the given metrics.</summary>
    /// <exception cref="DigitalCellException">Gene names or order differ, labels differ, or the prediction lacks control cells.</exception>
    public ScoringInput Build(CellDataset predicted, IReadOnlyList<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        CheckGenes(predicted);
        var predLabels = PerturbationTrainingSet.CellLabels(predicted, _column).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        if (!predLabels.Contains(_control))
            throw new DigitalCellException($"predicted data: no control cells labelled '{_control}'; cell-eval compares each side with its own control (copy the real controls in if the model does not predict them).");
        var missing = _perturbations.Where(p => !predLabels.Contains(p)).ToArray();
        var extra = predLabels.Where(p => p != _control && Array.BinarySearch(_perturbations, p, StringComparer.Ordinal) < 0).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
            throw new DigitalCellException("predicted data: perturbations differ from the real data" +
                (missing.Length > 0 ? $"; missing: {string.Join(", ", missing.Take(10))}" : "") + (extra.Length > 0 ? $"; not in real: {string.Join(", ", extra.Take(10))}" : "") + ".");
        var pred = new Side(predicted, _column, _control, _perturbations, "predicted");
        bool de = metrics.Any(m => Metrics.DifferentialExpression.Contains(m));
        bool cells = metrics.Any(m => m == Metrics.PearsonEDistance);
        bool top = metrics.Any(m => m == Metrics.PearsonDeltaTop20De || m == Metrics.MseTop20De);
        return new ScoringInput(_perturbations, _real.GeneNames, _realSide.Means, pred.Means, _realSide.ControlMean, pred.ControlMean)
        {
            RealDifferentialExpression = de ? _realSide.DifferentialExpression(_mode) : null,
            PredictedDifferentialExpression = de ? pred.DifferentialExpression(_mode) : null,
            RealCells = cells ? _realSide.Cells() : null,
            PredictedCells = cells ? pred.Cells() : null,
            TopDifferentiallyExpressedGenes = top ? TopDe() : null,
            PerturbedReference = PerturbedReference,
        };
    }

    /// <summary>
    /// GEARS' top-20 DE genes of each perturbation: scanpy's default <c>rank_genes_groups</c> test (Welch t-test)
    /// against control, ranked by |t| (<c>rankby_abs=True</c>); an undefined t (no variance) counts as 0 as in scanpy.
    /// </summary>
    private int[][] TopDe() => _topDe ??= TopByAbsoluteStatistic(_real.DifferentialExpression(_column, _control,
        new DifferentialExpressionOptions { Method = DifferentialExpressionMethod.TTest, Groups = _perturbations }), _perturbations, 20);

    internal static int[][] TopByAbsoluteStatistic(DifferentialExpressionResult result, IReadOnlyList<string> perturbations, int n) =>
        perturbations.Select(p =>
        {
            var t = result.For(p).Statistic;
            return Enumerable.Range(0, t.Length).OrderByDescending(g => double.IsNaN(t[g]) ? 0 : Math.Abs(t[g])).Take(n).ToArray();
        }).ToArray();

    private void CheckGenes(CellDataset predicted)
    {
        var real = _real.GeneNames;
        var pred = predicted.GeneNames;
        if (real.Count == pred.Count && real.SequenceEqual(pred, StringComparer.Ordinal)) return;
        var missing = real.Except(pred, StringComparer.Ordinal).Take(5).ToArray();
        var extra = pred.Except(real, StringComparer.Ordinal).Take(5).ToArray();
        throw new DigitalCellException($"predicted data: genes differ from the real data ({pred.Count} vs {real.Count})" +
            (missing.Length > 0 ? $"; missing from predictions: {string.Join(", ", missing)}" : "") +
            (extra.Length > 0 ? $"; not in real data: {string.Join(", ", extra)}" : "") +
            (missing.Length == 0 && extra.Length == 0 ? "; same genes in another order — reorder the predictions to the real var_names" : "") + ".");
    }

    /// <summary>One side (real or predicted): means, control mean, lazily DE and cells.</summary>
    private sealed class Side(CellDataset data, string column, string control, string[] perturbations, string name)
    {
        private readonly PseudobulkProfiles _bulk = data.Pseudobulk(column);
        private IReadOnlyList<DifferentialExpressionTable>? _de;

        public IReadOnlyList<double[]> Means => perturbations.Select(Mean).ToArray();

        public double[] ControlMean => Mean(control);

        private double[] Mean(string label)
        {
            var profile = _bulk.Profile(label);
            var result = new double[profile.Length];
            for (int g = 0; g < result.Length; g++) result[g] = profile[g];
            return result;
        }

        public IReadOnlyList<DifferentialExpressionTable> DifferentialExpression(ScoringMode mode)
        {
            if (_de is not null) return _de;
            var options = (mode.GlobalFdr ? DifferentialExpressionOptions.Vcc2025 : DifferentialExpressionOptions.CellEval) with { Groups = perturbations };
            if (mode.ClippedFoldChange != (options.FoldChange == FoldChangeConvention.Vcc2025))
                options = options with { FoldChange = mode.ClippedFoldChange ? FoldChangeConvention.Vcc2025 : FoldChangeConvention.Pdex };
            var result = data.DifferentialExpression(column, control, options);
            return _de = perturbations.Select(p => { var g = result.For(p); return new DifferentialExpressionTable(g.Log2FoldChange, g.AdjustedPValue); }).ToArray();
        }

        public ScoringCells Cells()
        {
            var labels = PerturbationTrainingSet.CellLabels(data, column);
            CellMatrix Rows(string label)
            {
                var rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
                if (rows.Length == 0) throw new DigitalCellException($"{name} data: no cells labelled '{label}'.");
                return data.X.SelectRows(rows);
            }
            return new ScoringCells(perturbations.Select(Rows).ToArray(), Rows(control));
        }
    }
}
