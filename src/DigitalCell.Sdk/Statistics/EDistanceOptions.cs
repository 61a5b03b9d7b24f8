namespace DigitalCell.Sdk.Statistics;

/// <summary>The cell-to-cell distance inside the E-distance.</summary>
public enum EDistanceMetric
{
    /// <summary>Squared Euclidean — scPerturb's definition (Peidli et al. 2024) and pertpy before March 2025.</summary>
    SquaredEuclidean,

    /// <summary>Euclidean — pertpy since March 2025 and cell-eval (the classical energy distance of Székely &amp; Rizzo).</summary>
    Euclidean,
}

/// <summary>Settings of <see cref="EnergyDistance.EDistance"/> and <see cref="EnergyDistance.ETest"/>.</summary>
public sealed record EDistanceOptions
{
    /// <summary>The obsm embedding the distances are measured in (default <c>X_pca</c>, as scPerturb).</summary>
    public string Representation { get; init; } = "X_pca";

    /// <summary>Cell-to-cell distance (default squared Euclidean, scPerturb).</summary>
    public EDistanceMetric Metric { get; init; } = EDistanceMetric.SquaredEuclidean;

    /// <summary>Number of label permutations of the E-test (scPerturb default 1000).</summary>
    public int Permutations { get; init; } = 1000;

    /// <summary>Root seed of the permutations; each group's stream is derived from it and the group's name (<see cref="Seeds"/>), so a
    /// group's p-value depends neither on thread scheduling nor on which other groups are tested.</summary>
    public int Seed { get; init; }

    /// <summary>The groups to compare with the reference; null = all others.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>Maximum number of threads; null or ≤ 0 uses all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
