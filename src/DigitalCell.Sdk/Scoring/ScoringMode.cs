namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// Which published definition of the Virtual Cell Challenge metrics to reproduce. The definitions changed after the
/// challenge, so every score names the mode that produced it (see SCIENCE-NOTES §1.3–§1.5):
/// <list type="bullet">
/// <item><see cref="Vcc2025"/> — the 2025 leaderboard (cell-eval ≤ 0.5.45 with pdex 0.1.x): discrimination score on
/// absolute effects |Δ|, Benjamini–Hochberg over every perturbation × gene row at once, fold change of expm1 means
/// clipped to 20 / 1/20 when one side is zero.</item>
/// <item><see cref="CellEval"/> — current cell-eval (≥ 0.6 with pdex ≥ 0.2): signed effects, BH per perturbation,
/// log2 fold change with ε = 0 (±∞ for one-sided zeros, 0 for 0/0).</item>
/// <item><see cref="Vcc2026"/> — the Virtual Cell Challenge 2026 suite (cell-eval2, rule_version 3): six metrics on counts
/// (<see cref="Vcc2026Metrics"/>), each scaled against its context's baseline and split-half replicate.</item>
/// </list>
/// </summary>
/// <param name="Name">Mode id used on the command line and in reports (<c>vcc2025</c>, <c>cell-eval</c>).</param>
/// <param name="SignedDiscrimination">True: PDS compares signed effects Δ; false: absolute effects |Δ|.</param>
/// <param name="GlobalFdr">True: one BH correction over all perturbation × gene tests; false: BH per perturbation.</param>
/// <param name="ClippedFoldChange">True: VCC-era fold change (ratio clipped to 20 or 1/20); false: pdex ε = 0 convention.</param>
/// <param name="Description">What the mode reproduces.</param>
public sealed record ScoringMode(string Name, bool SignedDiscrimination, bool GlobalFdr, bool ClippedFoldChange, string Description)
{
    /// <summary>The Virtual Cell Challenge 2025 leaderboard definitions (cell-eval 0.5.x + pdex 0.1.x).</summary>
    public static ScoringMode Vcc2025 { get; } = new("vcc2025", SignedDiscrimination: false, GlobalFdr: true, ClippedFoldChange: true,
        "Virtual Cell Challenge 2025 leaderboard: PDS on |Δ|, global BH, fold change clipped at 20 (cell-eval v0.5.45, pdex 0.1.2x).");

    /// <summary>Current cell-eval definitions (cell-eval ≥ 0.6, pdex ≥ 0.2).</summary>
    public static ScoringMode CellEval { get; } = new("cell-eval", SignedDiscrimination: true, GlobalFdr: false, ClippedFoldChange: false,
        "Current cell-eval: PDS on signed Δ, BH per perturbation, log2 fold change with ε = 0 (cell-eval 0.8.1, pdex 0.2.5).");

    /// <summary>
    /// The Virtual Cell Challenge 2026 suite: <see cref="Vcc2026Metrics.All"/> by default, each scaled by
    /// s = (u − b)/(r − b) against the context-mean baseline b and the split-half replicate r instead of a baseline model.
    /// Other metrics scored in this mode follow the cell-eval definitions.
    /// </summary>
    public static ScoringMode Vcc2026 { get; } = new("vcc2026", SignedDiscrimination: true, GlobalFdr: false, ClippedFoldChange: false,
        "Virtual Cell Challenge 2026: six metrics on counts (pds_cosine, expr_mse_unbiased_capped_norm, DE direction fidelity, reach, significant-set Jaccard, lfc NMAE), each scaled (u − b)/(r − b) against the context-mean baseline and the split-half replicate (cell-eval2 0.15, rule_version 3).")
    {
        ScaledByAnchors = true,
    };

    /// <summary>
    /// True: metrics with VCC 2026 anchors are scaled by (u − b)/(r − b) per context and the overall score averages
    /// them; false: metrics are scaled against a baseline model's means.
    /// </summary>
    public bool ScaledByAnchors { get; init; }

    /// <summary>The metrics scored when none are chosen: the VCC 2026 six in <see cref="Vcc2026"/>, else null (the caller's default).</summary>
    public IReadOnlyList<Metric>? DefaultMetrics => ScaledByAnchors ? Vcc2026Metrics.All : null;

    /// <summary>The modes by name.</summary>
    public static IReadOnlyList<ScoringMode> All { get; } = [CellEval, Vcc2025, Vcc2026];

    /// <summary>Parses <c>cell-eval</c>, <c>vcc2025</c> or <c>vcc2026</c> (case-insensitive).</summary>
    /// <exception cref="DigitalCellException">Unknown name.</exception>
    public static ScoringMode Parse(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new DigitalCellException($"Unknown scoring mode '{name}'. Use {string.Join(", ", All.Select(m => m.Name))}.");
}
