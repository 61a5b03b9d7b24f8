namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// One named metric (cell-eval's names where cell-eval has it). A per-perturbation metric gives one value per
/// perturbation, <c>null</c> where it does not apply (e.g. direction match without true DE genes — cell-eval leaves
/// those rows out) and NaN where it is undefined (e.g. a Pearson correlation with a constant prediction — cell-eval
/// keeps NaN, so the mean is NaN). A global metric gives one value for all perturbations.
/// </summary>
public sealed class Metric
{
    private readonly Func<ScoringInput, ScoringMode, double?[]> _compute;

    internal Metric(string name, MetricBest best, bool perPerturbation, MetricNeeds needs, string description, Func<ScoringInput, ScoringMode, double?[]> compute)
    {
        Name = name;
        Needs = needs | MetricNeeds.Means;
        Best = best;
        IsPerPerturbation = perPerturbation;
        Description = description;
        _compute = compute;
    }

    /// <summary>The metric's name, e.g. <c>pearson_delta</c>.</summary>
    public string Name { get; }

    /// <summary>The ideal value.</summary>
    public MetricBest Best { get; }

    /// <summary>True: one value per perturbation; false: one value overall.</summary>
    public bool IsPerPerturbation { get; }

    /// <summary>What the metric compares; the scoring-input builder prepares these parts.</summary>
    public MetricNeeds Needs { get; }

    /// <summary>The definition, with its reference.</summary>
    public string Description { get; }

    /// <summary>Computes the metric: one value per perturbation (or a single value for global metrics).</summary>
    public double?[] Compute(ScoringInput input, ScoringMode mode)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mode);
        return _compute(input, mode);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
