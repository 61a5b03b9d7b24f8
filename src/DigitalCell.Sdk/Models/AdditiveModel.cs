using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The additive baseline for combinations (Ahlmann-Eltze, Huber &amp; Anders, Nature Methods 2025,
/// <c>run_additive_model.py</c>): the change of <c>A+B</c> is the sum of the observed changes of the singles,
/// ŷ_AB = c + (ȳ_A − c) + (ȳ_B − c), in log-normalised space.
/// </summary>
/// <remarks>
/// A single is predicted as its own observed mean when it was trained on. A target with no trained single contributes
/// no change (documented fallback; the paper only scores combinations whose singles were seen).
/// </remarks>
public sealed class AdditiveModel : BaselineModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "baseline/additive";

    private Dictionary<string, double[]> _singleDeltas = new(StringComparer.Ordinal);

    /// <summary>Creates an unfitted additive baseline.</summary>
    public AdditiveModel() : base("additive", Architecture,
        "Sum of the observed single-perturbation changes (Ahlmann-Eltze, Huber & Anders 2025); unseen singles add no change.") { }

    /// <summary>Loads a saved additive baseline.</summary>
    public static AdditiveModel Load(string directory) => Load(directory, _ => new AdditiveModel());

    /// <summary>Targets with an observed single perturbation.</summary>
    public IReadOnlyCollection<string> SeenSingles => _singleDeltas.Keys;

    private protected override void FitCore(TrainingProfiles profiles)
    {
        _singleDeltas = new Dictionary<string, double[]>(StringComparer.Ordinal);
        // Several labels (GEARS' "A+ctrl" and "ctrl+A") or contexts may hold one single: average their changes by cells.
        foreach (var group in profiles.Perturbations.Where(p => p.Perturbation.Targets.Count == 1).GroupBy(p => p.Perturbation.Targets[0], StringComparer.Ordinal))
        {
            var delta = new double[profiles.Genes.Length];
            int cells = group.Sum(p => p.Cells);
            foreach (var p in group)
                for (int g = 0; g < delta.Length; g++) delta[g] += (double)p.Cells / cells * p.Delta[g];
            _singleDeltas[group.Key] = delta;
        }
    }

    private protected override double[] PredictDelta(Perturbation perturbation)
    {
        var delta = new double[Genes.Length];
        foreach (var target in perturbation.Targets)
            if (_singleDeltas.TryGetValue(target, out var single))
                for (int g = 0; g < delta.Length; g++) delta[g] += single[g];
        return delta;
    }

    private protected override IReadOnlyList<string> FallbackNotes(IReadOnlyList<Perturbation> perturbations)
    {
        var unseen = perturbations.SelectMany(p => p.Targets).Where(t => !_singleDeltas.ContainsKey(t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return unseen.Length == 0 ? []
            : [$"no trained single perturbation of {string.Join(", ", unseen)}; these targets add no change (a combination of unseen singles is predicted as control)."];
    }

    private protected override IReadOnlyList<NamedTensor> Parameters()
    {
        var names = _singleDeltas.Keys.Order(StringComparer.Ordinal).ToArray();
        return [new("single_deltas", [names.Length, Genes.Length], names.SelectMany(n => _singleDeltas[n]).ToArray(), names)];
    }

    private protected override void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        if (!tensors.TryGetValue("single_deltas", out var t) || t.RowNames is null || t.Shape.Length != 2 || t.Shape[1] != Genes.Length)
            throw new DigitalCellException(path, "single_deltas", $"expected a singles × {Genes.Length} tensor with row names.");
        _singleDeltas = t.RowNames.Select((name, i) => (name, i))
            .ToDictionary(x => x.name, x => t.Data.AsSpan(x.i * Genes.Length, Genes.Length).ToArray(), StringComparer.Ordinal);
    }
}
