using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// Shared machinery of the closed-form baselines: each predicts a change (delta) from the control mean, and the
/// prediction is <c>control mean of the context + delta</c>. Saved as a directory with <c>model-card.json</c>,
/// <c>genes.txt</c> (one gene per line, column order) and <c>weights.safetensors</c> (float64 tensors).
/// </summary>
public abstract class BaselineModel : IPerturbationModel
{
    private const string GenesFile = "genes.txt";
    private const string WeightsFile = "weights.safetensors";

    /// <summary>Creates an unfitted baseline.</summary>
    protected BaselineModel(string name, string architecture, string description)
    {
        Name = name;
        Card = new ModelCard(name, architecture) { Description = description, License = "MIT" };
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public ModelCard Card { get; protected set; }

    /// <inheritdoc/>
    public bool IsFitted => ControlMean is not null;

    /// <summary>Gene names in column order (set by fitting or loading).</summary>
    protected string[] Genes { get; private set; } = Array.Empty<string>();

    /// <summary>Mean of the training control cells (set by fitting or loading).</summary>
    protected double[]? ControlMean { get; private set; }

    /// <inheritdoc/>
    public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        cancellationToken.ThrowIfCancellationRequested();
        var profiles = TrainingProfiles.From(train);
        Genes = profiles.Genes;
        ControlMean = profiles.Control;
        FitCore(profiles);
        Card = Card with
        {
            TrainingData = new ModelTrainingData(train.DataId, train.DataSha256,
                train.ControlCells.Count + profiles.Perturbations.Sum(p => p.Cells), Genes.Length, profiles.Perturbations.Count),
            TrainedAt = DateTimeOffset.UtcNow,
        };
        progress?.Report(new FitProgress(Name, 1, 1, Message: $"fitted on {profiles.Perturbations.Count} perturbations"));
    }

    /// <summary>Fits the model's own parameters from the pseudobulk profiles.</summary>
    private protected abstract void FitCore(TrainingProfiles profiles);

    /// <summary>The predicted change from control for a non-control perturbation (length = genes).</summary>
    private protected abstract double[] PredictDelta(Perturbation perturbation);

    /// <summary>Where the model falls back instead of using what it learned for <paramref name="perturbations"/> (none by default).</summary>
    private protected virtual IReadOnlyList<string> FallbackNotes(IReadOnlyList<Perturbation> perturbations) => [];

    /// <summary>The model's parameters, for saving.</summary>
    private protected abstract IReadOnlyList<NamedTensor> Parameters();

    /// <summary>Restores parameters saved by <see cref="Parameters"/>.</summary>
    private protected abstract void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path);

    /// <inheritdoc/>
    /// <remarks>
    /// The reference is the mean of <see cref="PredictionContext.ControlCells"/> when given (e.g. controls of a held-out
    /// cell line), else the training control mean. With <see cref="PredictionContext.CellsPerPerturbation"/> &gt; 0 the
    /// "sampled cells" are that many copies of the mean profile, the convention of cell-eval's baseline builder.
    /// </remarks>
    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(perturbations);
        if (ControlMean is null) throw new DigitalCellException($"Model '{Name}' is not fitted; call Fit or load a saved model first.");
        double[] control = ControlMean;
        if (context?.ControlCells is { } cells)
        {
            if (cells.ColumnCount != Genes.Length)
                throw new DigitalCellException($"Model '{Name}': context control cells have {cells.ColumnCount} genes, the model has {Genes.Length}.");
            control = TrainingProfiles.MeanOfAll(cells, Genes);
        }
        var means = new float[(long)perturbations.Count * Genes.Length];
        for (int i = 0; i < perturbations.Count; i++)
        {
            var p = perturbations[i];
            double[]? delta = p.IsControl ? null : PredictDelta(p);
            for (int g = 0; g < Genes.Length; g++)
                means[(long)i * Genes.Length + g] = (float)(control[g] + (delta?[g] ?? 0));
        }
        var matrix = new DenseCellMatrix(perturbations.Count, Genes.Length, means);
        return new PerturbationPrediction(Name, perturbations, Genes, matrix, SampleCopies(perturbations, matrix, context?.CellsPerPerturbation ?? 0))
        {
            Notes = FallbackNotes(perturbations.Where(p => !p.IsControl).ToArray()),
        };
    }

    /// <inheritdoc/>
    public void Save(string directory)
    {
        if (ControlMean is null) throw new DigitalCellException(directory, null, $"model '{Name}' is not fitted; nothing to save.");
        var tensors = new List<NamedTensor> { new("control_mean", [Genes.Length], ControlMean) };
        tensors.AddRange(Parameters());
        AtomicFile.WriteDirectory(directory, temp =>
        {
            Card.Save(temp);
            File.WriteAllLines(Path.Combine(temp, GenesFile), Genes);
            NamedTensor.Write(Path.Combine(temp, WeightsFile), tensors);
        });
    }

    /// <summary>Loads a saved baseline of type <typeparamref name="T"/> from <paramref name="directory"/>.</summary>
    internal static T Load<T>(string directory, Func<ModelCard, T> create) where T : BaselineModel
    {
        var card = ModelCard.Load(directory);
        var model = create(card);
        model.Card = card;
        string genesPath = Path.Combine(directory, GenesFile), weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(genesPath)) throw new DigitalCellException(genesPath, null, "gene list of the saved model not found.");
        model.Genes = File.ReadAllLines(genesPath);
        var tensors = NamedTensor.Read(weightsPath);
        model.ControlMean = Vector(tensors, "control_mean", model.Genes.Length, weightsPath);
        model.Restore(tensors, weightsPath);
        return model;
    }

    /// <summary>A 1-D tensor of the expected length, with a clear error otherwise.</summary>
    private protected static double[] Vector(IReadOnlyDictionary<string, NamedTensor> tensors, string name, int length, string path)
    {
        if (!tensors.TryGetValue(name, out var t)) throw new DigitalCellException(path, name, "tensor missing.");
        if (t.Data.Length != length) throw new DigitalCellException(path, name, $"expected {length} values, found {t.Data.Length}.");
        return t.Data;
    }

    private CellDataset? SampleCopies(IReadOnlyList<Perturbation> perturbations, DenseCellMatrix means, int copies)
    {
        if (copies <= 0) return null;
        var rows = Enumerable.Range(0, perturbations.Count).SelectMany(i => Enumerable.Repeat(i, copies)).ToArray();
        var labels = rows.Select(i => perturbations[i].Label).ToArray();
        var names = rows.Select((_, k) => k.ToString(CultureInfo.InvariantCulture)).ToArray();
        var obs = new AnnotationTable("obs", names, [CategoricalColumn.FromLabels("perturbation", labels)]);
        return new CellDataset(means.SelectRows(rows), obs, new AnnotationTable("var", Genes));
    }
}
