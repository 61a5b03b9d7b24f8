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
/// <para>With a context column (cell line, type or donor) every perturbation is scored once per context it was
/// measured in, against the controls of that context only — on both sides; DE runs per context.</para>
/// <para>Pseudobulk means come from <see cref="PseudobulkAggregation"/>; differential expression from
/// <see cref="DifferentialExpressionAnalysis"/> with <see cref="DifferentialExpressionOptions.CellEval"/> or
/// <see cref="DifferentialExpressionOptions.Vcc2025"/> by mode, each perturbation against the control of the same
/// dataset and context (pdex <c>mode="ref"</c>). DE, cells and top-DE genes are only prepared when a requested
/// metric declares it needs them (<see cref="Metric.Needs"/>).</para>
/// </remarks>
public sealed class ScoringInputBuilder
{
    private readonly CellDataset _real;
    private readonly string _column;
    private readonly string _control;
    private readonly string? _contextColumn;
    private readonly ScoringMode _mode;
    private readonly ScoringUnit[] _units;
    private readonly Side _realSide;
    private int[][]? _topDe;
    private ScoringCells? _realCells;
    private Vcc2026Reference? _vcc2026;

    /// <summary>Validates the real dataset and prepares what every prediction is compared with.</summary>
    /// <param name="real">Observed cells (log1p-normalised X).</param>
    /// <param name="perturbationColumn">The obs column with perturbation labels.</param>
    /// <param name="control">The control label.</param>
    /// <param name="mode">Scoring definitions (selects the DE convention).</param>
    /// <param name="contextColumn">Optional obs column with the context; each perturbation is then compared with its own context's controls.</param>
    /// <exception cref="DigitalCellException">Missing column, a context without control cells, no perturbation, or a perturbation with fewer than 2 cells.</exception>
    public ScoringInputBuilder(CellDataset real, string perturbationColumn, string control, ScoringMode mode, string? contextColumn = null)
    {
        _real = real ?? throw new ArgumentNullException(nameof(real));
        _column = perturbationColumn;
        _control = control;
        _contextColumn = contextColumn;
        _mode = mode ?? throw new ArgumentNullException(nameof(mode));
        var labels = PerturbationTrainingSet.CellLabels(real, perturbationColumn);
        var contexts = ContextsOf(real, contextColumn);
        var counts = labels.Select((l, i) => new ScoringUnit(l, contexts[i])).GroupBy(u => u).ToDictionary(g => g.Key, g => g.Count());
        if (!labels.Contains(control, StringComparer.Ordinal))
            throw new DigitalCellException($"real data: no control cells labelled '{control}' in obs column '{perturbationColumn}'. " +
                                           $"Labels: {string.Join(", ", labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(10))}{(labels.Distinct().Count() > 10 ? ", …" : "")}.");
        // cell-eval sorts perturbations with np.unique (ordinal string order); contexts first, in the same order.
        _units = counts.Keys.Where(u => u.Perturbation != control)
            .OrderBy(u => u.Context ?? "", StringComparer.Ordinal).ThenBy(u => u.Perturbation, StringComparer.Ordinal).ToArray();
        if (_units.Length == 0) throw new DigitalCellException($"real data: only control cells in obs column '{perturbationColumn}'; nothing to score.");
        var uncontrolled = _units.Select(u => u.Context).Distinct().Where(c => !counts.ContainsKey(new ScoringUnit(control, c))).ToArray();
        if (uncontrolled.Length > 0)
            throw new DigitalCellException($"real data: context(s) {string.Join(", ", uncontrolled.Select(c => $"'{c}'"))} of obs column '{contextColumn}' have no '{control}' cells; " +
                                           "a perturbation is only compared with controls of its own context.");
        var single = _units.Where(u => counts[u] < 2).ToArray();
        if (single.Length > 0)
            throw new DigitalCellException($"real data: perturbation(s) with a single cell cannot be tested for differential expression or averaged reliably: {string.Join(", ", single.Select(u => u.Id))}. Remove them before scoring.");
        _realSide = new Side(real, perturbationColumn, labels, contexts, control, _units, "real");
    }

    /// <summary>The scored units' ids, in scoring order (see <see cref="ScoringInput.Perturbations"/>).</summary>
    public IReadOnlyList<string> Perturbations => _units.Select(u => u.Id).ToArray();

    /// <summary>The scored (context, perturbation) units, in scoring order.</summary>
    public IReadOnlyList<ScoringUnit> Units => _units;

    /// <summary>Systema's perturbed reference to attach to every input (mean of training perturbation centroids), if known.</summary>
    public double[]? PerturbedReference { get; init; }

    /// <summary>Builds the comparison of <paramref name="predicted"/> with the real data for the given metrics.</summary>
    /// <param name="predicted">The predicted cells.</param>
    /// <param name="metrics">The metrics to prepare for.</param>
    /// <param name="progress">Receives the progress of the long steps (differential expression, the VCC 2026 anchors).</param>
    /// <exception cref="DigitalCellException">Gene names or order differ, labels differ, or the prediction lacks control cells.</exception>
    public ScoringInput Build(CellDataset predicted, IReadOnlyList<Metric> metrics, IProgress<WorkProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(metrics);
        CheckGenes(predicted);
        var predLabels = PerturbationTrainingSet.CellLabels(predicted, _column);
        var predContexts = ContextsOf(predicted, _contextColumn);
        var predUnits = predLabels.Select((l, i) => new ScoringUnit(l, predContexts[i])).ToHashSet();
        var missingControl = _units.Select(u => u.Context).Distinct().Where(c => !predUnits.Contains(new ScoringUnit(_control, c))).ToArray();
        if (missingControl.Length > 0)
            throw new DigitalCellException($"predicted data: no control cells labelled '{_control}'" + (_contextColumn is null ? "" : $" in context(s) {string.Join(", ", missingControl)}") +
                                           "; cell-eval compares each side with its own control (copy the real controls in if the model does not predict them).");
        var expected = _units.ToHashSet();
        var missing = _units.Where(u => !predUnits.Contains(u)).Select(u => u.Id).ToArray();
        var extra = predUnits.Where(u => u.Perturbation != _control && !expected.Contains(u)).Select(u => u.Id).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
            throw new DigitalCellException("predicted data: perturbations differ from the real data" +
                (missing.Length > 0 ? $"; missing: {string.Join(", ", missing.Take(10))}" : "") + (extra.Length > 0 ? $"; not in real: {string.Join(", ", extra.Take(10))}" : "") + ".");
        var pred = new Side(predicted, _column, predLabels, predContexts, _control, _units, "predicted");
        var needs = metrics.Aggregate(MetricNeeds.Means, (all, m) => all | m.Needs);
        bool de = needs.HasFlag(MetricNeeds.DifferentialExpression), cells = needs.HasFlag(MetricNeeds.Cells);
        if (cells) _realCells ??= _realSide.Cells();
        // The anchors read the real data alone: built once, shared by every model scored against it.
        if (needs.HasFlag(MetricNeeds.Vcc2026Anchors)) _vcc2026 ??= new Vcc2026Reference(_units, _real.GeneNames, _realCells!, progress: progress);
        return new ScoringInput(_units, _real.GeneNames, _realSide.Means, pred.Means, _realSide.ControlMeans, pred.ControlMeans)
        {
            RealDifferentialExpression = de ? _realSide.DifferentialExpression(_mode, progress) : null,
            PredictedDifferentialExpression = de ? pred.DifferentialExpression(_mode, progress) : null,
            RealCells = cells ? _realCells : null,
            PredictedCells = cells ? pred.Cells() : null,
            TopDifferentiallyExpressedGenes = needs.HasFlag(MetricNeeds.TopDifferentiallyExpressedGenes) ? TopDe() : null,
            PerturbedReference = PerturbedReference,
            Vcc2026Reference = _vcc2026,
        };
    }

    /// <summary>
    /// GEARS' top-20 DE genes of each unit: scanpy's default <c>rank_genes_groups</c> test (Welch t-test) against the
    /// control of its context, ranked by |t| (<c>rankby_abs=True</c>); an undefined t (no variance) counts as 0 as in scanpy.
    /// </summary>
    private int[][] TopDe() => _topDe ??= _realSide.PerContext((data, units) =>
    {
        var labels = units.Select(u => u.Perturbation).ToArray();
        var result = data.DifferentialExpression(_column, _control, new DifferentialExpressionOptions { Method = DifferentialExpressionMethod.TTest, Groups = labels });
        return TopByAbsoluteStatistic(result, labels, 20);
    });

    internal static int[][] TopByAbsoluteStatistic(DifferentialExpressionResult result, IReadOnlyList<string> perturbations, int n) =>
        perturbations.Select(p =>
        {
            var t = result.For(p).Statistic;
            return Enumerable.Range(0, t.Length).OrderByDescending(g => double.IsNaN(t[g]) ? 0 : Math.Abs(t[g])).Take(n).ToArray();
        }).ToArray();

    /// <summary>The context of every cell (all null without a context column).</summary>
    private static string?[] ContextsOf(CellDataset data, string? column) =>
        column is null ? new string?[data.CellCount] : PerturbationTrainingSet.CellLabels(data, column);

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

    /// <summary>One side (real or predicted): means per unit, its context's control mean, lazily DE and cells.</summary>
    private sealed class Side
    {
        private readonly CellDataset _data;
        private readonly string _column;
        private readonly string[] _labels;
        private readonly string?[] _contexts;
        private readonly string _control;
        private readonly ScoringUnit[] _units;
        private readonly string _name;
        private readonly PseudobulkProfiles _bulk;
        private IReadOnlyList<DifferentialExpressionTable>? _de;

        public Side(CellDataset data, string column, string[] labels, string?[] contexts, string control, ScoringUnit[] units, string name)
        {
            (_data, _column, _labels, _contexts, _control, _units, _name) = (data, column, labels, contexts, control, units, name);
            _bulk = PseudobulkAggregation.Compute(data.X, labels.Select((l, i) => Key(new ScoringUnit(l, contexts[i]))).ToArray(), data.GeneNames);
            Means = units.Select(u => Mean(u)).ToArray();
            var controls = units.Select(u => u.Context).Distinct().ToDictionary(c => c ?? "", c => Mean(new ScoringUnit(control, c)), StringComparer.Ordinal);
            ControlMeans = units.Select(u => controls[u.Context ?? ""]).ToArray();
        }

        public IReadOnlyList<double[]> Means { get; }

        public IReadOnlyList<double[]> ControlMeans { get; }

        // A separator no label contains, so (context, perturbation) pairs never collide.
        private static string Key(ScoringUnit unit) => (unit.Context ?? "") + "\u001f" + unit.Perturbation;

        private double[] Mean(ScoringUnit unit)
        {
            var profile = _bulk.Profile(Key(unit));
            var result = new double[profile.Length];
            for (int g = 0; g < result.Length; g++) result[g] = profile[g];
            return result;
        }

        /// <summary>
        /// Runs <paramref name="analyse"/> on each context's cells (its units and controls) and returns one result per
        /// unit in scoring order.
        /// </summary>
        public T[] PerContext<T>(Func<CellDataset, ScoringUnit[], T[]> analyse)
        {
            var results = new T[_units.Length];
            foreach (var group in _units.Select((u, i) => (u, i)).GroupBy(x => x.u.Context))
            {
                var rows = Enumerable.Range(0, _labels.Length).Where(i => string.Equals(_contexts[i], group.Key, StringComparison.Ordinal)).ToArray();
                var subset = group.Key is null ? _data : _data.SelectCells(rows);
                var units = group.Select(x => x.u).ToArray();
                var values = analyse(subset, units);
                foreach (var (x, k) in group.Select((x, k) => (x, k))) results[x.i] = values[k];
            }
            return results;
        }

        public IReadOnlyList<DifferentialExpressionTable> DifferentialExpression(ScoringMode mode, IProgress<WorkProgress>? progress)
        {
            if (_de is not null) return _de;
            var options = mode.GlobalFdr ? DifferentialExpressionOptions.Vcc2025 : DifferentialExpressionOptions.CellEval;
            if (mode.ClippedFoldChange != (options.FoldChange == FoldChangeConvention.Vcc2025))
                options = options with { FoldChange = mode.ClippedFoldChange ? FoldChangeConvention.Vcc2025 : FoldChangeConvention.Pdex };
            return _de = PerContext((data, units) =>
            {
                var labels = units.Select(u => u.Perturbation).ToArray();
                var result = data.DifferentialExpression(_column, _control, options with { Groups = labels }, progress);
                return labels.Select(p => { var g = result.For(p); return new DifferentialExpressionTable(g.Log2FoldChange, g.AdjustedPValue); }).ToArray();
            });
        }

        public ScoringCells Cells()
        {
            var controls = new Dictionary<string, CellMatrix>(StringComparer.Ordinal);
            CellMatrix Rows(ScoringUnit unit)
            {
                var rows = Enumerable.Range(0, _labels.Length)
                    .Where(i => _labels[i] == unit.Perturbation && string.Equals(_contexts[i], unit.Context, StringComparison.Ordinal)).ToArray();
                if (rows.Length == 0) throw new DigitalCellException($"{_name} data: no cells of '{new ScoringUnit(unit.Perturbation, unit.Context).Id}'.");
                return _data.X.SelectRows(rows);
            }
            CellMatrix Control(string? context)
            {
                string key = context ?? "";
                if (!controls.TryGetValue(key, out var m)) controls[key] = m = Rows(new ScoringUnit(_control, context));
                return m;
            }
            return new ScoringCells(_units.Select(Rows).ToArray(), _units.Select(u => Control(u.Context)).ToArray());
        }

    }
}
