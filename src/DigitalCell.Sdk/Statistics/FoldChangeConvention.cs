namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// How the log2 fold change of a gene is computed from the arithmetic means of log1p-normalised expression in the
/// group (m_g) and in the reference (m_r). All conventions first return to count space with expm1.
/// </summary>
public enum FoldChangeConvention
{
    /// <summary>scanpy: log2((expm1(m_g) + 1e-9) / (expm1(m_r) + 1e-9)).</summary>
    Scanpy,

    /// <summary>
    /// pdex ≥ 0.2 as cell-eval calls it (ε = 0): log2(expm1(m_g) / expm1(m_r)); a zero reference gives +∞, a zero
    /// group −∞, both zero 0.
    /// </summary>
    Pdex,

    /// <summary>
    /// pdex 0.1.x, used by the Virtual Cell Challenge 2025 leaderboard: FC = expm1(m_g) / expm1(m_r) with a zero
    /// reference giving 20 and a zero group 1/20 (both zero: NaN), then log2, NaN → 0.
    /// </summary>
    Vcc2025,
}

/// <summary>The fold-change formulas of <see cref="FoldChangeConvention"/>.</summary>
public static class FoldChange
{
    /// <summary>The pseudocount scanpy adds to both expm1 means.</summary>
    public const double ScanpyPseudocount = 1e-9;

    /// <summary>The clip value of pdex 0.1.x for one-sided zero means.</summary>
    public const double VccClip = 20;

    /// <summary>log2 fold change of the group mean <paramref name="meanGroup"/> over the reference mean <paramref name="meanReference"/> (both log1p space).</summary>
    public static double Log2(double meanGroup, double meanReference, FoldChangeConvention convention)
    {
        double g = PreciseMath.ExpM1(meanGroup);
        double r = PreciseMath.ExpM1(meanReference);
        switch (convention)
        {
            case FoldChangeConvention.Scanpy:
                return Math.Log2((g + ScanpyPseudocount) / (r + ScanpyPseudocount));
            case FoldChangeConvention.Pdex:
                if (g == 0 && r == 0) return 0;
                return Math.Log2(g / r);
            case FoldChangeConvention.Vcc2025:
                double fc = r == 0 ? (g == 0 ? double.NaN : VccClip) : g == 0 ? 1 / VccClip : g / r;
                double l = Math.Log2(fc);
                return double.IsNaN(l) ? 0 : l;
            default:
                throw new DigitalCellException($"Unknown fold-change convention {convention}.");
        }
    }
}
