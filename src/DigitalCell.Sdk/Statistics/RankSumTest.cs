namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// The Wilcoxon rank-sum (Mann–Whitney U) kernel for one gene and one group against a reference whose non-zero
/// values were sorted once for all groups.
/// </summary>
/// <remarks>
/// Zeros are never sorted: both samples carry them as a count and they form one tie block at value 0. The group's rank
/// sum is accumulated block by block of distinct group values: a block of c equal values that has r equal values in
/// the reference and L smaller values in the union occupies ranks L+1 … L+c+r, average rank L + (c + r + 1)/2. The
/// reference's own tie blocks are summed once per gene (<see cref="TieSum"/>), and each group block that
/// meets a reference block replaces that block's t³ − t term by the merged one. Cost per group: sorting its non-zero
/// values plus one binary search into the reference per distinct group value — independent of the reference size.
/// Formulas follow scipy's <c>mannwhitneyu(method="asymptotic")</c>: μ = n1·n2/2,
/// σ² = n1·n2/12·[(n+1) − Σ(t³ − t)/(n(n − 1))], z = (U1 − μ)/σ (continuity: |U1 − μ| − 0.5).
/// </remarks>
internal static class RankSumTest
{
    /// <summary>Sum of t³ − t over the tie blocks of a sorted reference (its zero block included).</summary>
    public static double TieSum(ReadOnlySpan<float> sortedNonZero, int zeroCount)
    {
        double sum = Cube(zeroCount);
        for (int i = 0; i < sortedNonZero.Length;)
        {
            int k = i + 1;
            while (k < sortedNonZero.Length && sortedNonZero[k] == sortedNonZero[i]) k++;
            sum += Cube(k - i);
            i = k;
        }
        return sum;
    }

    /// <summary>Number of negative values in a sorted span (where the zero block sits).</summary>
    public static int NegativeCount(ReadOnlySpan<float> sorted) => LowerBound(sorted, 0f, 0);

    /// <summary>Signed z-score and two-sided p-value of a group (sorted non-zeros + size) against the reference.</summary>
    public static (double Z, double P) Test(
        ReadOnlySpan<float> group, int groupSize,
        ReadOnlySpan<float> reference, int referenceSize, int referenceNegatives, double referenceTieSum,
        bool tieCorrection, bool continuityCorrection)
    {
        int groupZeros = groupSize - group.Length, referenceZeros = referenceSize - reference.Length;
        double rankSum = 0, tieSum = referenceTieSum;
        long groupLess = 0;
        int cursor = 0; // reference search start: group blocks come in ascending order
        bool zerosDone = groupZeros == 0;
        int i = 0;
        while (i < group.Length || !zerosDone)
        {
            float v;
            int count;
            if (!zerosDone && (i == group.Length || group[i] > 0f))
            {
                v = 0f;
                count = groupZeros;
                zerosDone = true;
            }
            else
            {
                v = group[i];
                int k = i + 1;
                while (k < group.Length && group[k] == v) k++;
                count = k - i;
                i = k;
            }
            long refLess, refEqual;
            if (v == 0f)
            {
                refLess = referenceNegatives;
                refEqual = referenceZeros;
                cursor = Math.Max(cursor, referenceNegatives);
            }
            else
            {
                int lo = LowerBound(reference, v, cursor);
                int hi = UpperBound(reference, v, lo);
                cursor = hi;
                refEqual = hi - lo;
                refLess = lo + (v > 0f ? referenceZeros : 0);
            }
            rankSum += count * (refLess + groupLess + (count + refEqual + 1) / 2.0);
            tieSum += Cube(count + refEqual) - Cube(refEqual);
            groupLess += count;
        }

        double n1 = groupSize, n2 = referenceSize, n = n1 + n2;
        double u1 = rankSum - n1 * (n1 + 1) / 2;
        double variance = tieCorrection
            ? n1 * n2 / 12 * ((n + 1) - tieSum / (n * (n - 1)))
            : n1 * n2 * (n + 1) / 12;
        if (!(variance > 0)) return (0, 1); // every value tied: no evidence either way (scipy/pdex: p = 1)
        double d = u1 - n1 * n2 / 2;
        if (continuityCorrection)
        {
            if (Math.Abs(d) <= 0.5) return (0, 1);
            d -= Math.Sign(d) * 0.5;
        }
        double z = d / Math.Sqrt(variance);
        return (z, TailProbability.Normal(z));
    }

    private static double Cube(long t) => (double)t * t * t - t;

    private static int LowerBound(ReadOnlySpan<float> sorted, float value, int from)
    {
        int lo = from, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(ReadOnlySpan<float> sorted, float value, int from)
    {
        int lo = from, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
