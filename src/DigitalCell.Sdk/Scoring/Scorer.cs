namespace DigitalCell.Sdk.Scoring;

/// <summary>Computes metrics on a prepared <see cref="ScoringInput"/>.</summary>
public static class Scorer
{
    /// <summary>Computes each metric for one model.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="input">Real vs predicted profiles (and DE tables/cells where the metrics need them).</param>
    /// <param name="metrics">What to compute.</param>
    /// <param name="mode">Which published definitions to follow.</param>
    /// <exception cref="DigitalCellException">A metric needs a part the input lacks, or two metrics share a name.</exception>
    public static ModelScores Score(string model, ScoringInput input, IEnumerable<Metric> metrics, ScoringMode mode)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = new Dictionary<string, double?[]>(StringComparer.Ordinal);
        foreach (var metric in metrics)
            if (!values.TryAdd(metric.Name, metric.Compute(input, mode)))
                throw new DigitalCellException($"Metric '{metric.Name}' is requested twice.");
        return new ModelScores(model, input, values);
    }
}
