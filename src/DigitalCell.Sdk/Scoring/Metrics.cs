using System.Globalization;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The metric catalog: cell-eval's registry (names and definitions of cell-eval 0.8.1, <c>metrics/_anndata.py</c>,
/// <c>metrics/_de.py</c>, <c>_types/_de.py</c>), GEARS' top-20-DE metrics and Systema's perturbed-reference Pearson
/// delta, plus the profiles (sets) cell-eval and the Virtual Cell Challenge use.
/// </summary>
public static class Metrics
{
    /// <summary>Pearson r over genes of Δ_pred(p) vs Δ_real(p), each against its own control (cell-eval <c>pearson_delta</c>).</summary>
    public static Metric PearsonDelta { get; } = PerPerturbation("pearson_delta", MetricBest.One,
        "Pearson r of predicted vs observed change from control, each against its own control (cell-eval).",
        (d, p) => Numerics.Pearson(d.PredictedDelta(p), d.RealDelta(p)));

    /// <summary>Mean squared error over genes of the mean profiles (cell-eval <c>mse</c>).</summary>
    public static Metric Mse { get; } = PerPerturbation("mse", MetricBest.Zero, "MSE over genes of predicted vs observed mean profile (cell-eval).",
        (d, p) => Numerics.MeanSquaredError(d.PredictedMeans[p], d.RealMeans[p]));

    /// <summary>Mean absolute error over genes of the mean profiles — the VCC MAE (cell-eval <c>mae</c>).</summary>
    public static Metric Mae { get; } = PerPerturbation("mae", MetricBest.Zero, "MAE over genes of predicted vs observed mean profile (cell-eval; Virtual Cell Challenge MAE).",
        (d, p) => Numerics.MeanAbsoluteError(d.PredictedMeans[p], d.RealMeans[p]));

    /// <summary>MSE of the changes from control (cell-eval <c>mse_delta</c>).</summary>
    public static Metric MseDelta { get; } = PerPerturbation("mse_delta", MetricBest.Zero, "MSE over genes of predicted vs observed change from own control (cell-eval).",
        (d, p) => Numerics.MeanSquaredError(d.PredictedDelta(p), d.RealDelta(p)));

    /// <summary>MAE of the changes from control (cell-eval <c>mae_delta</c>).</summary>
    public static Metric MaeDelta { get; } = PerPerturbation("mae_delta", MetricBest.Zero, "MAE over genes of predicted vs observed change from own control (cell-eval).",
        (d, p) => Numerics.MeanAbsoluteError(d.PredictedDelta(p), d.RealDelta(p)));

    /// <summary>The perturbation discrimination score with L1 distance — the VCC PDS (cell-eval <c>discrimination_score_l1</c>).</summary>
    public static Metric DiscriminationScoreL1 { get; } = Discrimination("l1", Distances.L1);

    /// <summary>The discrimination score with Euclidean distance (cell-eval <c>discrimination_score_l2</c>).</summary>
    public static Metric DiscriminationScoreL2 { get; } = Discrimination("l2", Distances.L2);

    /// <summary>The discrimination score with cosine distance (cell-eval <c>discrimination_score_cosine</c>).</summary>
    public static Metric DiscriminationScoreCosine { get; } = Discrimination("cosine", Distances.Cosine);

    /// <summary>The differential-expression score of the VCC: overlap of the top-k predicted DE genes with the k true DE genes (cell-eval <c>overlap_at_N</c>).</summary>
    public static Metric OverlapAtN { get; } = Overlap(null, precision: false);

    /// <summary>Precision of the predicted DE genes (cell-eval <c>precision_at_N</c>).</summary>
    public static Metric PrecisionAtN { get; } = Overlap(null, precision: true);

    /// <summary><c>overlap_at_{k}</c>: overlap of the top-k true and predicted DE genes divided by min(k, #true).</summary>
    public static Metric OverlapAt(int k) => Overlap(k, precision: false);

    /// <summary><c>precision_at_{k}</c>: overlap of the top-k true and predicted DE genes divided by min(k, #predicted).</summary>
    public static Metric PrecisionAt(int k) => Overlap(k, precision: true);

    /// <summary>Among truly significant genes, the fraction whose predicted log2FC has the same sign (cell-eval <c>de_direction_match</c>).</summary>
    public static Metric DeDirectionMatch { get; } = DePerPerturbation("de_direction_match", MetricBest.One,
        "Fraction of truly significant genes (FDR < 0.05) whose predicted log2FC sign matches (cell-eval).",
        (real, pred) =>
        {
            var sig = Enumerable.Range(0, real.Fdr.Length).Where(real.IsSignificant).ToArray();
            if (sig.Length == 0) return null;
            return sig.Count(g => SameSign((float)real.Log2FoldChange[g], (float)pred.Log2FoldChange[g])) / (double)sig.Length;
        });

    /// <summary>
    /// Equal signs of two fold changes; an undefined (NaN) fold change — e.g. the log of a negative predicted mean —
    /// matches nothing, so it counts against the prediction instead of failing the whole run.
    /// </summary>
    private static bool SameSign(float a, float b) => !float.IsNaN(a) && !float.IsNaN(b) && Math.Sign(a) == Math.Sign(b);

    /// <summary>Spearman correlation of true vs predicted log2FC over the truly significant genes (cell-eval <c>de_spearman_lfc_sig</c>).</summary>
    public static Metric DeSpearmanLfc { get; } = DePerPerturbation("de_spearman_lfc_sig", MetricBest.One,
        "Spearman r of observed vs predicted log2FC over truly significant genes (cell-eval).",
        (real, pred) =>
        {
            var sig = Enumerable.Range(0, real.Fdr.Length).Where(real.IsSignificant).ToArray();
            if (sig.Length == 0) return null;
            // cell-eval stores log2FC as float32 before correlating.
            return Numerics.Spearman(sig.Select(g => (double)(float)real.Log2FoldChange[g]).ToArray(), sig.Select(g => (double)(float)pred.Log2FoldChange[g]).ToArray());
        });

    /// <summary>Recall of the truly significant genes among the predicted significant ones (cell-eval <c>de_sig_genes_recall</c>).</summary>
    public static Metric DeSigGenesRecall { get; } = DePerPerturbation("de_sig_genes_recall", MetricBest.One,
        "#(significant in both) / #(truly significant) (cell-eval).",
        (real, pred) =>
        {
            var sig = Enumerable.Range(0, real.Fdr.Length).Where(real.IsSignificant).ToArray();
            return sig.Length == 0 ? null : sig.Count(pred.IsSignificant) / (double)sig.Length;
        });

    /// <summary>
    /// Average precision of recovering the truly significant genes from the predicted FDR (cell-eval <c>pr_auc</c>):
    /// labels = real FDR &lt; 0.05, score = −log10(predicted FDR) with exact zeros replaced by 1e-10; NaN when all labels agree.
    /// </summary>
    public static Metric PrAuc { get; } = DePerPerturbation("pr_auc", MetricBest.One,
        "Average precision of truly significant genes ranked by −log10(predicted FDR) (cell-eval; NaN when every gene has the same label).",
        (real, pred) => Ranking.AveragePrecision(Labels(real), Scores(pred)));

    /// <summary>ROC AUC of recovering the truly significant genes from the predicted FDR (cell-eval <c>roc_auc</c>).</summary>
    public static Metric RocAuc { get; } = DePerPerturbation("roc_auc", MetricBest.One,
        "ROC AUC of truly significant genes ranked by −log10(predicted FDR) (cell-eval; NaN when every gene has the same label).",
        (real, pred) => Ranking.RocAuc(Labels(real), Scores(pred)));

    private static bool[] Labels(DifferentialExpressionTable real) => Enumerable.Range(0, real.Fdr.Length).Select(real.IsSignificant).ToArray();

    // cell-eval stores FDR as float32 and replaces exact zeros by 1e-10 before −log10; an undefined FDR (a test that
    // could not run) carries no evidence, like pdex's p = 1 for failed tests.
    private static double[] Scores(DifferentialExpressionTable pred) =>
        pred.Fdr.Select(f => { double v = (float)f; return -Math.Log10(double.IsNaN(v) ? 1 : v == 0 ? 1e-10 : v); }).ToArray();

    /// <summary>Spearman correlation across perturbations of the numbers of significant genes, true vs predicted (cell-eval <c>de_spearman_sig</c>).</summary>
    public static Metric DeSpearmanSignificant { get; } = new("de_spearman_sig", MetricBest.One, perPerturbation: false, MetricNeeds.DifferentialExpression,
        "Spearman r across perturbations of #significant genes, observed vs predicted; perturbations without observed DE genes are left out; 1 when none has any (cell-eval).",
        (d, _) =>
        {
            var (real, pred) = RequireDe(d, "de_spearman_sig");
            var rows = Enumerable.Range(0, d.Perturbations.Count)
                .Select(p => (Real: (double)Enumerable.Range(0, d.Genes.Count).Count(real[p].IsSignificant), Pred: (double)Enumerable.Range(0, d.Genes.Count).Count(pred[p].IsSignificant)))
                .Where(r => r.Real > 0).ToArray();
            return [rows.Length == 0 ? 1.0 : Numerics.Spearman(rows.Select(r => r.Real).ToArray(), rows.Select(r => r.Pred).ToArray())];
        });

    /// <summary>Pearson correlation across perturbations of the true vs predicted E-distance to control (cell-eval <c>pearson_edistance</c>).</summary>
    public static Metric PearsonEDistance { get; } = new("pearson_edistance", MetricBest.One, perPerturbation: false, MetricNeeds.Cells,
        "Pearson r across perturbations of E(p, control) observed vs predicted; E = 2·mean‖x−y‖ − mean‖x−x′‖ − mean‖y−y′‖, Euclidean, means over full pairwise matrices including the zero diagonal (cell-eval).",
        (d, _) =>
        {
            var real = d.Require(d.RealCells, "observed cells", "pearson_edistance");
            var pred = d.Require(d.PredictedCells, "predicted cells", "pearson_edistance");
            return [Numerics.Pearson(CellEvalEnergyDistance.ToControl(real), CellEvalEnergyDistance.ToControl(pred))];
        });

    /// <summary>GEARS' Pearson delta over the top-20 DE genes: r(ŷ_p − c, y_p − c) with c the observed control mean (GEARS <c>pearson_delta_de</c>).</summary>
    public static Metric PearsonDeltaTop20De { get; } = PerPerturbation("pearson_delta_top20_de", MetricBest.One, MetricNeeds.TopDifferentiallyExpressedGenes,
        "Pearson r over the top-20 DE genes (t-test, |score|) of predicted vs observed mean minus the observed control mean (GEARS pearson_delta_de).",
        (d, p) =>
        {
            var genes = d.Require(d.TopDifferentiallyExpressedGenes, "GEARS top DE genes", "pearson_delta_top20_de")[p];
            var control = d.RealControls[p];
            return Numerics.Pearson(genes.Select(g => d.PredictedMeans[p][g] - control[g]).ToArray(), genes.Select(g => d.RealMeans[p][g] - control[g]).ToArray());
        });

    /// <summary>GEARS' MSE over the top-20 DE genes (GEARS <c>mse_de</c>).</summary>
    public static Metric MseTop20De { get; } = PerPerturbation("mse_top20_de", MetricBest.Zero, MetricNeeds.TopDifferentiallyExpressedGenes,
        "MSE over the top-20 DE genes (t-test, |score|) of predicted vs observed mean (GEARS mse_de).",
        (d, p) =>
        {
            var genes = d.Require(d.TopDifferentiallyExpressedGenes, "GEARS top DE genes", "mse_top20_de")[p];
            return Numerics.MeanSquaredError(Numerics.Take(d.PredictedMeans[p], genes), Numerics.Take(d.RealMeans[p], genes));
        });

    /// <summary>Systema's Pearson delta against the perturbed reference r̄ (mean of training perturbation centroids): r(ŷ_p − r̄, y_p − r̄).</summary>
    public static Metric PearsonDeltaPerturbedReference { get; } = PerPerturbation("pearson_delta_perturbed_ref", MetricBest.One, MetricNeeds.PerturbedReference,
        "Pearson r of predicted vs observed mean minus the mean of training perturbation centroids (Systema; removes the systematic perturbed-vs-control shift).",
        (d, p) =>
        {
            var r = d.Require(d.PerturbedReference, "the perturbed reference (training perturbation centroids)", "pearson_delta_perturbed_ref");
            return Numerics.Pearson(d.PredictedMeans[p].Select((v, g) => v - r[g]).ToArray(), d.RealMeans[p].Select((v, g) => v - r[g]).ToArray());
        });

    /// <summary>
    /// <c>top_{k}_accuracy</c>: 1 when the true perturbation is among the k observed effects nearest (Euclidean) to the
    /// predicted effect, else 0 — Systema's centroid accuracy for k = 1, here on changes from each side's own control.
    /// </summary>
    public static Metric TopKAccuracy(int k)
    {
        if (k < 1) throw new DigitalCellException($"top-k accuracy needs k ≥ 1, got {k}.");
        return PerPerturbationAll($"top_{k.ToString(CultureInfo.InvariantCulture)}_accuracy", MetricBest.One, MetricNeeds.Means,
            $"1 if the true perturbation is among the {k} observed effects of its context nearest (Euclidean) to the predicted effect (Systema centroid accuracy for k = 1).",
            d =>
            {
                var (real, pred) = Effects(d, signed: true);
                var genes = Enumerable.Range(0, d.Genes.Count).ToArray();
                return Enumerable.Range(0, real.Length)
                    .Select(p => (double?)(RankOfTruth(real, pred[p], p, d.SameContext(p), genes, Distances.L2) < k ? 1.0 : 0.0)).ToArray();
            });
    }

    /// <summary>The Virtual Cell Challenge trio: <c>overlap_at_N</c> (DES), <c>discrimination_score_l1</c> (PDS), <c>mae</c>.</summary>
    public static IReadOnlyList<Metric> VirtualCellChallenge { get; } = [OverlapAtN, DiscriminationScoreL1, Mae];

    /// <summary>Metrics computed from mean profiles alone (no DE, no cells).</summary>
    public static IReadOnlyList<Metric> MeanProfile { get; } =
        [PearsonDelta, Mse, Mae, MseDelta, MaeDelta, DiscriminationScoreL1, DiscriminationScoreL2, DiscriminationScoreCosine, TopKAccuracy(1), TopKAccuracy(5)];

    /// <summary>The differential-expression metrics.</summary>
    public static IReadOnlyList<Metric> DifferentialExpression { get; } =
    [
        OverlapAtN, OverlapAt(50), OverlapAt(100), OverlapAt(200), OverlapAt(500),
        PrecisionAtN, PrecisionAt(50), PrecisionAt(100), PrecisionAt(200), PrecisionAt(500),
        DeDirectionMatch, DeSpearmanLfc, DeSigGenesRecall, DeSpearmanSignificant, PrAuc, RocAuc,
    ];

    /// <summary>Everything: mean-profile, DE, E-distance, GEARS and Systema metrics.</summary>
    public static IReadOnlyList<Metric> Full { get; } =
        [.. MeanProfile, .. DifferentialExpression, PearsonEDistance, PearsonDeltaTop20De, MseTop20De, PearsonDeltaPerturbedReference];

    /// <summary>The metric named <paramref name="name"/> (<c>overlap_at_K</c>, <c>precision_at_K</c> and <c>top_K_accuracy</c> for any K).</summary>
    /// <exception cref="DigitalCellException">Unknown name; the message lists the known ones.</exception>
    public static Metric ByName(string name)
    {
        var known = Full.Concat(Vcc2026Metrics.All).FirstOrDefault(m => m.Name == name);
        if (known is not null) return known;
        foreach (var (prefix, suffix, make) in new (string, string, Func<int, Metric>)[]
                 { ("overlap_at_", "", OverlapAt), ("precision_at_", "", PrecisionAt), ("top_", "_accuracy", TopKAccuracy) })
            if (name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(prefix.Length, name.Length - prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0)
                return make(k);
        throw new DigitalCellException($"Unknown metric '{name}'. Known: {string.Join(", ", Full.Concat(Vcc2026Metrics.All).Select(m => m.Name))}.");
    }

    /// <summary>
    /// Resolves a profile or comma-separated list: <c>vcc</c>, <c>vcc2026</c>, <c>mean</c> (mean-profile metrics), <c>de</c>, <c>full</c>,
    /// or metric names.
    /// </summary>
    public static IReadOnlyList<Metric> Parse(string spec) => spec.Trim().ToLowerInvariant() switch
    {
        "vcc" => VirtualCellChallenge,
        "vcc2026" => Vcc2026Metrics.All,
        "mean" or "anndata" => MeanProfile,
        "de" => DifferentialExpression,
        "full" => Full,
        _ => spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ByName).ToArray(),
    };

    private static Metric PerPerturbation(string name, MetricBest best, string description, Func<ScoringInput, int, double> perPerturbation) =>
        PerPerturbation(name, best, MetricNeeds.Means, description, perPerturbation);

    private static Metric PerPerturbation(string name, MetricBest best, MetricNeeds needs, string description, Func<ScoringInput, int, double> perPerturbation) =>
        PerPerturbationAll(name, best, needs, description, d => Enumerable.Range(0, d.Perturbations.Count).Select(p => (double?)perPerturbation(d, p)).ToArray());

    private static Metric PerPerturbationAll(string name, MetricBest best, MetricNeeds needs, string description, Func<ScoringInput, double?[]> all) =>
        new(name, best, perPerturbation: true, needs, description, (d, _) => all(d));

    private static Metric DePerPerturbation(string name, MetricBest best, string description, Func<DifferentialExpressionTable, DifferentialExpressionTable, double?> f) =>
        new(name, best, perPerturbation: true, MetricNeeds.DifferentialExpression, description, (d, _) =>
        {
            var (real, pred) = RequireDe(d, name);
            return Enumerable.Range(0, d.Perturbations.Count).Select(p => f(real[p], pred[p])).ToArray();
        });

    private static (IReadOnlyList<DifferentialExpressionTable> Real, IReadOnlyList<DifferentialExpressionTable> Pred) RequireDe(ScoringInput d, string metric) =>
        (d.Require(d.RealDifferentialExpression, "observed differential expression", metric),
         d.Require(d.PredictedDifferentialExpression, "predicted differential expression", metric));

    /// <summary>
    /// cell-eval <c>compute_overlap</c>: with T, S the significant genes of real and pred sorted by |log2FC|, overlap uses
    /// k_eff = min(k ?? |T|, |T|) and precision k_eff = min(k ?? |S|, |S|); value = |T[:k_eff] ∩ S[:k_eff]| / k_eff, 0
    /// when k_eff = 0; all 0 when no perturbation has a significant gene in real or in pred.
    /// </summary>
    private static Metric Overlap(int? k, bool precision)
    {
        string name = (precision ? "precision_at_" : "overlap_at_") + (k?.ToString(CultureInfo.InvariantCulture) ?? "N");
        string description = precision
            ? $"|top-k true ∩ top-k predicted DE genes| / k with k = {(k is null ? "#predicted" : $"min({k}, #predicted)")} (cell-eval)."
            : $"|top-k true ∩ top-k predicted DE genes| / k with k = {(k is null ? "#true (the VCC differential-expression score)" : $"min({k}, #true)")} (cell-eval).";
        return new Metric(name, MetricBest.One, perPerturbation: true, MetricNeeds.DifferentialExpression, description, (d, _) =>
        {
            var (real, pred) = RequireDe(d, name);
            var realTop = real.Select(t => t.SignificantByAbsoluteFoldChange()).ToArray();
            var predTop = pred.Select(t => t.SignificantByAbsoluteFoldChange()).ToArray();
            if (realTop.All(t => t.Length == 0) || predTop.All(t => t.Length == 0))
                return realTop.Select(_ => (double?)0.0).ToArray();
            return realTop.Select((t, p) =>
            {
                var s = predTop[p];
                int basis = precision ? s.Length : t.Length;
                int kEff = Math.Min(k ?? basis, basis);
                if (kEff == 0) return (double?)0.0;
                return t.Take(kEff).Intersect(s.Take(kEff)).Count() / (double)kEff;
            }).ToArray();
        });
    }

    /// <summary>
    /// cell-eval <c>discrimination_score</c>: for each p, distances from Δ_pred(p) to every Δ_real(q) of the same context
    /// over genes other than the one named p; PDS(p) = 1 − rank/N with N the perturbations of that context and rank the
    /// 0-based position of p among the sorted distances (stable sort: ties keep perturbation order). Scoring within a
    /// context is what the Virtual Cell Challenge does per cell line. Effects are |Δ| in <see cref="ScoringMode.Vcc2025"/>.
    /// </summary>
    private static Metric Discrimination(string distance, Func<double[], double[], int[], double> metric) =>
        new($"discrimination_score_{distance}", MetricBest.One, perPerturbation: true, MetricNeeds.Means,
            $"1 − rank/N of the true perturbation among all observed effects of its context sorted by {distance} distance to the predicted effect, target gene excluded (cell-eval; signed Δ in cell-eval mode, |Δ| in vcc2025).",
            (d, mode) =>
            {
                var (real, pred) = Effects(d, mode.SignedDiscrimination);
                var all = Enumerable.Range(0, d.Genes.Count).ToArray();
                return Enumerable.Range(0, d.Perturbations.Count).Select(p =>
                {
                    var candidates = d.SameContext(p);
                    var genes = all.Where(g => d.Genes[g] != d.Units[p].Perturbation).ToArray();
                    return (double?)(1.0 - RankOfTruth(real, pred[p], p, candidates, genes, metric) / (double)candidates.Length);
                }).ToArray();
            });

    private static (double[][] Real, double[][] Pred) Effects(ScoringInput d, bool signed)
    {
        double[] Effect(double[] delta) => signed ? delta : delta.Select(Math.Abs).ToArray();
        return (Enumerable.Range(0, d.Perturbations.Count).Select(p => Effect(d.RealDelta(p))).ToArray(),
                Enumerable.Range(0, d.Perturbations.Count).Select(p => Effect(d.PredictedDelta(p))).ToArray());
    }

    /// <summary>0-based position of <paramref name="truth"/> among <paramref name="candidates"/> sorted by distance (stable; NaN distances last).</summary>
    private static int RankOfTruth(double[][] real, double[] predicted, int truth, int[] candidates, int[] genes, Func<double[], double[], int[], double> distance)
    {
        var distances = candidates.Select(q => distance(real[q], predicted, genes)).Select(v => double.IsNaN(v) ? double.PositiveInfinity : v).ToArray();
        var order = Enumerable.Range(0, candidates.Length).OrderBy(i => distances[i]).ToArray();
        return Array.IndexOf(order, Array.IndexOf(candidates, truth));
    }
}
