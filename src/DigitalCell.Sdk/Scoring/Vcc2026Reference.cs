using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The measured side of VCC 2026 scoring, prepared once for every submission: per context, the reference groups, their
/// DE tables, and the two anchors each metric is scaled by (brief §0): the baseline b — the context's mean
/// perturbation response (equal-weight mean of each perturbation's mean counts, given to every perturbation with its
/// cell count and scored as a submission) — and the replicate r — each perturbation's and the control's cells split
/// into two random halves, one half scored against the other with its own control, averaged over
/// <see cref="Splits"/> seeded splits.
/// </summary>
/// <remarks>
/// Differences from the competition's bundles: the baseline averages every perturbation of the context (the brief's
/// cell-count and knockdown filter needs guide-level data we do not have), and the DE filter of the halves reads the
/// full control.
/// </remarks>
public sealed class Vcc2026Reference
{
    /// <summary>The brief's <c>n_splits</c>.</summary>
    public const int Splits = 5;

    /// <summary>The step name of the progress reports: one unit per context's baseline and per replicate split.</summary>
    public const string ProgressStep = "VCC 2026 anchors";

    private readonly (int[] Rows, Vcc2026Panel Panel, Vcc2026Side Side)[] _contexts;

    internal Vcc2026Reference(IReadOnlyList<ScoringUnit> units, IReadOnlyList<string> genes, ScoringCells real,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var anchors = new List<Vcc2026Anchor>();
        int contexts = units.Select(u => u.Context).Distinct().Count(), done = 0;
        void Done() => progress?.Report(new WorkProgress(ProgressStep, ++done, contexts * (1 + Splits)));
        _contexts = units.Select((u, i) => (u, i)).GroupBy(x => x.u.Context).Select(group =>
        {
            var rows = group.Select(x => x.i).ToArray();
            var control = new Vcc2026Group(real.Controls[rows[0]]);
            var panel = new Vcc2026Panel(group.Key, rows.Select(i => units[i]).ToArray(), genes, control);
            var side = new Vcc2026Side(rows.Select(i => new Vcc2026Group(real.Perturbations[i])).ToArray(), control);
            cancellationToken.ThrowIfCancellationRequested();
            var baseline = Vcc2026Evaluation.Evaluate(panel, side, new Vcc2026Side(BaselineGroups(side), control));
            Done();
            var replicates = Enumerable.Range(0, Splits).Select(s =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                var controlA = Half(real.Controls[rows[0]], s, group.Key, ControlKey, out var controlB);
                var (unitsA, unitsB) = (new Vcc2026Group[rows.Length], new Vcc2026Group[rows.Length]);
                for (int k = 0; k < rows.Length; k++)
                    unitsA[k] = Half(real.Perturbations[rows[k]], s, group.Key, units[rows[k]].Perturbation, out unitsB[k]);
                var sideA = new Vcc2026Side(unitsA, controlA);
                var sideB = new Vcc2026Side(unitsB, controlB);
                var values = Vcc2026Evaluation.Evaluate(panel, sideB, sideA, nmaeGate: side.DifferentialExpression(panel.FilteredGenes, genes));
                Done();
                return values;
            }).ToArray();
            foreach (var metric in Vcc2026Metrics.Names)
            {
                var r = replicates.Select(v => v.Aggregate(metric)).ToArray();
                double mean = r.Average();
                anchors.Add(new Vcc2026Anchor(group.Key, metric, baseline.Aggregate(metric), mean,
                    Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1)), rows.Length));
            }
            return (rows, panel, side);
        }).ToArray();
        Anchors = anchors;
    }

    /// <summary>The baseline and replicate value of every metric in every context.</summary>
    public IReadOnlyList<Vcc2026Anchor> Anchors { get; }

    /// <summary>The anchor of <paramref name="metric"/> in <paramref name="context"/>.</summary>
    public Vcc2026Anchor Anchor(string? context, string metric) =>
        Anchors.First(a => a.Context == context && a.Metric == metric);

    /// <summary>Scores predicted cells (same units, log1p-normalised) against the reference, context by context.</summary>
    internal Vcc2026Comparison Compare(ScoringCells predicted)
    {
        var evaluations = _contexts.Select(c => (c.Rows, c.Panel.Context, Values: Vcc2026Evaluation.Evaluate(c.Panel, c.Side,
            new Vcc2026Side(c.Rows.Select(i => new Vcc2026Group(predicted.Perturbations[i])).ToArray(), c.Side.Control)))).ToArray();
        return new Vcc2026Comparison(this, evaluations, _contexts.Sum(c => c.Rows.Length));
    }

    /// <summary>The context-mean submission: every unit gets its cell count of copies of the mean response.</summary>
    private static Vcc2026Group[] BaselineGroups(Vcc2026Side side)
    {
        int genes = side.Control.Sum.Length;
        var mean = new double[genes];
        foreach (var unit in side.Units)
        {
            var m = unit.MeanCounts();
            for (int g = 0; g < genes; g++) mean[g] += m[g] / side.Units.Count;
        }
        var row = mean.Select(v => (float)Math.Log(1 + v)).ToArray();
        return side.Units.Select(u =>
        {
            var values = new float[(long)u.CellCount * genes];
            for (int c = 0; c < u.CellCount; c++) row.CopyTo(values, (long)c * genes);
            return new Vcc2026Group(new DenseCellMatrix(u.CellCount, genes, values));
        }).ToArray();
    }

    /// <summary>A seeded random half of a group's cells; <paramref name="rest"/> receives the other cells.</summary>
    private static Vcc2026Group Half(CellMatrix cells, int split, string? context, string label, out Vcc2026Group rest)
    {
        var (a, b) = HalfRows(cells.RowCount, split, context, label);
        rest = new Vcc2026Group(cells.SelectRows(b));
        return new Vcc2026Group(cells.SelectRows(a));
    }

    /// <summary>
    /// The rows of split <paramref name="split"/>'s two halves of a group of <paramref name="count"/> cells (⌊n/2⌋ and
    /// the rest, each in row order), seeded by the split and the group so every run draws the same halves.
    /// </summary>
    internal static (int[] A, int[] B) HalfRows(int count, int split, string? context, string label)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(Seeds.Derive(split, $"vcc2026-replicate/{context}/{label}")).Shuffle(order);
        int half = count / 2;
        return (order[..half].Order().ToArray(), order[half..].Order().ToArray());
    }

    /// <summary>The label of the control group in <see cref="HalfRows"/>' seeds.</summary>
    internal const string ControlKey = "\u0001control";

    /// <summary>
    /// s = (u − b)/(r − b): 0 is the baseline, 1 a repeat of the experiment. With <paramref name="clamp"/>, the brief's
    /// member clamps apply (<c>expr_mse_unbiased_capped_norm</c> to [0, 1], <c>de_wilcoxon_lfc_nmae</c> floored at −6).
    /// </summary>
    public static double Scale(string metric, double user, Vcc2026Anchor anchor, bool clamp)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        double s = (user - anchor.Baseline) / (anchor.Replicate - anchor.Baseline);
        if (!clamp || double.IsNaN(s)) return s;
        return metric switch
        {
            Vcc2026Metrics.Mse => Math.Clamp(s, 0, 1),
            Vcc2026Metrics.Nmae => Math.Max(s, -6),
            _ => s,
        };
    }
}

/// <summary>One metric's anchors in one context.</summary>
/// <param name="Context">The context (null without a context column).</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="Baseline">b: the context-mean submission's value.</param>
/// <param name="Replicate">r: the mean over the split-half replicates.</param>
/// <param name="ReplicateStandardDeviation">The standard deviation of r over the splits (ddof 1): differences below it are seed noise.</param>
/// <param name="Perturbations">The perturbations of the context.</param>
public sealed record Vcc2026Anchor(string? Context, string Metric, double Baseline, double Replicate, double ReplicateStandardDeviation, int Perturbations);

/// <summary>One submission's VCC 2026 values, per unit in scoring order and per context.</summary>
internal sealed class Vcc2026Comparison
{
    private readonly Vcc2026Reference _reference;
    private readonly (int[] Rows, string? Context, Vcc2026Values Values)[] _contexts;
    private readonly int _units;

    public Vcc2026Comparison(Vcc2026Reference reference, (int[] Rows, string? Context, Vcc2026Values Values)[] contexts, int units)
    {
        (_reference, _contexts, _units) = (reference, contexts, units);
    }

    /// <summary>
    /// A metric's values in scoring order; the expression error has no per-unit value and gives one value, ΣN/ΣD over
    /// every context's units.
    /// </summary>
    public double?[] Values(string metric)
    {
        if (metric == Vcc2026Metrics.Mse)
        {
            double d = _contexts.Sum(c => c.Values.Denominator.Sum());
            return [d != 0 ? _contexts.Sum(c => c.Values.Numerator.Sum()) / d : double.NaN];
        }
        var result = new double?[_units];
        foreach (var (rows, _, values) in _contexts)
            for (int k = 0; k < rows.Length; k++) result[rows[k]] = values.PerUnit(metric)[k];
        return result;
    }

    /// <summary>The metric's scaled score: the mean over contexts of each context's (u − b)/(r − b).</summary>
    public double Scaled(string metric, bool clamp) =>
        _contexts.Average(c => Vcc2026Reference.Scale(metric, c.Values.Aggregate(metric), _reference.Anchor(c.Context, metric), clamp));
}
