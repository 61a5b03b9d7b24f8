using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// How well a ranking recovers known hits: AUROC (Mann–Whitney, ties ½, as scikit-learn's <c>roc_auc_score</c>),
/// precision and recall in the top k, and a label-permutation null for the AUROC. Higher score = ranked earlier.
/// </summary>
public static class HitRecovery
{
    /// <summary>AUROC of <paramref name="scores"/> for the positives; NaN unless both classes occur.</summary>
    public static double Auroc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive) =>
        Ranking.RocAuc(Check(scores, positive).ToArray(), scores.ToArray()) ?? double.NaN;

    /// <summary>Fraction of positives among the top <paramref name="k"/> (ties broken by input order).</summary>
    public static double PrecisionAtK(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, int k) =>
        k <= 0 ? double.NaN : (double)HitsInTop(scores, positive, k) / Math.Min(k, scores.Count);

    /// <summary>Fraction of all positives found in the top <paramref name="k"/> (ties broken by input order); NaN with no positive.</summary>
    public static double RecallAtK(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, int k)
    {
        int total = Check(scores, positive).Count(p => p);
        return total == 0 ? double.NaN : (double)HitsInTop(scores, positive, k) / total;
    }

    /// <summary>
    /// One-sided permutation p-value of the AUROC: (1 + #{permuted AUROC ≥ observed}) / (1 + permutations), labels
    /// shuffled by Fisher–Yates with a seed derived from <paramref name="seed"/> (Phipson &amp; Smyth 2010: never 0).
    /// </summary>
    public static double PermutationP(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, int permutations, long seed)
    {
        if (permutations < 1) throw new DigitalCellException($"Permutation test: permutations must be ≥ 1, got {permutations}.");
        double observed = Auroc(scores, positive);
        if (double.IsNaN(observed)) return double.NaN;
        var random = new Random(Seeds.Derive(seed, "hit-recovery-permutation"));
        var labels = positive.ToArray();
        int atLeast = 0;
        for (int p = 0; p < permutations; p++)
        {
            for (int i = labels.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (labels[i], labels[j]) = (labels[j], labels[i]);
            }
            if (Auroc(scores, labels) >= observed - 1e-12) atLeast++;
        }
        return (1.0 + atLeast) / (1.0 + permutations);
    }

    private static int HitsInTop(IReadOnlyList<double> scores, IReadOnlyList<bool> positive, int k)
    {
        Check(scores, positive);
        return Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).Count(i => positive[i]);
    }

    private static IReadOnlyList<bool> Check(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count) throw new DigitalCellException($"Hit recovery: {scores.Count} scores but {positive.Count} labels.");
        return positive;
    }
}
