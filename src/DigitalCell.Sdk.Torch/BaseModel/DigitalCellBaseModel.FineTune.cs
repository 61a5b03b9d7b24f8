using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Records;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial class DigitalCellBaseModel
{
    /// <summary>
    /// Adapts this fitted or loaded model to <paramref name="train"/> (its train and validation perturbations): the
    /// fine-tune phase of <see cref="Fit"/> alone (all weights, a fresh AdamW with warm-up + cosine schedule), after which
    /// the model predicts the new data set's panel, with its control cells, in its contexts. The gene, context and agent
    /// tables grow rather than being rebuilt, so everything learned is kept: a gene new to the vocabulary (in the panel or
    /// as a target) gets a row whose token is its gene-priors vector projected (zero learned residual and output bias, as
    /// pretraining starts every gene; without priors, zero), a new cell type / line and the new data set each get their
    /// own context row, and a new cytokine or compound its own agent row, both N(0, 0.02²) as pretraining starts them, and
    /// then learned. Contexts are learned rows rather than a shared default because the data set and context tokens are
    /// added to every cell's encoding: a row per context is what lets fine-tuning learn that context's offset. Protein
    /// heads are kept but the adapted model predicts RNA only (the new training set has no protein). Deterministic for a
    /// seed on the CPU.
    /// </summary>
    /// <exception cref="DigitalCellException">Not fitted; the training set has no control cells or perturbations; a new gene needs priors that cannot be located.</exception>
    public void FineTune(PerturbationTrainingSet train, FineTuningOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= new FineTuningOptions();
        var (network, state) = Fitted;
        if (options.Threads is int threads) set_num_threads(threads);
        var trainId = train.DataId ?? train.Data.Source ?? "training-set";
        var labels = train.TrainPerturbations.Concat(train.ValidationPerturbations).ToHashSet(StringComparer.Ordinal);
        var modes = BaseModelSource.KnownModesOf(trainId) ?? BaseModelSource.KnownModesOf(train.Data.Source);
        var corpus = PerturbationCorpus.Build([new PerturbationCorpus.PartInput(trainId, train.Data, train.Schema, modes, labels)],
            new PerturbationCorpus.KnownNames(state.Genes, state.Contexts, state.Agents));
        var part = corpus.Parts[0];
        if (part.Sets.Count == 0) throw new DigitalCellException($"data set '{trainId}': none of its perturbations is in the training set, nothing to fine-tune on");
        var newGenes = corpus.Genes.Skip(state.Genes.Length).ToList();
        var priorRows = newGenes.Count == 0 ? [] : PriorRows(Options, newGenes, cancellationToken).Rows;
        if (priorRows.Length != newGenes.Count * network.PriorDimensions)
            throw new DigitalCellException($"model '{Name}': the gene priors located here have {priorRows.Length / Math.Max(1, newGenes.Count)} dimensions, the model's {network.PriorDimensions}; new genes cannot be embedded");
        var adapted = network.Extend(priorRows, newGenes.Count, (int)Math.Max(0, corpus.Agents.Count - network.AgentCount),
            (int)Math.Max(0, corpus.Contexts.Count - network.ContextCount), Seeds.Derive(options.Seed, "fine-tune rows"));
        var trainer = new BaseModelTrainer(adapted, Options with
        {
            Seed = options.Seed, LearningRate = options.LearningRate ?? Options.LearningRate, Progress = options.Progress,
        });
        try
        {
            trainer.Perturbation("fine-tune", options.Steps, [part], cancellationToken);
        }
        catch
        {
            adapted.Dispose();
            throw;
        }
        network.Dispose();
        _network = adapted;
        TrainingLosses = trainer.Losses;
        var from = Name;
        var sha256 = Sha256Of(train, part);
        var note = $"fine-tuned from {from} on {trainId} ({labels.Count} perturbations, {options.Steps} steps, seed {options.Seed}; " +
            $"{newGenes.Count} new genes from their priors, {corpus.Contexts.Count - state.Contexts.Length} new context rows, {corpus.Agents.Count - state.Agents.Length} new agents)";
        Options = Options with { Name = options.Name ?? Options.Name ?? from };
        var (controls, _) = SampleControls(part, options.Seed);
        _state = new State([.. corpus.Genes], [.. corpus.Contexts], [.. corpus.Agents], [.. train.Genes], trainId, controls,
            [.. state.Notes, note], GeneticModeOf(part));
        var hyperparameters = new Dictionary<string, object>(Card.Hyperparameters)
        {
            ["gene_vocabulary"] = corpus.Genes.Count, ["contexts"] = corpus.Contexts.Count, ["agents"] = adapted.AgentCount,
            ["parameters"] = adapted.ParameterCount, ["fine_tuned_from"] = from, ["fine_tuning_steps"] = options.Steps,
            ["fine_tuning_seed"] = options.Seed, ["fine_tuning_learning_rate"] = options.LearningRate ?? Options.LearningRate,
        };
        Card = Card with
        {
            Name = Name, Hyperparameters = hyperparameters,
            TrainingData = new ModelTrainingData(trainId, sha256, part.CellCount, corpus.Genes.Count, part.Sets.Count),
            TrainingInputs = [.. Card.TrainingInputs, new InputRecord(trainId, trainId, train.DataSha256 ?? "", $"fine-tuning: {labels.Count} perturbations + controls, {options.Steps} steps")],
            Description = $"{Card.Description} Then {note}.",
            TrainedAt = DateTimeOffset.UtcNow,
        };
    }
}
