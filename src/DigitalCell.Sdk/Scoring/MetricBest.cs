namespace DigitalCell.Sdk.Scoring;

/// <summary>A metric's ideal value, which decides how it is scaled against a baseline (cell-eval <c>MetricBestValue</c>).</summary>
public enum MetricBest
{
    /// <summary>Best value 1 (correlations, overlaps, discrimination): scaled as (u − b)/(1 − b).</summary>
    One,

    /// <summary>Best value 0 (errors): scaled as 1 − u/b.</summary>
    Zero,

    /// <summary>Not compared with a baseline (counts).</summary>
    None,
}
