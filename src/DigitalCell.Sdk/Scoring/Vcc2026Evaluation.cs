namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The six VCC 2026 definitions on one context (cell-eval2 <c>docs/vcc2026_metrics/vcc2026-metrics-brief.md</c>,
/// <c>configs/vcc2026.yaml</c>, rule_version 3): a submission side scored against a reference side. Per-unit values are
/// null where the brief drops the unit from the mean.
/// </summary>
internal static class Vcc2026Evaluation
{
    /// <summary>The brief's <c>REACH_PURITY_FLOOR</c> P₀ as a fraction 9/10 (compared in integers: 10·good ≥ 9·k).</summary>
    private const int PurityNumerator = 9, PurityDenominator = 10;

    /// <summary>The brief's <c>min_gate_size</c> of the fold-change accuracy (§7).</summary>
    public const int MinGateSize = 10;

    /// <summary>Scores <paramref name="submission"/> against <paramref name="reference"/> on one context's panel.</summary>
    /// <param name="panel">Genes, targets and the DE gene filter of the context.</param>
    /// <param name="reference">The measured groups and their control.</param>
    /// <param name="submission">The predicted groups and the control their effects and DE are measured against.</param>
    /// <param name="nmaeGate">
    /// The DE tables that fix §7's gate and denominator (the full reference's, for the split-half replicate); null:
    /// the reference's own.
    /// </param>
    public static Vcc2026Values Evaluate(Vcc2026Panel panel, Vcc2026Side reference, Vcc2026Side submission, Vcc2026DeTable[]? nmaeGate = null)
    {
        int n = panel.Units.Count;
        var values = new Vcc2026Values(n);
        Discrimination(panel, reference, submission, values.Pds);
        ExpressionError(panel, reference, submission, values.Numerator, values.Denominator);
        var real = reference.DifferentialExpression(panel.FilteredGenes, panel.Genes);
        var pred = submission.DifferentialExpression(panel.FilteredGenes, panel.Genes);
        for (int p = 0; p < n; p++)
        {
            var (r, s) = (real[p], pred[p]);
            var kept = Enumerable.Range(0, panel.FilteredGenes.Length).Where(j => !panel.IsTarget(p, panel.FilteredGenes[j])).ToArray();
            var realSig = kept.Where(r.Significant).ToHashSet();
            var predSig = kept.Where(s.Significant).ToHashSet();
            bool Adjudicable(int j) => !double.IsNaN(r.Log2FoldChange[j]) && r.Log2FoldChange[j] != 0;
            bool SameSign(int j) => !double.IsNaN(s.Log2FoldChange[j]) && s.Log2FoldChange[j] != 0 && Math.Sign(s.Log2FoldChange[j]) == Math.Sign(r.Log2FoldChange[j]);

            // §4: k / max(n_pred, n_real); 0/0 leaves the unit out of the mean.
            var calls = predSig.Where(Adjudicable).ToArray();
            int most = Math.Max(calls.Length, realSig.Count);
            values.Fidelity[p] = most == 0 ? null : calls.Count(SameSign) / (double)most;

            // §5: the deepest prefix of the submission's ranking of the reference's calls whose purity is ≥ P₀.
            if (realSig.Count > 0)
            {
                var order = realSig.OrderByDescending(j => s.Significant(j))
                    .ThenBy(j => NaNLast(s.AdjustedPValue[j])).ThenBy(j => NaNLast(s.PValue[j]))
                    .ThenByDescending(j => double.IsNaN(s.Log2FoldChange[j]) ? double.NegativeInfinity : Math.Abs(s.Log2FoldChange[j]))
                    .ThenBy(j => panel.Genes[panel.FilteredGenes[j]], StringComparer.Ordinal);
                int depth = 0, good = 0, deepest = 0;
                foreach (int j in order.Where(Adjudicable))
                {
                    depth++;
                    if (SameSign(j)) good++;
                    if (PurityDenominator * good >= PurityNumerator * depth) deepest = depth;
                }
                values.Reach[p] = deepest / (double)realSig.Count;
            }

            // §6: |R ∩ R̂| / |R ∪ R̂|, an empty union counting as 1.
            int union = realSig.Union(predSig).Count();
            values.Jaccard[p] = union == 0 ? 1.0 : realSig.Intersect(predSig).Count() / (double)union;

            // §7: Σ|lfĉ − lfc| / Σ|lfc| over the gate (≥ 10 genes); a missing or non-finite prediction reads as 0.
            var g = nmaeGate?[p] ?? r;
            var gate = kept.Where(j => g.Significant(j) && double.IsFinite(g.Log2FoldChange[j])).ToArray();
            double denominator = gate.Sum(j => Math.Abs(g.Log2FoldChange[j]));
            if (gate.Length >= MinGateSize && denominator > 0 && double.IsFinite(denominator))
                values.Nmae[p] = gate.Sum(j => Math.Abs(Finite(s.Log2FoldChange[j]) - Finite(r.Log2FoldChange[j]))) / denominator;
        }
        return values;
    }

    /// <summary>
    /// §1: cosine distance of each predicted effect to every measured effect of the context, panel targets removed
    /// (distance 1 when either vector is zero); PDS_p = 1 − k_p/(n − 1) with tied blocks at their mid-rank.
    /// </summary>
    private static void Discrimination(Vcc2026Panel panel, Vcc2026Side reference, Vcc2026Side submission, double?[] pds)
    {
        int n = panel.Units.Count;
        if (n < 2) return;
        var features = Enumerable.Range(0, panel.Genes.Count).Where(g => !panel.IsPanelTarget(g)).ToArray();
        double[] Effect(double[] profile, double[] origin) => features.Select(g => profile[g] - origin[g]).ToArray();
        var real = reference.Units.Select(u => Effect(u.Profile, reference.Control.Profile)).ToArray();
        for (int p = 0; p < n; p++)
        {
            var predicted = Effect(submission.Units[p].Profile, submission.Control.Profile);
            var d = real.Select(q => CosineDistance(predicted, q)).ToArray();
            double own = d[p];
            int below = d.Count(x => x < own), tied = d.Count(x => x == own);
            pds[p] = 1 - (below + 0.5 * (tied - 1)) / (n - 1);
        }
    }

    /// <summary>§2: the capped, noise-corrected numerator N_p and the denominator D_p of each unit.</summary>
    private static void ExpressionError(Vcc2026Panel panel, Vcc2026Side reference, Vcc2026Side submission, double[] numerator, double[] denominator)
    {
        int n = panel.Units.Count, genes = panel.Genes.Count;
        var kept = new int[n];
        var credit = new double[n];
        for (int p = 0; p < n; p++)
        {
            kept[p] = genes - panel.TargetCount(p);
            credit[p] = Math.Min(submission.Units[p].Jackknife, reference.Units[p].Jackknife);
        }
        // B: the submission's across-perturbation spread, each unit weighted 1/G_p, over the units retaining each gene.
        double spread = 0;
        for (int g = 0; g < genes; g++)
        {
            double weights = 0, weighted = 0;
            for (int p = 0; p < n; p++)
                if (!panel.IsTarget(p, g)) { weights += 1.0 / kept[p]; weighted += submission.Units[p].Profile[g] / kept[p]; }
            if (weights == 0) continue;
            double mean = weighted / weights;
            for (int p = 0; p < n; p++)
                if (!panel.IsTarget(p, g)) { double d = submission.Units[p].Profile[g] - mean; spread += d * d / kept[p]; }
        }
        double credited = Enumerable.Range(0, n).Sum(p => credit[p] / kept[p]);
        double rho = credited > 0 ? Math.Min(1, spread / credited) : 1;
        var control = reference.Control;
        for (int p = 0; p < n; p++)
        {
            double error = 0, effect = 0;
            var (pred, real) = (submission.Units[p].Profile, reference.Units[p].Profile);
            for (int g = 0; g < genes; g++)
            {
                if (panel.IsTarget(p, g)) continue;
                error += (pred[g] - real[g]) * (pred[g] - real[g]);
                effect += (real[g] - control.Profile[g]) * (real[g] - control.Profile[g]);
            }
            double c = reference.Units[p].Jackknife;
            numerator[p] = (error - rho * credit[p] - c) / kept[p];
            denominator[p] = (effect - c - control.Jackknife) / kept[p];
        }
    }

    private static double CosineDistance(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return na == 0 || nb == 0 ? 1 : 1 - dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }

    private static double NaNLast(double p) => double.IsNaN(p) ? double.PositiveInfinity : p;

    private static double Finite(double x) => double.IsFinite(x) ? x : 0;
}

/// <summary>The per-unit values of one context's evaluation, and their panel aggregates.</summary>
internal sealed class Vcc2026Values(int units)
{
    public double?[] Pds { get; } = new double?[units];
    public double[] Numerator { get; } = new double[units];
    public double[] Denominator { get; } = new double[units];
    public double?[] Fidelity { get; } = new double?[units];
    public double?[] Reach { get; } = new double?[units];
    public double?[] Jaccard { get; } = new double?[units];
    public double?[] Nmae { get; } = new double?[units];

    /// <summary>The per-unit values of a per-perturbation metric.</summary>
    public double?[] PerUnit(string metric) => metric switch
    {
        Vcc2026Metrics.Pds => Pds,
        Vcc2026Metrics.Fidelity => Fidelity,
        Vcc2026Metrics.Reach => Reach,
        Vcc2026Metrics.Jaccard => Jaccard,
        Vcc2026Metrics.Nmae => Nmae,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "not a per-perturbation VCC 2026 metric"),
    };

    /// <summary>
    /// The context's value of a metric: ΣN/ΣD for the expression error (no per-unit value), else the mean over the units
    /// where it is defined; NaN when none is.
    /// </summary>
    public double Aggregate(string metric)
    {
        if (metric == Vcc2026Metrics.Mse) return Denominator.Sum() is var d && d != 0 ? Numerator.Sum() / d : double.NaN;
        var defined = PerUnit(metric).Where(v => v is double x && !double.IsNaN(x)).Select(v => v!.Value).ToArray();
        return defined.Length == 0 ? double.NaN : defined.Average();
    }
}
