using System.Globalization;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Records;

namespace DigitalCell.Sdk.Registry;

/// <summary>
/// Registry records of a saved model (a folder with <c>model-card.json</c> and its weights): a model card for people
/// and registries (intended use, training data as provenance input records, metrics with the split they were measured
/// on, limitations, licence, files with sha256) and a Croissant 1.0 description of the model's files.
/// </summary>
public static class ModelRecords
{
    /// <summary>The intended-use statement when the card states none.</summary>
    public const string DefaultIntendedUse =
        "Research use: predicting the expression response of cells to the perturbations of its training data's kind, in the training data's cell context, " +
        "and ranking candidate perturbations for follow-up experiments. Not for clinical or diagnostic decisions.";

    /// <summary>The limitations statement when the card states none.</summary>
    public const string DefaultLimitations =
        "Scores hold for the split they were measured on; predictions for unseen cell contexts, perturbation kinds or genes outside the training panel are extrapolations. " +
        "Baselines and small models reproduce average effects and miss cell-to-cell heterogeneity.";

    /// <summary>The model card as JSON: the registry-facing form of <see cref="ModelCard"/> with the folder's files and checksums.</summary>
    /// <param name="card">The card.</param>
    /// <param name="files">The model folder's files (see <see cref="OutputRecord.ListFolder"/>).</param>
    public static JsonObject ModelCardRecord(ModelCard card, IReadOnlyList<OutputRecord> files)
    {
        ArgumentNullException.ThrowIfNull(card);
        var hyperparameters = new JsonObject();
        foreach (var (k, v) in card.Hyperparameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            hyperparameters[k] = v switch { string s => s, bool b => b, long l => l, int i => i, double d => d, float f => f, _ => v.ToString() };
        return new JsonObject
        {
            ["schema_version"] = "digitalcell-model-card/1",
            ["name"] = card.Name,
            ["architecture"] = card.Architecture,
            ["description"] = card.Description ?? $"{card.Name} ({card.Architecture}) perturbation-response model trained with DigitalCell.Sdk.",
            ["intended_use"] = card.IntendedUse ?? DefaultIntendedUse,
            ["limitations"] = card.Limitations ?? DefaultLimitations,
            ["license"] = card.License,
            ["sdk_version"] = card.SdkVersion,
            ["trained_at"] = card.TrainedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["training_data"] = new JsonArray([.. card.TrainingInputs.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i.Id, ["path"] = i.Path, ["sha256"] = i.Sha256, ["subset"] = i.Subset,
                ["cells"] = card.TrainingData?.Cells, ["genes"] = card.TrainingData?.Genes, ["perturbations"] = card.TrainingData?.Perturbations,
            })]),
            ["metrics"] = new JsonArray([.. card.Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (JsonNode)new JsonObject
            {
                ["name"] = kv.Key, ["value"] = double.IsFinite(kv.Value) ? kv.Value : null, ["split"] = card.MetricsSplit ?? "unstated",
            })]),
            ["hyperparameters"] = hyperparameters,
            ["files"] = Files(files),
        };
    }

    /// <summary>The model's files as Croissant 1.0 JSON-LD (<c>sc:Dataset</c> of <c>cr:FileObject</c>s with sha256), its training data under <c>isBasedOn</c>.</summary>
    /// <param name="card">The card.</param>
    /// <param name="files">The model folder's files.</param>
    public static JsonObject Croissant(ModelCard card, IReadOnlyList<OutputRecord> files)
    {
        ArgumentNullException.ThrowIfNull(card);
        var record = new JsonObject
        {
            ["@context"] = DatasetRecords.CroissantContext(),
            ["@type"] = "sc:Dataset",
            ["@id"] = card.Name,
            ["name"] = $"{card.Name} model",
            ["description"] = $"{card.Description ?? card.Architecture}. Intended use: {card.IntendedUse ?? DefaultIntendedUse} Limitations: {card.Limitations ?? DefaultLimitations}",
            ["conformsTo"] = DatasetRecords.CroissantProfile,
            ["citeAs"] = $"{card.Name} ({card.Architecture}), trained with DigitalCell.Sdk {card.SdkVersion}",
            ["license"] = $"https://spdx.org/licenses/{card.License}",
            ["url"] = card.Name,
            ["version"] = card.SdkVersion,
            ["keywords"] = new JsonArray("single-cell", "perturbation", "model", card.Architecture),
            ["isBasedOn"] = new JsonArray([.. card.TrainingInputs.Select(i => (JsonNode)new JsonObject
            {
                ["@type"] = "sc:Dataset", ["name"] = i.Id, ["identifier"] = $"sha256:{i.Sha256}", ["description"] = i.Subset is null ? "whole data set" : $"subset {i.Subset}",
            })]),
            ["distribution"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject
            {
                ["@type"] = "cr:FileObject", ["@id"] = f.Path, ["name"] = f.Path, ["contentUrl"] = f.Path,
                ["encodingFormat"] = f.Path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream",
                ["contentSize"] = $"{f.Bytes} B", ["sha256"] = f.Sha256,
            })]),
        };
        if (card.TrainedAt is { } trained) record["datePublished"] = trained.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return record;
    }

    /// <summary>What a K-BDI model registration still needs from a person.</summary>
    public static IReadOnlyList<string> ManualFields(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var manual = new List<string>
        {
            "registry accession and DOI of the model (minted on submission)",
            "developers, contact person and institution",
            "funding references",
        };
        if (card.IntendedUse is null) manual.Add("intended use: the SDK's default statement is written; replace it with the model's own");
        if (card.Limitations is null) manual.Add("limitations: the SDK's default statement is written; replace it with the model's own");
        if (card.MetricsSplit is null && card.Metrics.Count > 0) manual.Add("the split the metrics were measured on (the card does not say)");
        if (card.TrainingInputs.Count == 0) manual.Add("training data: the card records no input with a checksum");
        return manual;
    }

    private static JsonArray Files(IReadOnlyList<OutputRecord> files) =>
        new([.. files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["sha256"] = f.Sha256, ["bytes"] = f.Bytes })]);
}
