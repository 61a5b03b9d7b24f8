using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Torch.Neural;
using DigitalCell.Sdk.Torch.Training;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch;

/// <summary>
/// A small neural perturbation model: it encodes a control cell's state (in the dataset's gene space, e.g. HVGs of
/// log-normalised data), adds a perturbation embedding (learned per gene/compound on top of a data-driven prior, so
/// unseen genes still map somewhere; combinations sum) and decodes the perturbed cell. Trained on cell sets with an
/// energy-distance loss plus a mean-profile loss. Saved as <c>model.safetensors</c> + <c>model.json</c>.
/// </summary>
public sealed class NeuralPerturbationModel : IDisposable
{
    /// <summary>File name of the weights inside a model directory.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>File name of the model card inside a model directory.</summary>
    public const string CardFile = "model.json";
    /// <summary>Architecture name written to the model card.</summary>
    public const string ArchitectureName = "digitalcell-neural-perturbation-v1";

    private readonly PerturbationNetwork _network;
    private readonly PerturbationEncoding _encoding;
    private JsonObject _card;

    private NeuralPerturbationModel(PerturbationNetwork network, PerturbationEncoding encoding, NeuralModelOptions architecture, JsonObject card)
    {
        _network = network;
        _encoding = encoding;
        Architecture = architecture;
        _card = card;
    }

    /// <summary>The architecture (layer sizes).</summary>
    public NeuralModelOptions Architecture { get; }

    /// <summary>Genes the model reads and predicts, in order.</summary>
    public IReadOnlyList<string> Genes => _encoding.Genes;

    /// <summary>Perturbation targets (genes or compounds) with a learned embedding.</summary>
    public IReadOnlyList<string> KnownTargets => _encoding.Targets;

    /// <summary>The model card as JSON (architecture, hyperparameters, training data id and sha256, metrics, license, SDK version).</summary>
    public JsonObject Card => _card;

    /// <summary>Validation metric (mean-profile MSE on the held-out perturbations) of the last training run; NaN when none.</summary>
    public double ValidationMetric { get; private set; } = double.NaN;

    /// <summary>
    /// Trains a new model on <paramref name="data"/> (X in the space to predict, e.g. log1p-normalised HVGs),
    /// with cells labelled by <paramref name="perturbationColumn"/>; <paramref name="controlLabels"/> mark control cells.
    /// </summary>
    public static NeuralPerturbationModel Train(CellDataset data, string perturbationColumn, IReadOnlyCollection<string> controlLabels,
        TrainingOptions? options = null, NeuralModelOptions? architecture = null, string combinationDelimiter = "+",
        CancellationToken cancellation = default)
    {
        options ??= new TrainingOptions();
        architecture ??= new NeuralModelOptions();
        var device = TorchRuntime.Resolve(options.Device);
        var sets = CellSets.From(data, perturbationColumn, controlLabels, combinationDelimiter);
        var (train, validation) = SplitValidation(sets, options);
        var genes = data.GeneNames.ToArray();
        var k = Math.Min(architecture.PriorDimensions, Math.Min(genes.Length, sets.ControlRows.Length));
        var genePrior = GenePrior(sets, k);
        var control = SampleControls(sets, architecture.ControlCells, options.Seed);
        var encoding = new PerturbationEncoding(genes, train.SelectMany(s => s.Targets).Distinct().Order(StringComparer.Ordinal).ToList(), genePrior, k, control);
        var network = PerturbationNetwork.Create(genes.Length, architecture.Hidden, architecture.Latent,
            tensor(genePrior, [genes.Length, k]), encoding.Targets.Count, options.Seed, device);
        var model = new NeuralPerturbationModel(network, encoding, architecture, new JsonObject());
        model.Fit(data, sets, train, validation, options, cancellation, fineTunedFrom: null);
        return model;
    }

    /// <summary>
    /// Fine-tunes this model on new data: targets never seen get new (zero-initialised) embeddings on top of their
    /// priors; <see cref="TrainingOptions.FreezeEncoder"/> keeps the cell-state encoder fixed. Genes must match.
    /// </summary>
    public void FineTune(CellDataset data, string perturbationColumn, IReadOnlyCollection<string> controlLabels,
        TrainingOptions? options = null, string combinationDelimiter = "+", CancellationToken cancellation = default)
    {
        options ??= new TrainingOptions();
        if (!data.GeneNames.SequenceEqual(Genes))
            throw new DigitalCellException($"fine-tuning data must have the model's {Genes.Count} genes in the same order (got {data.GeneCount}); select them with data.SelectGenes(model.Genes)");
        var sets = CellSets.From(data, perturbationColumn, controlLabels, combinationDelimiter);
        var (train, validation) = SplitValidation(sets, options);
        _network.AddTargets(_encoding.AddTargets(train.SelectMany(s => s.Targets)));
        Fit(data, sets, train, validation, options, cancellation, fineTunedFrom: _card["trainingData"]?.DeepClone());
    }

    private void Fit(CellDataset data, CellSets sets, IReadOnlyList<CellSet> train, IReadOnlyList<CellSet> validation,
        TrainingOptions options, CancellationToken cancellation, JsonNode? fineTunedFrom)
    {
        _network.UseBFloat16 = options.BFloat16OnCuda && _network.Device.type == TorchSharp.DeviceType.CUDA;
        var trainer = new Trainer(_network, _encoding, sets, options);
        trainer.Run(train, validation, cancellation);
        _network.UseBFloat16 = false;
        ValidationMetric = trainer.BestValidationMetric;
        _card = ModelCardJson(data, sets, options, validation, trainer.StepsRun, fineTunedFrom);
    }

    /// <summary>Predicted mean expression profile (over the stored control cells) for each perturbation, given as its targets.</summary>
    public float[][] PredictMeans(IReadOnlyList<IReadOnlyList<string>> perturbations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var means = _encoding.PredictMeans(_network, perturbations.Select(p => p.ToArray()).ToList()).cpu();
        var flat = means.data<float>().ToArray();
        return Enumerable.Range(0, perturbations.Count).Select(i => flat.AsSpan(i * Genes.Count, Genes.Count).ToArray()).ToArray();
    }

    /// <summary>Writes <c>model.safetensors</c> and <c>model.json</c> into <paramref name="directory"/> (atomically).</summary>
    public void Save(string directory) => AtomicFile.WriteDirectory(directory, temp =>
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = ArchitectureName };
        SafeTensors.Write(Path.Combine(temp, WeightsFile), _network.ToSafeTensors().Append(
            SafeTensor.FromFloats("control_cells", [_encoding.ControlCount, Genes.Count], _encoding.ControlCells)), metadata);
        var card = (JsonObject)_card.DeepClone();
        card["genes"] = new JsonArray(Genes.Select(g => (JsonNode?)g).ToArray());
        card["targets"] = new JsonArray(KnownTargets.Select(g => (JsonNode?)g).ToArray());
        File.WriteAllText(Path.Combine(temp, CardFile), card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    });

    /// <summary>Loads a model saved by <see cref="Save"/> onto the chosen device.</summary>
    public static NeuralPerturbationModel Load(string directory, DevicePreference device = DevicePreference.Auto)
    {
        var cardPath = Path.Combine(directory, CardFile);
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(cardPath) || !File.Exists(weightsPath))
            throw new DigitalCellException(directory, null, $"not a DigitalCell neural model directory: expected {CardFile} and {WeightsFile}");
        JsonObject card;
        try { card = JsonNode.Parse(File.ReadAllText(cardPath)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new DigitalCellException(cardPath, null, $"model card is not valid JSON ({e.Message})", e); }
        if ((string?)card["architecture"] != ArchitectureName)
            throw new DigitalCellException(cardPath, "architecture", $"architecture '{card["architecture"]}' is not '{ArchitectureName}'");
        string[] Strings(string key) => card[key]?.AsArray().Select(n => (string)n!).ToArray()
            ?? throw new DigitalCellException(cardPath, key, $"model card lacks '{key}'");
        var genes = Strings("genes");
        var targets = Strings("targets");
        var h = card["hyperparameters"]!;
        var architecture = new NeuralModelOptions
        {
            Hidden = (int)h["hidden"]!, Latent = (int)h["latent"]!, PriorDimensions = (int)h["priorDimensions"]!, ControlCells = (int)h["controlCells"]!,
        };
        var file = SafeTensors.Read(weightsPath);
        var parameters = file.Tensors.Values.Where(t => t.Name is not ("gene_prior" or "control_cells"))
            .ToDictionary(t => t.Name, PerturbationNetwork.FromSafeTensor);
        var prior = file["gene_prior"];
        var control = file["control_cells"];
        if (prior.Shape[0] != genes.Length || control.Shape[1] != genes.Length)
            throw new DigitalCellException(weightsPath, "gene_prior", $"weights are for {prior.Shape[0]} genes but the card lists {genes.Length}");
        var network = PerturbationNetwork.FromTensors(parameters, PerturbationNetwork.FromSafeTensor(prior), TorchRuntime.Resolve(device));
        var encoding = new PerturbationEncoding(genes, targets, prior.ToFloats(), (int)prior.Shape[1], control.ToFloats());
        return new NeuralPerturbationModel(network, encoding, architecture, card);
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();

    private static (List<CellSet> Train, List<CellSet> Validation) SplitValidation(CellSets sets, TrainingOptions options)
    {
        HashSet<string> held;
        if (options.ValidationPerturbations is { } given) held = given.ToHashSet();
        else
        {
            var count = (int)Math.Round(sets.Sets.Count * options.ValidationFraction);
            held = sets.Sets.Select(s => s.Label).OrderBy(_ => 0).ToArray()
                .Shuffled(new Random(HashCode.Combine(options.Seed, "validation"))).Take(count).ToHashSet();
        }
        return (sets.Sets.Where(s => !held.Contains(s.Label)).ToList(), sets.Sets.Where(s => held.Contains(s.Label)).ToList());
    }

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
        var centred = x - x.mean([0], keepdim: true);
        var covariance = centred.t().matmul(centred) / Math.Max(1, rows.Length - 1);
        var (values, vectors) = linalg.eigh(covariance); // ascending order
        var top = vectors.flip(1)[.., ..k];
        var scale = (values.flip(0)[..k].clamp_min(0) / values.max().clamp_min(1e-12)).sqrt();
        // Fix each eigenvector's sign (largest-magnitude loading positive) so the prior is deterministic across LAPACKs.
        var signs = top.gather(0, top.abs().argmax(0, keepdim: true)).sign();
        return (top * signs * scale).to(float32).contiguous().data<float>().ToArray();
    }

    private static float[] SampleControls(CellSets sets, int count, long seed)
    {
        var rows = sets.ControlRows.ToArray().Shuffled(new Random(HashCode.Combine(seed, "controls"))).Take(count).Order().ToArray();
        var result = new float[rows.Length * sets.GeneCount];
        for (int i = 0; i < rows.Length; i++)
            sets.Cells.AsSpan(rows[i] * sets.GeneCount, sets.GeneCount).CopyTo(result.AsSpan(i * sets.GeneCount));
        return result;
    }

    private JsonObject ModelCardJson(CellDataset data, CellSets sets, TrainingOptions options, IReadOnlyList<CellSet> validation, int steps, JsonNode? fineTunedFrom)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(sets.Cells.AsSpan())));
        return new JsonObject
        {
            ["name"] = "neural-perturbation",
            ["architecture"] = ArchitectureName,
            ["sdkVersion"] = typeof(NeuralPerturbationModel).Assembly.GetName().Version?.ToString(),
            ["license"] = "MIT",
            ["hyperparameters"] = new JsonObject
            {
                ["hidden"] = Architecture.Hidden, ["latent"] = Architecture.Latent, ["priorDimensions"] = _encoding.PriorDimensions,
                ["controlCells"] = Architecture.ControlCells, ["steps"] = options.Steps, ["stepsRun"] = steps,
                ["learningRate"] = options.LearningRate, ["weightDecay"] = options.WeightDecay, ["warmupSteps"] = options.WarmupSteps,
                ["gradientClipNorm"] = options.GradientClipNorm, ["perturbationsPerBatch"] = options.PerturbationsPerBatch,
                ["cellsPerPerturbation"] = options.CellsPerPerturbation, ["meanLossWeight"] = options.MeanLossWeight,
                ["seed"] = options.Seed, ["freezeEncoder"] = options.FreezeEncoder, ["loss"] = "energy distance + mean-profile MSE",
            },
            // sha256 of the float32 expression block the model was trained on (cells × genes, row-major).
            ["trainingData"] = new JsonObject { ["id"] = data.Source ?? "in-memory", ["sha256"] = sha, ["cells"] = sets.CellCount, ["genes"] = sets.GeneCount },
            ["fineTunedFrom"] = fineTunedFrom,
            ["metrics"] = new JsonObject
            {
                ["validationMeanProfileMse"] = double.IsNaN(ValidationMetric) ? null : ValidationMetric,
                ["validationPerturbations"] = new JsonArray(validation.Select(v => (JsonNode?)v.Label).ToArray()),
            },
        };
    }
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
