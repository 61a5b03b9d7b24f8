using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// What <see cref="BaseModelPretraining.RunAsync"/> trains: the zoo's base model from named catalog data sets. The defaults
/// reproduce the shipped <c>dcell-base-tiny</c>.
/// </summary>
public sealed record PretrainingOptions
{
    /// <summary>The size (<see cref="BaseModelConfig.Named"/>; default tiny).</summary>
    public BaseModelConfig Config { get; init; } = BaseModelConfig.Tiny;

    /// <summary>Catalog ids pretrained on (masked expression on their controls, then joint perturbation training).</summary>
    public IReadOnlyList<string> Sources { get; init; } = BaseModelRecipe.PerturbationIds;

    /// <summary>Catalog ids of unperturbed data sets (<c>perturbationKind</c> <c>none</c>) added to masked-expression pretraining only (<see cref="BaseModelSource.ObservationalFromCatalogAsync"/>); by default every one held (<see cref="BaseModelRecipe.ObservationalIds"/>), empty for none.</summary>
    public IReadOnlyList<string> Observational { get; init; } = BaseModelRecipe.ObservationalIds;

    /// <summary>The catalog id fine-tuned on, all its perturbations; its genes are the panel the model predicts. Left out as a pretraining source (it is the training set).</summary>
    public string FineTuneOn { get; init; } = "papalexi2021-thp1-subset";

    /// <summary>Masked-expression pretraining steps (default: <see cref="BaseModelOptions.MaskedSteps"/>'s).</summary>
    public int MaskedSteps { get; init; } = new BaseModelOptions().MaskedSteps;

    /// <summary>Joint perturbation steps (default: <see cref="BaseModelOptions.JointSteps"/>'s).</summary>
    public int JointSteps { get; init; } = new BaseModelOptions().JointSteps;

    /// <summary>Fine-tuning steps (default: <see cref="BaseModelOptions.FineTuneSteps"/>'s).</summary>
    public int FineTuneSteps { get; init; } = new BaseModelOptions().FineTuneSteps;

    /// <summary>The seed: the same seed gives the same weights on the CPU.</summary>
    public long Seed { get; init; }

    /// <summary>Resolves the data sets and the gene priors (cache, mirror, download); null: <see cref="DatasetCatalog.Default"/>.</summary>
    public DatasetCatalog? Catalog { get; init; }

    /// <summary>Where to train (default CPU, where training is deterministic).</summary>
    public DevicePreference Device { get; init; } = DevicePreference.Cpu;

    /// <summary>libtorch threads (default 1: the tiny size's matrices are too small to split, and one thread is reproducible and fast on a shared CPU).</summary>
    public int? Threads { get; init; } = 1;

    /// <summary>One report per training step.</summary>
    public IProgress<BaseTrainingProgress>? Progress { get; init; }
}

/// <summary>
/// The one way the zoo's base models are made (<c>dcell pretrain</c>): reads the named catalog data sets and the gene
/// priors through the catalog, pretrains on the sources (and the observational data sets, masked expression only) and fine-tunes on every perturbation of
/// <see cref="PretrainingOptions.FineTuneOn"/>. The model's card names each data set with its SHA-256.
/// </summary>
public static class BaseModelPretraining
{
    /// <summary>Trains the model <paramref name="options"/> describe; the caller disposes it (and saves it with <see cref="DigitalCellBaseModel.Save(string, bool)"/>).</summary>
    /// <exception cref="DigitalCellException">An unknown catalog id, a data set that cannot be resolved, or one without perturbations.</exception>
    public static async Task<DigitalCellBaseModel> RunAsync(PretrainingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var catalog = options.Catalog ?? DatasetCatalog.Default;
        var sources = await BaseModelSource.RecipeFromCatalogAsync(options.Sources.Append(options.FineTuneOn), options.Observational, catalog, cancellationToken).ConfigureAwait(false);
        var tune = sources.First(s => s.Id == options.FineTuneOn);
        var labels = Enumerable.Range(0, tune.Data.CellCount).Select(i => tune.Data.Obs[tune.Schema.PerturbationColumn].GetText(i))
            .Where(l => !tune.Schema.IsControlLabel(l)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (labels.Count == 0) throw new DigitalCellException($"data set '{tune.Id}' has no perturbed cells to fine-tune on (column '{tune.Schema.PerturbationColumn}')");
        var priors = await GenePriors.FromCatalogAsync(catalog, null, cancellationToken).ConfigureAwait(false);
        var model = new DigitalCellBaseModel(new BaseModelOptions
        {
            Name = $"dcell-base-{options.Config.Name}", Config = options.Config,
            // The fine-tuning set is a source only when named as one: Fit leaves the training set's own cells out of pretraining.
            Sources = [.. sources.Where(s => !ReferenceEquals(s, tune) || options.Sources.Contains(s.Id, StringComparer.Ordinal))],
            Priors = priors, MaskedSteps = options.MaskedSteps, JointSteps = options.JointSteps, FineTuneSteps = options.FineTuneSteps,
            Seed = options.Seed, Device = options.Device, Threads = options.Threads, Progress = options.Progress,
        });
        try
        {
            model.Fit(new PerturbationTrainingSet(tune.Data, tune.Schema, labels, dataId: tune.Id, dataSha256: tune.Sha256), null, cancellationToken);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
