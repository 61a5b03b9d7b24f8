using System.Collections.Concurrent;
using System.Security.Cryptography;
using DigitalCell.Sdk;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Screens;

namespace DigitalCell.Web;

/// <summary>
/// A model fitted on one served data set (all its perturbations: the platform predicts, it does not benchmark), with the
/// genes it accepts as targets, the modes it was fitted on and a fingerprint of its fitted state for permalinks.
/// </summary>
internal sealed class ServedModel
{
    private const int CachedEnsembles = 8;
    private readonly Dictionary<string, string> _vocabulary;
    // One gate for every use of this model and its refits: the SDK's models are not documented as safe for concurrent calls.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Func<IPerturbationModel>? _refit;
    private readonly ConcurrentDictionary<(int Members, int Seed), IReadOnlyList<IPerturbationModel>> _ensembles = new();

    private ServedModel(string id, IPerturbationModel model, ServedDataset dataset, IReadOnlyList<string> vocabulary, string sha, Func<IPerturbationModel>? refit)
    {
        Id = id;
        _refit = refit;
        Model = model;
        Dataset = dataset;
        _vocabulary = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var gene in vocabulary) _vocabulary.TryAdd(gene, gene);
        Vocabulary = _vocabulary.Values.Order(StringComparer.Ordinal).ToArray();
        Sha = sha;
        Modes = dataset.TreatmentKind is not null || dataset.Schema.DefaultMode is PerturbationMode.Knockout or PerturbationMode.CRISPRi or PerturbationMode.CRISPRa
            ? [dataset.Schema.DefaultMode]
            : [PerturbationMode.Knockout, PerturbationMode.CRISPRi, PerturbationMode.CRISPRa];
    }

    /// <summary>The id requests use.</summary>
    public string Id { get; }

    /// <summary>The fitted model.</summary>
    public IPerturbationModel Model { get; }

    /// <summary>The data set it was fitted on and predicts in.</summary>
    public ServedDataset Dataset { get; }

    /// <summary>Genes the model accepts as targets, sorted.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>First 16 hex digits of the SHA-256 of the saved model (card without its training time, then weights).</summary>
    public string Sha { get; }

    /// <summary>
    /// The modes the model can answer: the data set's own (a model fitted on knockouts says nothing about activation, one
    /// fitted on a cytokine says nothing about genes); all three genetic modes when the data set does not state its mode.
    /// </summary>
    public IReadOnlyList<PerturbationMode> Modes { get; }

    /// <summary>
    /// False: no served model reads a dose. A treatment is predicted as the data set gave it (a compound label's dose is
    /// part of what the model was fitted on), so the API refuses a requested dose rather than ignore it.
    /// </summary>
    public bool TakesDose => false;

    /// <summary>The vocabulary's spelling of <paramref name="gene"/> (case-insensitive), or null when the model does not know it.</summary>
    public string? Canonical(string gene) => _vocabulary.GetValueOrDefault(gene);

    /// <summary>True when the model was fitted here (a baseline by name), so a screen can refit it on subsamples; false for a saved model.</summary>
    public bool Refittable => _refit is not null;

    /// <summary>Predicts with the model to itself (see <see cref="ExclusiveAsync{T}"/>); waiting for it ends with <paramref name="cancellationToken"/>.</summary>
    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext context, CancellationToken cancellationToken)
    {
        _gate.Wait(cancellationToken);
        try
        {
            return Model.Predict(perturbations, context);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> while no other request uses this model or its refits (a screen calls them many times);
    /// waiting for the gate ends with <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> use, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await use();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// An ensemble of <paramref name="members"/> refits on seeded 80 % subsamples of the data set's perturbations
    /// (<see cref="ScreenEnsemble.Fit"/>, as <c>dcell screen --refits</c>); one member is the served model itself.
    /// The last few ensembles are kept: fitting is deterministic and takes seconds.
    /// </summary>
    public IReadOnlyList<IPerturbationModel> Ensemble(int members, int seed, CancellationToken cancellationToken)
    {
        if (members == 1) return [Model];
        if (_refit is null) throw new InvalidOperationException($"Model '{Id}' is a saved model; it cannot be refitted.");
        if (_ensembles.TryGetValue((members, seed), out var cached)) return cached;
        var fitted = ScreenEnsemble.Fit(_ => _refit(), Dataset.Data, Dataset.Schema, members, 0.8, seed, cancellationToken: cancellationToken);
        if (_ensembles.Count >= CachedEnsembles) _ensembles.Clear();
        return _ensembles.GetOrAdd((members, seed), fitted);
    }

    /// <summary>
    /// Fits (unless loaded fitted) <paramref name="source"/>'s model on every perturbation of <paramref name="dataset"/>.
    /// The vocabulary is the measured genes and the perturbed targets, plus, for models that read gene priors, every gene
    /// the priors know (they predict unseen targets from the prior vector).
    /// </summary>
    public static ServedModel Fit(ServedModelSource source, ServedDataset dataset, GenePriors? priors, CancellationToken cancellationToken)
    {
        var model = source.Create(priors);
        if (model is PriorModel && priors is null)
            throw new DigitalCellException($"Model '{source.Id}' reads gene priors, and none were found (catalog entry '{GenePriors.CatalogId}', DIGITALCELL_MIRROR or DIGITALCELL_GENE_PRIORS).");
        bool fitHere = !model.IsFitted;
        if (fitHere)
        {
            var labels = dataset.Labels.Distinct(StringComparer.Ordinal).Where(l => !dataset.Schema.IsControlLabel(l)).Order(StringComparer.Ordinal).ToArray();
            var train = new PerturbationTrainingSet(dataset.Data, dataset.Schema, labels, dataId: dataset.Id);
            model.Fit(train, null, cancellationToken);
        }
        var vocabulary = dataset.Data.GeneNames.Concat(dataset.Targets);
        if (model is PriorModel && priors is not null) vocabulary = vocabulary.Concat(priors.Genes.Records.Select(r => r.Symbol));
        return new ServedModel(source.Id, model, dataset, vocabulary.ToArray(), Fingerprint(model), fitHere ? () => source.Create(priors) : null);
    }

    private static string Fingerprint(IPerturbationModel model)
    {
        string directory = Path.Combine(Path.GetTempPath(), "dcell-serve-" + Guid.NewGuid().ToString("N"));
        try
        {
            model.Save(directory);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var file in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
                // The training time differs on every start; the fitted state does not.
                hash.AppendData(Path.GetFileName(file) == ModelCard.FileName
                    ? System.Text.Encoding.UTF8.GetBytes((ModelCard.Load(directory) with { TrainedAt = null }).ToJson())
                    : File.ReadAllBytes(file));
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
