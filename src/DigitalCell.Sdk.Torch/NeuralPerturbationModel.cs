using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Globalization;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Torch.Neural;
using DigitalCell.Sdk.Torch.Tensors;
using DigitalCell.Sdk.Torch.Training;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch;

/// <summary>
/// A small neural perturbation model: it encodes a control cell's state (in the dataset's gene space, e.g. HVGs of
/// log-normalised data), adds a perturbation embedding (learned per gene/compound on top of a data-driven prior, so
/// unseen genes still map somewhere; combinations sum) and decodes the perturbed cell. Trained on cell sets with an
/// energy-distance loss plus a mean-profile loss. Saved as <c>model.safetensors</c> (weights, genes and targets in its
/// metadata; loadable by Python's safetensors) + <c>model-card.json</c>.
/// </summary>
public sealed class NeuralPerturbationModel : IPerturbationModel, IDisposable
{
    /// <summary>File name of the weights inside a model directory.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>Architecture name written to the model card (and registered with <see cref="PerturbationModels"/>).</summary>
    public const string ArchitectureName = "neural/perturbation-net-v1";

    private PerturbationNetwork? _network;
    private PerturbationEncoding? _encoding;

    /// <summary>An untrained model; <see cref="Fit"/> trains it.</summary>
    public NeuralPerturbationModel(TrainingOptions? options = null, NeuralModelOptions? architecture = null)
    {
        Options = options ?? new TrainingOptions();
        Architecture = architecture ?? new NeuralModelOptions();
        Card = new ModelCard(Name, ArchitectureName);
    }

    /// <summary>Training options used by <see cref="Fit"/> and <see cref="FineTune"/>.</summary>
    public TrainingOptions Options { get; set; }

    /// <summary>The architecture (layer sizes).</summary>
    public NeuralModelOptions Architecture { get; }

    /// <inheritdoc />
    public string Name => "neural";

    /// <inheritdoc />
    public ModelCard Card { get; private set; }

    /// <inheritdoc />
    public bool IsFitted => _network is not null;

    /// <summary>Genes the model reads and predicts, in order.</summary>
    public IReadOnlyList<string> Genes => Encoding.Genes;

    /// <summary>Perturbation targets (genes or compounds) with a learned embedding.</summary>
    public IReadOnlyList<string> KnownTargets => Encoding.Targets;

    internal PerturbationNetwork Network => _network ?? throw NotFitted();
    internal PerturbationEncoding Encoding => _encoding ?? throw NotFitted();

    /// <summary>Trains from scratch on the training fold, early-stopping on the validation fold (X in the space to predict,
    /// e.g. log1p-normalised HVGs).</summary>
    public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var device = TorchRuntime.Resolve(Options.Device);
        var (sets, trainSets, validation) = Prepare(train);
        var genes = train.Genes.ToArray();
        var k = Math.Min(Architecture.PriorDimensions, Math.Min(genes.Length, sets.ControlRows.Length));
        var genePrior = GenePrior(sets, k);
        var control = SampleControls(sets, Architecture.ControlCells, Options.Seed);
        _network?.Dispose();
        _encoding = new PerturbationEncoding(genes, trainSets.SelectMany(s => s.Targets).Distinct().Order(StringComparer.Ordinal).ToList(), genePrior, k, control);
        _network = PerturbationNetwork.Create(genes.Length, Architecture.Hidden, Architecture.Latent,
            tensor(genePrior, [genes.Length, k]), _encoding.Targets.Count, Options.Seed, device);
        Train(train, sets, trainSets, validation, progress, cancellationToken, fineTunedFrom: null);
    }

    /// <summary>
    /// Fine-tunes this fitted model on new data: targets never seen get new (zero-initialised) embeddings on top of
    /// their priors; <see cref="TrainingOptions.FreezeEncoder"/> keeps the cell-state encoder fixed. Genes must match.
    /// </summary>
    public void FineTune(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!train.Genes.SequenceEqual(Genes))
            throw new DigitalCellException($"fine-tuning data must have the model's {Genes.Count} genes in the same order (got {train.Genes.Count}); select them with data.SelectGenes(model.Genes)");
        var (sets, trainSets, validation) = Prepare(train);
        Network.AddTargets(Encoding.AddTargets(trainSets.SelectMany(s => s.Targets)));
        Train(train, sets, trainSets, validation, progress, cancellationToken, fineTunedFrom: Card.TrainingData?.Id ?? "unknown");
    }

    private (CellSets Sets, List<CellSet> Train, List<CellSet> Validation) Prepare(PerturbationTrainingSet train)
    {
        var validationLabels = Options.ValidationPerturbations?.ToHashSet() ?? train.ValidationPerturbations.ToHashSet();
        var include = train.TrainPerturbations.Concat(validationLabels).ToHashSet();
        var sets = CellSets.From(train.Data, train.Schema.PerturbationColumn, train.Schema.ControlLabels.ToArray(), train.Schema.CombinationDelimiter, include);
        if (validationLabels.Count == 0)
        {
            var count = (int)Math.Round(sets.Sets.Count * Options.ValidationFraction);
            validationLabels = sets.Sets.Select(s => s.Label).ToArray()
                .Shuffled(new Random(Seeds.Derive(Options.Seed, "validation"))).Take(count).ToHashSet();
        }
        return (sets, sets.Sets.Where(s => !validationLabels.Contains(s.Label)).ToList(), sets.Sets.Where(s => validationLabels.Contains(s.Label)).ToList());
    }

    private void Train(PerturbationTrainingSet train, CellSets sets, List<CellSet> trainSets, List<CellSet> validation,
        IProgress<FitProgress>? progress, CancellationToken cancellation, string? fineTunedFrom)
    {
        var network = Network;
        network.UseBFloat16 = Options.BFloat16OnCuda && network.Device.type == TorchSharp.DeviceType.CUDA;
        var reporter = progress is null ? Options.Progress : new FitProgressAdapter(Name, progress, Options.Progress);
        var trainer = new Trainer(network, Encoding, sets, Options with { Progress = reporter });
        trainer.Run(trainSets, validation, cancellation);
        network.UseBFloat16 = false;
        var sha = train.DataSha256 ?? Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(sets.Cells.AsSpan())));
        var hyper = new Dictionary<string, object>
        {
            ["hidden"] = Architecture.Hidden, ["latent"] = Architecture.Latent, ["prior_dimensions"] = Encoding.PriorDimensions,
            ["control_cells"] = Architecture.ControlCells, ["steps"] = Options.Steps, ["steps_run"] = trainer.StepsRun,
            ["learning_rate"] = Options.LearningRate, ["weight_decay"] = Options.WeightDecay, ["warmup_steps"] = Options.WarmupSteps,
            ["gradient_clip_norm"] = Options.GradientClipNorm, ["perturbations_per_batch"] = Options.PerturbationsPerBatch,
            ["cells_per_perturbation"] = Options.CellsPerPerturbation, ["mean_loss_weight"] = Options.MeanLossWeight,
            ["seed"] = Options.Seed, ["freeze_encoder"] = Options.FreezeEncoder, ["loss"] = "energy distance (U-statistic) + mean-profile MSE",
            ["optimizer"] = "AdamW, linear warm-up + cosine decay",
        };
        if (fineTunedFrom is not null) hyper["fine_tuned_from"] = fineTunedFrom;
        Card = new ModelCard(Name, ArchitectureName)
        {
            Hyperparameters = hyper,
            // sha256 defaults to that of the float32 expression block trained on (cells × genes, row-major).
            TrainingData = new ModelTrainingData(train.DataId, sha, sets.CellCount, sets.GeneCount, trainSets.Count),
            Metrics = double.IsNaN(trainer.BestValidationMetric) ? new Dictionary<string, double>()
                : new Dictionary<string, double> { ["validation_mean_profile_mse"] = trainer.BestValidationMetric },
            Description = "Control cell → perturbed cell network with data-driven gene priors (DigitalCell.Sdk.Torch).",
            TrainedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>Predicted mean profile of the stored control cells (or <see cref="PredictionContext.ControlCells"/>) under each
    /// perturbation; a control perturbation gives the control cells' mean.</summary>
    /// <exception cref="DigitalCellException">A target is neither a trained target nor a measured gene (the message names it and its closest known names).</exception>
    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(perturbations);
        var targets = perturbations.Where(p => !p.IsControl).SelectMany(p => p.Targets).Distinct(StringComparer.Ordinal).ToArray();
        var trained = KnownTargets.ToHashSet(StringComparer.Ordinal);
        var measured = Genes.ToHashSet(StringComparer.Ordinal);
        // A target with neither a learned embedding nor a gene prior would get the zero embedding: another perturbation's answer, silently.
        var unknown = targets.Where(t => !trained.Contains(t) && !measured.Contains(t)).ToArray();
        if (unknown.Length > 0)
            throw new DigitalCellException($"Model '{Name}' cannot predict '{unknown[0]}': it is neither a trained target nor a measured gene" +
                (ClosestNames.For(unknown[0], KnownTargets.Concat(Genes)) is { Count: > 0 } close ? $"; did you mean {string.Join(", ", close)}?" : ".") +
                (unknown.Length > 1 ? $" (also unknown: {string.Join(", ", unknown.Skip(1).Take(5))})" : ""));
        var fromPrior = targets.Where(t => !trained.Contains(t)).Order(StringComparer.Ordinal).ToArray();
        var controls = ModelFiles.ControlCells(context, Encoding.ControlCells, Genes.Count);
        var means = PredictMeans(perturbations.Select(p => p.Targets).ToList(), controls);
        var values = new float[perturbations.Count * Genes.Count];
        var controlMean = Enumerable.Range(0, Genes.Count).Select(g => Enumerable.Range(0, controls.Length / Genes.Count).Average(r => controls[r * Genes.Count + g])).ToArray();
        for (int i = 0; i < perturbations.Count; i++)
        {
            var row = values.AsSpan(i * Genes.Count, Genes.Count);
            if (perturbations[i].IsControl) for (int g = 0; g < row.Length; g++) row[g] = (float)controlMean[g];
            else means[i].CopyTo(row);
        }
        return new PerturbationPrediction(Name, perturbations, Genes, new DenseCellMatrix(perturbations.Count, Genes.Count, values))
        {
            Notes = fromPrior.Length == 0 ? [] : [$"{string.Join(", ", fromPrior)} were never trained on; embedded from their gene prior (control-cell PCA loadings)."],
        };
    }

    /// <summary>Predicted mean expression profile (over the stored control cells) for each perturbation, given as its targets.</summary>
    public float[][] PredictMeans(IReadOnlyList<IReadOnlyList<string>> perturbations) => PredictMeans(perturbations, Encoding.ControlCells);

    private float[][] PredictMeans(IReadOnlyList<IReadOnlyList<string>> perturbations, float[] controls)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var means = Encoding.PredictMeans(Network, perturbations.Select(p => p.ToArray()).ToList(), controls).cpu();
        var flat = means.data<float>().ToArray();
        return Enumerable.Range(0, perturbations.Count).Select(i => flat.AsSpan(i * Genes.Count, Genes.Count).ToArray()).ToArray();
    }

    /// <summary>Writes <c>model.safetensors</c> and <c>model-card.json</c> into <paramref name="directory"/> (atomically).</summary>
    public void Save(string directory) => Save(directory, force: false);

    /// <summary>Like <see cref="Save(string)"/>; <paramref name="force"/> replaces a folder holding files this SDK did not write.</summary>
    public void Save(string directory, bool force)
    {
        var network = Network;
        AtomicFile.WriteDirectory(directory, temp =>
        {
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt", ["architecture"] = ArchitectureName,
                ["genes"] = JsonSerializer.Serialize(Genes), ["targets"] = JsonSerializer.Serialize(KnownTargets),
                ["hidden"] = Architecture.Hidden.ToString(CultureInfo.InvariantCulture), ["latent"] = Architecture.Latent.ToString(CultureInfo.InvariantCulture),
            };
            SafeTensors.Write(Path.Combine(temp, WeightsFile), network.ToSafeTensors().Append(
                SafeTensor.FromFloats("control_cells", [Encoding.ControlCount, Genes.Count], Encoding.ControlCells)), metadata);
            Card.Save(temp);
        }, force);
    }

    /// <summary>Loads a model saved by <see cref="Save(string)"/> onto the chosen device.</summary>
    public static NeuralPerturbationModel Load(string directory, DevicePreference device = DevicePreference.Auto)
    {
        var card = ModelCard.Load(directory);
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (card.Architecture != ArchitectureName)
            throw new DigitalCellException(Path.Combine(directory, ModelCard.FileName), "architecture", $"architecture '{card.Architecture}' is not '{ArchitectureName}'");
        if (!File.Exists(weightsPath)) throw new DigitalCellException(directory, null, $"{WeightsFile} not found next to the model card");
        var file = SafeTensors.Read(weightsPath);
        var genes = ModelFiles.Names(file, weightsPath, "genes");
        var targets = ModelFiles.Names(file, weightsPath, "targets");
        var architecture = new NeuralModelOptions
        {
            Hidden = (int)card.Number("hidden"), Latent = (int)card.Number("latent"),
            PriorDimensions = (int)card.Number("prior_dimensions"), ControlCells = (int)card.Number("control_cells"),
        };
        var parameters = file.Tensors.Values.Where(t => t.Name is not ("gene_prior" or "control_cells"))
            .ToDictionary(t => t.Name, PerturbationNetwork.FromSafeTensor);
        var prior = file["gene_prior"];
        var control = file["control_cells"];
        if (prior.Shape[0] != genes.Length || control.Shape[1] != genes.Length)
            throw new DigitalCellException(weightsPath, "gene_prior", $"weights are for {prior.Shape[0]} genes but the metadata lists {genes.Length}");
        return new NeuralPerturbationModel(TrainingOptionsFrom(card, device), architecture)
        {
            _network = PerturbationNetwork.FromTensors(parameters, PerturbationNetwork.FromSafeTensor(prior), TorchRuntime.Resolve(device)),
            _encoding = new PerturbationEncoding(genes, targets, prior.ToFloats(), (int)prior.Shape[1], control.ToFloats()),
            Card = card,
        };
    }

    /// <summary>The training hyperparameters recorded in a card (so a loaded model refits the way it was trained).</summary>
    private static TrainingOptions TrainingOptionsFrom(ModelCard card, DevicePreference device)
    {
        var d = new TrainingOptions();
        double Get(string name, double fallback) => card.Hyperparameters.ContainsKey(name) ? card.Number(name) : fallback;
        return d with
        {
            Device = device, Steps = (int)Get("steps", d.Steps), LearningRate = Get("learning_rate", d.LearningRate),
            WeightDecay = Get("weight_decay", d.WeightDecay), WarmupSteps = (int)Get("warmup_steps", d.WarmupSteps),
            GradientClipNorm = Get("gradient_clip_norm", d.GradientClipNorm), PerturbationsPerBatch = (int)Get("perturbations_per_batch", d.PerturbationsPerBatch),
            CellsPerPerturbation = (int)Get("cells_per_perturbation", d.CellsPerPerturbation), MeanLossWeight = Get("mean_loss_weight", d.MeanLossWeight),
            Seed = (long)Get("seed", d.Seed),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _network?.Dispose();

    private DigitalCellException NotFitted() => new($"model '{Name}' is not fitted: call Fit, or load a saved model with NeuralModels.Load(directory)");

    /// <summary>
    /// Each gene's prior embedding: its loadings on the top <paramref name="k"/> principal components of the control
    /// cells, scaled by √(eigenvalue / largest eigenvalue) — genes that co-vary get nearby priors, so a knockout never
    /// seen in training starts from the direction of its own co-expression programme.
    /// </summary>
    private static float[] GenePrior(CellSets sets, int k)
    {
        using var scope = NewDisposeScope();
        var rows = sets.ControlRows.Select(r => (long)r).ToArray();
        var x = tensor(sets.Cells, [sets.CellCount, sets.GeneCount]).index_select(0, tensor(rows)).to(float64);
        // Explicit Scalars and TensorSum (see Tensors.TensorSum): implicit ones can be freed while libtorch reads them.
        using TorchSharp.Scalar degrees = Math.Max(1, rows.Length - 1), zero = 0.0, tiny = 1e-12;
        var centred = x.Minus(x.mean([0], keepdim: true));
        var covariance = centred.t().matmul(centred).div(degrees);
        var (values, vectors) = linalg.eigh(covariance); // ascending order
        var top = vectors.flip(1)[.., ..k];
        var scale = values.flip(0)[..k].clamp_min(zero).div(values.max().clamp_min(tiny)).sqrt();
        // Fix each eigenvector's sign (largest-magnitude loading positive) so the prior is deterministic across LAPACKs.
        var signs = top.gather(0, top.abs().argmax(0, keepdim: true)).sign();
        return (top * signs * scale).to(float32).contiguous().data<float>().ToArray();
    }

    private static float[] SampleControls(CellSets sets, int count, long seed)
    {
        var rows = sets.ControlRows.ToArray().Shuffled(new Random(Seeds.Derive(seed, "controls"))).Take(count).Order().ToArray();
        var result = new float[rows.Length * sets.GeneCount];
        for (int i = 0; i < rows.Length; i++)
            sets.Cells.AsSpan(rows[i] * sets.GeneCount, sets.GeneCount).CopyTo(result.AsSpan(i * sets.GeneCount));
        return result;
    }

    /// <summary>Forwards step reports to the contract's <see cref="FitProgress"/> (and to the options' own reporter).</summary>
    private sealed class FitProgressAdapter(string model, IProgress<FitProgress> target, IProgress<TrainingProgress>? also) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            also?.Report(value);
            target.Report(new FitProgress(model, value.Step, value.TotalSteps, value.Loss, value.ValidationMetric));
        }
    }
}

/// <summary>Entry point for saved neural models; also registers their loader with <see cref="PerturbationModels"/>.</summary>
public static class NeuralModels
{
    /// <summary>
    /// Makes <see cref="PerturbationModels.Load"/> recognise neural and ONNX model directories. Runs by itself when this
    /// assembly loads; call it explicitly where nothing else has touched the assembly yet (idempotent).
    /// </summary>
    // A module initializer is the one hook that runs when the assembly loads, so PerturbationModels.Load works for
    // neural directories without the caller touching this class first (the library has no other entry point to use).
#pragma warning disable CA2255
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    public static void Register()
    {
        PerturbationModels.Register(NeuralPerturbationModel.ArchitectureName, dir => NeuralPerturbationModel.Load(dir));
        PerturbationModels.Register(Onnx.OnnxPerturbationModel.ArchitectureName, Onnx.OnnxPerturbationModel.Load);
        PerturbationModels.Register(BaseModel.DigitalCellBaseModel.ArchitectureName, dir => BaseModel.DigitalCellBaseModel.Load(dir));
    }

    /// <summary>
    /// A model from a command-line spec: <c>neural</c> (a new model with default options), <c>neural:DIR</c> (the saved
    /// model in DIR; the benchmark's Fit retrains it from scratch on the split's training fold with the architecture and
    /// hyperparameters in its card, so test perturbations it may have seen cannot leak), <c>dcell-base-SIZE</c> (the
    /// digital-cell base model, pretrained inside <c>Fit</c> on the catalog data sets other than the benchmarked one plus
    /// the training fold; <c>-no-pretraining</c>, <c>-no-priors</c> and <c>-no-set-attention</c> select the ablations,
    /// <c>:steps=M/J/F</c> the step counts), or any baseline name.
    /// </summary>
    public static IPerturbationModel Create(string spec) => spec.Trim() switch
    {
        "neural" => new NeuralPerturbationModel(),
        var s when s.StartsWith("neural:", StringComparison.Ordinal) => Load(s["neural:".Length..]),
        var s when s.StartsWith(BaseModelPrefix, StringComparison.Ordinal) => BaseModelFromSpec(s),
        var s => Baselines.Create(s),
    };

    /// <summary>The prefix of base-model specs (<c>dcell-base-tiny</c>).</summary>
    public const string BaseModelPrefix = "dcell-base-";

    private static BaseModel.DigitalCellBaseModel BaseModelFromSpec(string spec)
    {
        // dcell-base-tiny:steps=30/60/60 sets the masked, joint and fine-tuning steps (the demo's short run).
        var (size, steps) = spec.IndexOf(":steps=", StringComparison.Ordinal) is int at and >= 0
            ? (spec[BaseModelPrefix.Length..at], spec[(at + ":steps=".Length)..].Split('/'))
            : (spec[BaseModelPrefix.Length..], null);
        if (steps is not null && (steps.Length != 3 || steps.Any(s => !int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))))
            throw new DigitalCellException($"model '{spec}': steps= takes three step counts, masked/joint/fine-tune (e.g. dcell-base-tiny:steps=30/60/60)");
        var defaults = new BaseModel.BaseModelOptions();
        bool Ablated(string suffix)
        {
            bool found = size.Contains(suffix, StringComparison.Ordinal);
            size = size.Replace(suffix, "", StringComparison.Ordinal);
            return found;
        }
        bool noPretraining = Ablated("-no-pretraining"), noPriors = Ablated("-no-priors"), noSetAttention = Ablated("-no-set-attention");
        return new BaseModel.DigitalCellBaseModel(new BaseModel.BaseModelOptions
        {
            Config = BaseModel.BaseModelConfig.Parse(size), Pretrain = !noPretraining, UseGenePriors = !noPriors, SetAttention = !noSetAttention,
            MaskedSteps = steps is null ? defaults.MaskedSteps : int.Parse(steps[0], System.Globalization.CultureInfo.InvariantCulture),
            JointSteps = steps is null ? defaults.JointSteps : int.Parse(steps[1], System.Globalization.CultureInfo.InvariantCulture),
            FineTuneSteps = steps is null ? defaults.FineTuneSteps : int.Parse(steps[2], System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Loads a saved neural model directory (model.safetensors + model-card.json).</summary>
    public static NeuralPerturbationModel Load(string directory, DevicePreference device = DevicePreference.Auto) =>
        NeuralPerturbationModel.Load(directory, device);
}

internal static class ShuffleExtensions
{
    /// <summary>Fisher–Yates shuffle of a copy.</summary>
    public static T[] Shuffled<T>(this T[] items, Random random)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy;
    }
}
