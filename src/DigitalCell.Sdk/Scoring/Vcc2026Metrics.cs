namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The Virtual Cell Challenge 2026 suite (cell-eval2's <c>vcc2026</c> profile, rule_version 3;
/// <c>docs/vcc2026_metrics/vcc2026-metrics-brief.md</c>): six metrics on counts, each scaled by
/// s = (u − b)/(r − b) against its context's baseline b and split-half replicate r (<see cref="Vcc2026Reference"/>),
/// unclipped except for the brief's two member clamps; a context's score is the equal-weight mean of the six.
/// </summary>
public static class Vcc2026Metrics
{
    internal const string Pds = "pds_cosine";
    internal const string Mse = "expr_mse_unbiased_capped_norm";
    internal const string Fidelity = "de_wilcoxon_direction_fidelity_yield_raw";
    internal const string Reach = "de_wilcoxon_direction_reach_raw";
    internal const string Jaccard = "de_wilcoxon_sig_jaccard";
    internal const string Nmae = "de_wilcoxon_lfc_nmae";

    /// <summary>Brief §1: 1 − normalised mid-rank of the true perturbation among its context's measured effects by cosine distance, panel targets removed.</summary>
    public static Metric PdsCosine { get; } = Make(Pds, MetricBest.One, true,
        "1 − k/(n − 1) with k the mid-rank of the own measured effect among the context's effects by cosine distance to the predicted effect (bulk log(1 + 5·10⁴·P/ΣP) profiles minus the reference control), all panel target genes removed (VCC 2026, cell-eval2 brief §1).");

    /// <summary>Brief §2: the noise-corrected squared error of the bulk profile as a fraction of the measured effect, ΣN/ΣD over the panel.</summary>
    public static Metric ExpressionError { get; } = Make(Mse, MetricBest.Zero, false,
        "Σ_p N_p / Σ_p D_p: squared error of the predicted bulk profile, less the jackknife sampling corrections (prediction credit capped by ρ), over the measured effect's squared size less its corrections; own target gene excluded (VCC 2026, cell-eval2 brief §2).");

    /// <summary>Brief §4: correctly signed significant calls over max(#predicted calls, #reference calls).</summary>
    public static Metric DirectionFidelity { get; } = Make(Fidelity, MetricBest.One, true,
        "k / max(n_pred, n_real): the predicted significant, adjudicable genes whose log2 fold change has the reference's sign, over the larger of the two call counts (Wilcoxon on CPM, 5 CPM control filter, BH per perturbation; VCC 2026, cell-eval2 brief §4).");

    /// <summary>Brief §5: the deepest prefix of the submission's ranking of the reference's calls with ≥ 90 % correct signs, over the calls.</summary>
    public static Metric DirectionReach { get; } = Make(Reach, MetricBest.One, true,
        "k*/n_real: the deepest prefix of the reference's significant genes, ordered by the prediction's confidence, whose adjudicable genes have ≥ 90 % correct signs (VCC 2026, cell-eval2 brief §5).");

    /// <summary>Brief §6: Jaccard index of the significant gene sets (empty union = 1).</summary>
    public static Metric SignificantJaccard { get; } = Make(Jaccard, MetricBest.One, true,
        "|R ∩ R̂| / |R ∪ R̂| of the reference's and the prediction's significant genes, own target excluded, 1 when both are empty (VCC 2026, cell-eval2 brief §6).");

    /// <summary>Brief §7: normalised mean absolute error of log2 fold changes over the reference's significant genes (≥ 10).</summary>
    public static Metric FoldChangeError { get; } = Make(Nmae, MetricBest.Zero, true,
        "Σ|lfĉ − lfc| / Σ|lfc| over the reference's significant genes with a finite lfc (scored when ≥ 10; a non-finite prediction reads as 0) (VCC 2026, cell-eval2 brief §7).");

    /// <summary>The six, in the brief's order.</summary>
    public static IReadOnlyList<Metric> All { get; } = [PdsCosine, ExpressionError, DirectionFidelity, DirectionReach, SignificantJaccard, FoldChangeError];

    internal static IReadOnlyList<string> Names { get; } = [Pds, Mse, Fidelity, Reach, Jaccard, Nmae];

    /// <summary>True for the six anchored metrics.</summary>
    public static bool IsVcc2026(Metric metric) => metric is not null && Names.Contains(metric.Name);

    private static Metric Make(string name, MetricBest best, bool perPerturbation, string description) =>
        new(name, best, perPerturbation, MetricNeeds.Cells | MetricNeeds.Vcc2026Anchors, description, (input, _) => input.Vcc2026Comparison(name).Values(name));
}
