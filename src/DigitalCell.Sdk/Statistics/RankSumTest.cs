using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// The Wilcoxon rank-sum (Mann–Whitney U) kernel for one gene: every group against the reference from a single sorted
/// pass over the gene's non-zero values. One instance per thread, reused gene after gene (no allocation per test).
/// </summary>
/// <remarks>
/// <para>
/// The input of a gene is its non-zero values as keys (<see cref="Key"/>: the value's bits, order-preserving, and its
/// slot, 0 = reference, s ≥ 1 = tested group), supplied a range of genes at a time by an <see cref="IGeneKeys"/>. Zeros are
/// never stored or sorted: each sample carries them as a count and they form one tie block at value 0.
/// </para>
/// <para>
/// The values of all slots are sorted together once (an LSD radix sort on the float's order-preserving bits, linear
/// in the number of values) and walked block by block of equal values. For a group s, a block holding c of its values
/// and r reference values, with L reference values and G values of s below it (zeros included when the block is
/// positive), occupies ranks L + G + 1 … L + G + c + r of the union of s and the reference: its contribution to s's
/// rank sum is c·(L + G + (c + r + 1)/2), and its tie term (c + r)³ − (c + r) replaces the reference's r³ − r. The
/// reference's own tie terms are summed in the same pass. Sorting every group against the reference separately
/// (and binary-searching each group value in it) costs a search per value and group; this pass costs a few
/// operations per stored value, whatever the number of groups. Rank sums and tie sums are sums of half-integers and
/// integers, exact in double below 2⁵³, so the order in which they are summed does not change a result.
/// </para>
/// <para>
/// Formulas follow scipy's <c>mannwhitneyu(method="asymptotic")</c>: μ = n1·n2/2,
/// σ² = n1·n2/12·[(n+1) − Σ(t³ − t)/(n(n − 1))], z = (U1 − μ)/σ (continuity: |U1 − μ| − 0.5).
/// </para>
/// </remarks>
internal sealed class RankSumTest(int slots, int capacity)
{
    private const int RadixBits = 11;
    private const int SmallSort = 256; // below this many values a comparison sort beats the radix passes

    private ulong[] _scratch = new ulong[capacity]; // sized once to the largest gene, so it never leaves a grown-out copy behind
    private readonly int[] _nonZero = new int[slots];
    private readonly long[] _below = new long[slots];
    private readonly double[] _rankSum = new double[slots];
    private readonly double[] _tieDelta = new double[slots];
    private readonly int[] _blockCount = new int[slots];
    private readonly int[] _blockSlots = new int[slots];
    private readonly int[] _histogram = new int[3 << RadixBits];

    /// <summary>The sort key of a non-zero value of slot <paramref name="slot"/>: unsigned order of the key = order of the value.</summary>
    public static ulong Key(float value, int slot)
    {
        // IEEE order as unsigned order: flip every bit of a negative float, only the sign bit of a positive one
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint key = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return (ulong)key << 32 | (uint)slot;
    }

    /// <summary>The value of a key.</summary>
    public static float Value(ulong key)
    {
        uint k = (uint)(key >> 32);
        return BitConverter.UInt32BitsToSingle((k & 0x8000_0000u) != 0 ? k & 0x7FFF_FFFFu : ~k);
    }

    /// <summary>The slot of a key.</summary>
    public static int Slot(ulong key) => (int)(uint)key;

    /// <summary>
    /// Signed z-score and two-sided p-value of every tested slot against the reference, from one gene's keys (in any
    /// order; they are sorted in place), written to <paramref name="z"/>[s − 1] and <paramref name="p"/>[s − 1].
    /// <paramref name="sizes"/>[s] is the number of cells of slot s, zeros included.
    /// </summary>
    public void Test(Span<ulong> gene, ReadOnlySpan<int> sizes, bool tieCorrection, bool continuityCorrection, Span<double> z, Span<double> p)
    {
        Array.Clear(_nonZero);
        foreach (var k in gene) _nonZero[Slot(k)]++;
        var keys = Sort(gene);
        int slots = sizes.Length;
        long referenceZeros = sizes[0] - _nonZero[0];
        double referenceTies = Cube(referenceZeros);
        long referenceBelow = 0; // reference non-zeros below the current block
        Array.Clear(_below);
        Array.Clear(_rankSum);
        Array.Clear(_tieDelta);
        bool zerosDone = false;
        for (int i = 0; i < keys.Length;)
        {
            uint key = (uint)(keys[i] >> 32);
            bool positive = key >= 0x8000_0000u;
            if (positive && !zerosDone)
            {
                AddZeroBlock(sizes, referenceBelow, referenceZeros);
                zerosDone = true;
            }
            if (i + 1 == keys.Length || (uint)(keys[i + 1] >> 32) != key)
            {
                // a value only one cell has, the rule for continuous (normalised) data: c = 1 and r = 0, so the
                // general step below reduces to rank L + G + 1 and a zero tie term
                int one = (int)(uint)keys[i];
                if (one == 0) referenceBelow++;
                else _rankSum[one] += referenceBelow + _below[one]++ + (positive ? referenceZeros + sizes[one] - _nonZero[one] : 0) + 1.0;
                i++;
                continue;
            }
            long referenceEqual = 0;
            int blockSlots = 0, k = i;
            do
            {
                int s = (int)(uint)keys[k];
                if (s == 0) referenceEqual++;
                else if (_blockCount[s]++ == 0) _blockSlots[blockSlots++] = s;
                k++;
            }
            while (k < keys.Length && (uint)(keys[k] >> 32) == key);
            for (int b = 0; b < blockSlots; b++)
            {
                int s = _blockSlots[b];
                long c = _blockCount[s];
                _blockCount[s] = 0;
                long below = referenceBelow + _below[s] + (positive ? referenceZeros + sizes[s] - _nonZero[s] : 0);
                _rankSum[s] += c * (below + (c + referenceEqual + 1) / 2.0);
                _tieDelta[s] += Cube(c + referenceEqual) - Cube(referenceEqual);
                _below[s] += c;
            }
            referenceTies += Cube(referenceEqual);
            referenceBelow += referenceEqual;
            i = k;
        }
        if (!zerosDone) AddZeroBlock(sizes, referenceBelow, referenceZeros);
        for (int s = 1; s < slots; s++)
            (z[s - 1], p[s - 1]) = Finish(_rankSum[s], referenceTies + _tieDelta[s], sizes[s], sizes[0], tieCorrection, continuityCorrection);
    }

    /// <summary>The zero block of every group: its zeros and the reference's tie at 0, above the negative values.</summary>
    private void AddZeroBlock(ReadOnlySpan<int> sizes, long referenceBelow, long referenceZeros)
    {
        for (int s = 1; s < sizes.Length; s++)
        {
            long zeros = sizes[s] - _nonZero[s];
            if (zeros == 0) continue;
            _rankSum[s] += zeros * (referenceBelow + _below[s] + (zeros + referenceZeros + 1) / 2.0);
            _tieDelta[s] += Cube(zeros + referenceZeros) - Cube(referenceZeros);
        }
    }

    private static (double Z, double P) Finish(double rankSum, double tieSum, double n1, double n2, bool tieCorrection, bool continuityCorrection)
    {
        double n = n1 + n2;
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

    /// <summary>The keys sorted by value (the upper 32 bits; the slot in the lower bits rides along), in place or in the scratch buffer.</summary>
    private ReadOnlySpan<ulong> Sort(Span<ulong> keys)
    {
        int count = keys.Length;
        if (count < SmallSort)
        {
            keys.Sort(); // ties by value are ordered by slot, which no result depends on
            return keys;
        }
        // one pass for all three digit histograms; a digit every key shares (the high bits usually) is skipped
        const int Mask = (1 << RadixBits) - 1;
        var histogram = _histogram.AsSpan();
        histogram.Clear();
        foreach (var k in keys)
        {
            uint v = (uint)(k >> 32);
            histogram[(int)(v & Mask)]++;
            histogram[(1 << RadixBits) + (int)((v >> RadixBits) & Mask)]++;
            histogram[(2 << RadixBits) + (int)(v >> (2 * RadixBits))]++;
        }
        if (_scratch.Length < count) _scratch = new ulong[Math.Max(count, 2 * _scratch.Length)];
        var from = keys;
        var to = _scratch.AsSpan(0, count);
        for (int pass = 0; pass < 3; pass++)
        {
            var counts = histogram.Slice(pass << RadixBits, 1 << RadixBits);
            int shift = 32 + pass * RadixBits;
            if (counts[(int)((from[0] >> shift) & Mask)] == count) continue;
            int offset = 0;
            for (int b = 0; b < counts.Length; b++)
            {
                int c = counts[b];
                counts[b] = offset;
                offset += c;
            }
            foreach (var k in from) to[counts[(int)((k >> shift) & Mask)]++] = k;
            var swap = from;
            from = to;
            to = swap;
        }
        return from;
    }

    private static double Cube(long t) => (double)t * t * t - t;
}
