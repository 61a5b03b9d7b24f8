using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// Shared machinery of the models that map a perturbation's gene-prior features to its pseudobulk change: the
/// feature table (prior blocks + data PCA block), the card entries that record which priors were used, and saving /
/// restoring the data block (the prior table itself is re-derived from the prior files on load).
/// </summary>
public abstract class PriorModel : BaselineModel, IGeneTargets
{
    private PriorGeneFeatures? _features;

    /// <summary>Creates an unfitted prior model.</summary>
    private protected PriorModel(string name, string architecture, string description, PriorModelOptions? options)
        : base(options?.Name ?? name, architecture, description)
    {
        Options = options ?? new PriorModelOptions();
        if (Options.PcaDimensions < 0) throw new DigitalCellException($"Model '{name}': PCA dimensions must be ≥ 0, got {Options.PcaDimensions}.");
    }

    /// <summary>Which priors and blocks the model reads.</summary>
    public PriorModelOptions Options { get; }

    /// <summary>Every gene of the prior table (≈ 19–20 k), each a target the model has an input vector for.</summary>
    public IReadOnlyCollection<string> TargetGenes => Options.Table()?.Genes ?? [];

    private protected PriorGeneFeatures Features => _features ?? throw new DigitalCellException($"Model '{Name}' is not fitted.");

    private protected sealed override void FitCore(TrainingProfiles profiles)
    {
        var table = Options.Table();
        _features = PriorGeneFeatures.Fit(table, profiles, Options.PcaDimensions);
        PrepareInputs();
        var x = profiles.Perturbations.Select(p => Inputs(p.Perturbation)).ToArray();
        var y = profiles.Perturbations.Select(p => p.Delta).ToArray(); // each against its own context's controls
        var hyper = new Dictionary<string, object>(Card.Hyperparameters);
        foreach (var (k, v) in Options.CardEntries(table)) hyper[k] = v;
        foreach (var (k, v) in FitMap(x, y)) hyper[k] = v;
        Card = Card with { Hyperparameters = hyper };
    }

    /// <summary>Readies what <see cref="Inputs"/> reads beyond the prior features (called once per fit, after them).</summary>
    private protected virtual void PrepareInputs() { }

    /// <summary>Length of <see cref="Inputs"/> (by default the prior features').</summary>
    private protected virtual int InputDimensions => Features.Dimensions;

    /// <summary>The model's input for a perturbation (by default the summed target features).</summary>
    private protected virtual double[] Inputs(Perturbation perturbation) => Features.Of(perturbation.Targets);

    /// <summary>Fits the map from inputs (perturbations × features) to changes (perturbations × genes); returns hyperparameters chosen.</summary>
    private protected abstract IReadOnlyDictionary<string, object> FitMap(double[][] inputs, double[][] deltas);

    /// <summary>The fitted map applied to one input.</summary>
    private protected abstract double[] Apply(double[] input);

    /// <summary>The input vector the fitted model reads for a perturbation (exposed for the tests' references).</summary>
    internal double[] InputsOf(Perturbation perturbation) => Inputs(perturbation);

    /// <summary>The data block (genes × K, training gene order), exposed for the tests' references.</summary>
    internal double[] DataBlock => Features.PcaRows(Genes);

    /// <remarks>Expression is log1p-normalised, so a change never takes a gene below zero: the fitted map is clipped at −control.</remarks>
    private protected sealed override double[] PredictDelta(Perturbation perturbation)
    {
        var delta = Apply(Inputs(perturbation));
        for (int g = 0; g < delta.Length; g++) delta[g] = Math.Max(delta[g], -ControlMean![g]);
        return delta;
    }

    private protected sealed override IReadOnlyList<NamedTensor> Parameters() =>
        [new("pca_block", [Genes.Length, Features.PcaDimensions], Features.PcaRows(Genes)), .. MapParameters()];

    /// <summary>The fitted map's tensors.</summary>
    private protected abstract IEnumerable<NamedTensor> MapParameters();

    private protected sealed override void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        // Fewer data dimensions than requested are used when there are fewer training conditions: the tensor says how many.
        if (!tensors.TryGetValue("pca_block", out var pca) || pca.Shape.Length != 2 || pca.Shape[0] != Genes.Length || pca.Shape[1] > Options.PcaDimensions)
            throw new DigitalCellException(path, "pca_block", $"expected a {Genes.Length} × (≤ {Options.PcaDimensions}) tensor.");
        var table = Options.Table();
        string layout = Card.Hyperparameters.TryGetValue("prior_layout", out var l) ? (string)l : "";
        if ((table?.LayoutDescription ?? "") != layout)
            throw new DigitalCellException(path, "prior_layout", $"the model was fitted with prior layout '{layout}', the priors found now give '{table?.LayoutDescription}'.");
        _features = PriorGeneFeatures.Restore(table, Genes, pca.Data, pca.Shape[1]);
        RestoreMap(tensors, path);
    }

    /// <summary>Restores the fitted map's tensors.</summary>
    private protected abstract void RestoreMap(IReadOnlyDictionary<string, NamedTensor> tensors, string path);
}
