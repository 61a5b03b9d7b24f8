namespace DigitalCell.Sdk.Scoring;

/// <summary>Distances between effect vectors over a gene subset (sklearn <c>pairwise_distances</c> metrics).</summary>
internal static class Distances
{
    public static double L1(double[] a, double[] b, int[] genes)
    {
        double s = 0;
        foreach (int g in genes) s += Math.Abs(a[g] - b[g]);
        return s;
    }

    public static double L2(double[] a, double[] b, int[] genes)
    {
        double s = 0;
        foreach (int g in genes) { double d = a[g] - b[g]; s += d * d; }
        return Math.Sqrt(s);
    }

    /// <summary>1 − cosine similarity; sklearn treats a zero vector as having norm 1 (so distance 1).</summary>
    public static double Cosine(double[] a, double[] b, int[] genes)
    {
        double ab = 0, aa = 0, bb = 0;
        foreach (int g in genes) { ab += a[g] * b[g]; aa += a[g] * a[g]; bb += b[g] * b[g]; }
        double na = aa == 0 ? 1 : Math.Sqrt(aa), nb = bb == 0 ? 1 : Math.Sqrt(bb);
        return 1 - ab / (na * nb);
    }
}
