using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// <c>crispr-mean</c>, the "CRISPR-informed mean" of Wong et al. (Bioinformatics 2025): the training mean change
/// (mean over training perturbations, as <c>cell-mean</c>) with each targeted gene that is measured set to its
/// knocked-down (or activated) level. The level is learned from the screen: the median, over training perturbations
/// whose target is measured, of the target's expression ratio perturbed ÷ control on the count scale (expm1 of the
/// log1p means); with no such perturbation the ratio is 0, a full knockout.
/// </summary>
public sealed class CrisprMeanModel : BaselineModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "baseline/crispr-mean";

    private double[] _delta = [];
    private double _ratio;

    /// <summary>Creates an unfitted CRISPR-informed mean.</summary>
    public CrisprMeanModel() : base("crispr-mean", Architecture,
        "Training mean change with the target gene set to its learned knocked-down level (CRISPR-informed mean, Wong et al. 2025).") { }

    /// <summary>Loads a saved CRISPR-informed mean.</summary>
    public static CrisprMeanModel Load(string directory) => Load(directory, _ => new CrisprMeanModel());

    /// <summary>The learned ratio of a target's expression perturbed ÷ control (count scale).</summary>
    public double TargetRatio => _ratio;

    private protected override void FitCore(TrainingProfiles profiles)
    {
        int genes = profiles.Genes.Length;
        _delta = new double[genes];
        foreach (var p in profiles.Perturbations)
            for (int g = 0; g < genes; g++) _delta[g] += (p.Mean[g] - profiles.Control[g]) / profiles.Perturbations.Count;
        var index = profiles.Genes.Select((g, i) => (g, i)).GroupBy(x => x.g, StringComparer.Ordinal).ToDictionary(x => x.Key, x => x.First().i, StringComparer.Ordinal);
        var values = profiles.Perturbations
            .Where(p => p.Perturbation.Targets.Count == 1 && index.TryGetValue(p.Perturbation.Targets[0], out int g) && double.ExpM1(profiles.Control[g]) > 0)
            .Select(p => double.ExpM1(p.Mean[index[p.Perturbation.Targets[0]]]) / double.ExpM1(profiles.Control[index[p.Perturbation.Targets[0]]]))
            .Order().ToArray();
        _ratio = values.Length == 0 ? 0 : values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
        Card = Card with { Hyperparameters = new Dictionary<string, object> { ["target_ratio"] = _ratio, ["ratio_from_perturbations"] = (long)values.Length } };
    }

    private protected override double[] PredictDelta(Perturbation perturbation)
    {
        var delta = (double[])_delta.Clone();
        foreach (var target in perturbation.Targets)
            for (int g = 0; g < Genes.Length; g++)
                if (Genes[g] == target)
                    delta[g] = double.LogP1(double.ExpM1(ControlMean![g]) * _ratio) - ControlMean[g];
        return delta;
    }

    private protected override IReadOnlyList<NamedTensor> Parameters() =>
        [new("delta", [Genes.Length], _delta), new("target_ratio", [1], [_ratio])];

    private protected override void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        _delta = Vector(tensors, "delta", Genes.Length, path);
        _ratio = Vector(tensors, "target_ratio", 1, path)[0];
    }
}
