namespace DigitalCell.Sdk.Scoring;

/// <summary>The raw scores of one model: per metric, one value per perturbation (or one global value).</summary>
public sealed class ModelScores
{
    internal ModelScores(string model, ScoringInput input, IReadOnlyDictionary<string, double?[]> values)
    {
        Model = model;
        Input = input;
        Values = values;
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>What was compared (profiles, DE tables), kept for figures.</summary>
    public ScoringInput Input { get; }

    /// <summary>Metric name → values (per perturbation in <see cref="ScoringInput.Perturbations"/> order, or a single value).</summary>
    public IReadOnlyDictionary<string, double?[]> Values { get; }
}
