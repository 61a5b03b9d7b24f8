namespace DigitalCell.Sdk.Statistics;

/// <summary>Which p-values one Benjamini–Hochberg correction runs over.</summary>
public enum FdrScope
{
    /// <summary>Separately for each group, across its genes (scanpy; pdex ≥ 0.2, current cell-eval).</summary>
    PerGroup,

    /// <summary>Once over every group × gene row of the table (pdex 0.1.x, the VCC 2025 leaderboard).</summary>
    Global,
}
