using System.Security.Cryptography;
using System.Runtime.InteropServices;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// The digital-cell base model: a STATE-like set transformer (see <see cref="BaseModelConfig"/> and docs/base-model.md)
/// pretrained across perturbation data sets in one gene vocabulary, then fine-tuned on the training set. As an
/// <see cref="IPerturbationModel"/> it runs in any benchmark; <see cref="Fit"/> leaves out of pretraining every data set
/// that is the training set's own cells, so test perturbations never reach it, and says so in the prediction notes.
/// </summary>
public sealed partial class DigitalCellBaseModel : IPerturbationModel, IDisposable
{
    private BaseNetwork? _network;
    private State? _state;

    /// <summary>An untrained model; <see cref="Fit"/> trains it.</summary>
    public DigitalCellBaseModel(BaseModelOptions? options = null)
    {
        Options = options ?? new BaseModelOptions();
        Card = new ModelCard(Name, ArchitectureName);
    }

    /// <summary>Architecture id in the model card (registered with <see cref="PerturbationModels"/>).</summary>
    public const string ArchitectureName = "dcell/base-model-v1";

    /// <summary>How the model is built and trained.</summary>
    public BaseModelOptions Options { get; private set; }

    /// <inheritdoc />
    public string Name => Options.Name ?? $"dcell-base-{Options.Config.Name}" + (Options.Pretrain ? "" : "-no-pretraining") + (Options.UseGenePriors ? "" : "-no-priors")
        + (Options.SetAttention ? "" : "-no-set-attention");

    /// <inheritdoc />
    public ModelCard Card { get; private set; }

    /// <inheritdoc />
    public bool IsFitted => _network is not null;

    /// <summary>The gene vocabulary (every data set's genes and genetic targets), in token order.</summary>
    public IReadOnlyList<string> Vocabulary => Fitted.State.Genes;

    /// <summary>The genes predicted (the training set's panel), in order.</summary>
    public IReadOnlyList<string> Genes => Fitted.State.Panel;

    /// <summary>Trainable parameters.</summary>
    public long ParameterCount => Fitted.Network.ParameterCount;

    /// <summary>Every training loss, by phase, in step order (empty for a loaded model).</summary>
    public IReadOnlyList<(string Phase, double Loss)> TrainingLosses { get; private set; } = [];

    private (BaseNetwork Network, State State) Fitted => _network is { } n && _state is { } s ? (n, s)
        : throw new DigitalCellException($"model '{Name}' is not fitted: call Fit, or load a saved one with DigitalCellBaseModel.Load(directory)");

    /// <summary>What a fitted model keeps besides its weights; GeneticMode (the training set's most common genetic mode) is read for gene targets given without a mode.</summary>
    private sealed record State(string[] Genes, string[] Contexts, string[] Agents, string[] Panel, string DataId, float[] Controls,
        IReadOnlyList<string> Notes, PerturbationMode GeneticMode, ProteinState? Protein = null);

    /// <summary>
    /// Pretrains (masked expression, then joint perturbation training over every source and the training set) and
    /// fine-tunes on the training set's train and validation perturbations. Sources that are the training set's own
    /// cells are left out.
    /// </summary>
    public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        var device = TorchRuntime.Resolve(Options.Device);
        if (Options.Threads is int threads) set_num_threads(threads);
        var trainId = train.DataId ?? train.Data.Source ?? "training-set";
        var sources = Options.Pretrain ? Sources(cancellationToken) : [];
        var own = sources.Where(s => s.Names(trainId) || s.Names(train.Data.Source) || s.Names(train.Data.CatalogId)).ToList();
        var pretraining = sources.Except(own).ToList();
        var labels = train.TrainPerturbations.Concat(train.ValidationPerturbations).ToHashSet(StringComparer.Ordinal);
        // Known modes by context hold without pretraining too (PerturBench's K562 is CRISPRa whatever the task's schema says).
        var modes = own.FirstOrDefault()?.ModeByContext ?? BaseModelSource.KnownModesOf(trainId) ?? BaseModelSource.KnownModesOf(train.Data.Source);
        var trainInput = new PerturbationCorpus.PartInput(trainId, train.Data, train.Schema, modes, labels, Options.TrainingProtein);
        var corpus = PerturbationCorpus.Build(pretraining.Select(s => new PerturbationCorpus.PartInput(s.Id, s.Data, s.Schema, s.ModeByContext, null, s.Protein)).Append(trainInput));
        var (priorRows, priorDimensions, priorNote) = PriorRows(Options, corpus.Genes, cancellationToken);
        var config = Options.Config with { GeneVocabulary = corpus.Genes.Count, PriorDimensions = priorDimensions, Contexts = corpus.Contexts.Count, Agents = Math.Max(1, corpus.Agents.Count) };
        _network?.Dispose();
        var network = BaseNetwork.Create(config, priorRows, corpus.Genes.Count, config.Agents, config.Contexts, Options.Seed, device, Options.SetAttention);
        var proteinNote = AddProteinTokens(network, corpus, pretraining);
        var reporter = progress is null ? Options.Progress : new Progress(Name, progress, Options.Progress, Options.MaskedSteps + Options.JointSteps + Options.FineTuneSteps);
        var trainer = new BaseModelTrainer(network, Options with { Progress = reporter });
        var trainPart = corpus.Parts[^1];
        try
        {
            if (Options.Pretrain)
            {
                trainer.Masked(Options.MaskedSteps, corpus.Parts, cancellationToken);
                trainer.Perturbation("joint", Options.JointSteps, corpus.Parts, cancellationToken);
                trainer.Perturbation("fine-tune", Options.FineTuneSteps, [trainPart], cancellationToken);
            }
            else trainer.Perturbation("fine-tune", Options.JointSteps + Options.FineTuneSteps, [trainPart], cancellationToken);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        _network = network;
        TrainingLosses = trainer.Losses;
        var pretrainNote = !Options.Pretrain ? "not pretrained (trained on the training fold alone)"
            : $"pretrained on {(pretraining.Count == 0 ? "no other data set" : string.Join(", ", pretraining.Select(s => s.Id)))} and the training fold of {trainId}" +
              (own.Count > 0 ? $" ({string.Join(", ", own.Select(s => s.Id))} left out as a pretraining source: it is the training set's own data set, so only the training set's perturbations reach the model, never a benchmark's test fold)" : "");
        var (controls, controlProtein) = SampleControls(trainPart, Options.Seed);
        _state = new State([.. corpus.Genes], [.. corpus.Contexts], [.. corpus.Agents], [.. train.Genes], trainId,
            controls, proteinNote is null ? [pretrainNote, priorNote] : [pretrainNote, priorNote, proteinNote],
            GeneticModeOf(trainPart),
            corpus.Markers.Count == 0 ? null : new ProteinState([.. corpus.Markers], [.. Options.TrainingProtein?.GeneNames ?? []], controlProtein));
        Card = new ModelCard(Name, ArchitectureName)
        {
            Hyperparameters = Hyperparameters(config, network.ParameterCount, corpus.Markers.Count),
            TrainingData = new ModelTrainingData(trainId, Sha256Of(train, trainPart),
                corpus.Parts.Sum(p => p.CellCount), corpus.Genes.Count, corpus.Parts.Sum(p => p.Sets.Count)),
            TrainingInputs = [.. pretraining.Select(s => new InputRecord(s.Id, s.Id, s.Sha256 ?? "")),
                new InputRecord(trainId, trainId, train.DataSha256 ?? "", $"{labels.Count} training perturbations + controls")],
            Description = $"STATE-like set transformer (DigitalCell.Sdk.Torch), {network.ParameterCount:N0} parameters; {pretrainNote}; {priorNote}" +
                (proteinNote is null ? "." : $"; {proteinNote}."),
            TrainedAt = DateTimeOffset.UtcNow,
        };
    }

    private IReadOnlyList<BaseModelSource> Sources(CancellationToken cancellationToken) =>
        Options.Sources ?? BaseModelSource.RecipeFromCatalogAsync(Options.CatalogIds, Options.ObservationalIds, Options.Catalog, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The vocabulary's prior vectors (V × P row-major), their length and a note for the card.</summary>
    internal static (float[] Rows, int Dimensions, string Note) PriorRows(BaseModelOptions options, IReadOnlyList<string> genes, CancellationToken cancellationToken)
    {
        if (!options.UseGenePriors) return (new float[genes.Count], 1, "gene tokens learned from zero (no gene priors)");
        var table = (options.Priors ?? GenePriors.FromEnvironment()).Features(null, cancellationToken);
        var rows = table.Vectors(genes, out _);
        var flat = rows.SelectMany(r => r.Select(v => (float)v)).ToArray();
        return (flat, table.Dimensions, $"gene tokens initialised from the gene-priors vectors ({table.LayoutDescription}; {rows.Count(r => r.Any(v => v != 0))} of {genes.Count} vocabulary genes have a prior)");
    }

    /// <summary>The training set's most common genetic mode (knockout when it has none), read for gene targets given without a mode.</summary>
    private static PerturbationMode GeneticModeOf(CorpusPart part) =>
        part.Sets.Where(x => PerturbationCorpus.IsGenetic(x.Mode)).GroupBy(x => x.Mode).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault(PerturbationMode.Knockout);

    /// <summary>The training set's SHA-256 as given, else that of its dense cell block.</summary>
    private static string Sha256Of(PerturbationTrainingSet train, CorpusPart part) =>
        train.DataSha256 ?? Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(part.Cells.AsSpan())));

    /// <summary>The control cells kept for prediction, and their protein (empty when the training set measures none).</summary>
    private (float[] Cells, float[] Protein) SampleControls(CorpusPart part, long seed)
    {
        var rows = part.AllControls.ToArray();
        new Random(Seeds.Derive(seed, "prediction controls")).Shuffle(rows);
        var kept = rows.Take(Options.PredictionCells).Order().ToArray();
        var cells = new float[kept.Length * part.GeneCount];
        part.Gather(kept, cells, 0);
        var protein = new float[kept.Length * (part.Protein?.MarkerCount ?? 0)];
        part.Protein?.Gather(kept, protein, 0);
        return (cells, protein);
    }

    private Dictionary<string, object> Hyperparameters(BaseModelConfig config, long parameters, int markers) => new()
    {
        ["parameters"] = parameters, ["protein_markers"] = markers,
        ["size"] = config.Name, ["dimension"] = config.Dimension, ["layers"] = config.Layers, ["heads"] = config.Heads,
        ["feed_forward"] = config.FeedForward, ["set_size"] = config.SetSize, ["gene_vocabulary"] = config.GeneVocabulary,
        ["prior_dimensions"] = config.PriorDimensions, ["contexts"] = config.Contexts, ["agents"] = config.Agents,
        ["pretrain"] = Options.Pretrain, ["gene_priors"] = Options.UseGenePriors, ["set_attention"] = Options.SetAttention, ["masked_steps"] = Options.MaskedSteps,
        ["joint_steps"] = Options.JointSteps, ["fine_tune_steps"] = Options.FineTuneSteps, ["mask_fraction"] = Options.MaskFraction,
        ["sets_per_batch"] = Options.SetsPerBatch, ["learning_rate"] = Options.LearningRate, ["warmup_steps"] = Options.WarmupSteps,
        ["weight_decay"] = Options.WeightDecay, ["gradient_clip_norm"] = Options.GradientClipNorm, ["pseudobulk_weight"] = Options.PseudobulkWeight,
        ["seed"] = Options.Seed, ["loss"] = "energy distance (V-statistic) + pseudobulk MSE; masked-expression MSE in pretraining",
        ["optimizer"] = "AdamW per phase, linear warm-up + cosine decay",
    };

    /// <inheritdoc />
    public void Dispose() => _network?.Dispose();

    /// <summary>Forwards step reports to the contract's <see cref="FitProgress"/>, counting steps across phases.</summary>
    private sealed class Progress(string model, IProgress<FitProgress> target, IProgress<BaseTrainingProgress>? also, int total) : IProgress<BaseTrainingProgress>
    {
        private int _done;
        public void Report(BaseTrainingProgress value)
        {
            also?.Report(value);
            target.Report(new FitProgress(model, ++_done, total, value.Loss, null));
        }
    }
}
