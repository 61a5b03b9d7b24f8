using System.Security.Cryptography;
using DigitalCell.Sdk;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Web;

/// <summary>
/// A model fitted on one served data set (all its perturbations: the platform predicts, it does not benchmark), with the
/// genes it accepts as targets, the modes it was fitted on and a fingerprint of its fitted state for permalinks.
/// </summary>
internal sealed class ServedModel
{
    private readonly Dictionary<string, string> _vocabulary;
    private readonly Lock _predictLock = new();

    private ServedModel(string id, IPerturbationModel model, ServedDataset dataset, IReadOnlyList<string> vocabulary, string sha)
    {
        Id = id;
        Model = model;
        Dataset = dataset;
        _vocabulary = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var gene in vocabulary) _vocabulary.TryAdd(gene, gene);
        Vocabulary = _vocabulary.Values.Order(StringComparer.Ordinal).ToArray();
        Sha = sha;
        Modes = dataset.Schema.DefaultMode is PerturbationMode.Knockout or PerturbationMode.CRISPRi or PerturbationMode.CRISPRa
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
    /// The modes the model can answer: the data set's own (a model fitted on knockouts says nothing about activation);
    /// all three genetic modes when the data set does not state its mode.
    /// </summary>
    public IReadOnlyList<PerturbationMode> Modes { get; }

    /// <summary>The vocabulary's spelling of <paramref name="gene"/> (case-insensitive), or null when the model does not know it.</summary>
    public string? Canonical(string gene) => _vocabulary.GetValueOrDefault(gene);

    /// <summary>Predicts under a lock: the SDK's models are not documented as safe for concurrent calls.</summary>
    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext context)
    {
        lock (_predictLock) return Model.Predict(perturbations, context);
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
        if (!model.IsFitted)
        {
            var labels = dataset.Labels.Distinct(StringComparer.Ordinal).Where(l => !dataset.Schema.IsControlLabel(l)).Order(StringComparer.Ordinal).ToArray();
            var train = new PerturbationTrainingSet(dataset.Data, dataset.Schema, labels, dataId: dataset.Id);
            model.Fit(train, null, cancellationToken);
        }
        var vocabulary = dataset.Data.GeneNames.Concat(dataset.Targets);
        if (model is PriorModel && priors is not null) vocabulary = vocabulary.Concat(priors.Genes.Records.Select(r => r.Symbol));
        return new ServedModel(source.Id, model, dataset, vocabulary.ToArray(), Fingerprint(model));
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
