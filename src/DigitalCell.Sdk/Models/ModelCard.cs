using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Records;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The identity card of a model, saved next to its weights as <c>model-card.json</c>: what it is (name,
/// architecture, hyperparameters), what it was trained on (data id + SHA-256), how it scored, under which licence,
/// and which SDK version wrote it.
/// </summary>
/// <param name="Name">Model name as shown in reports.</param>
/// <param name="Architecture">Architecture id used by <see cref="PerturbationModels.Load"/> to pick the loader (e.g. <c>baseline/linear</c>).</param>
public sealed record ModelCard(string Name, string Architecture)
{
    /// <summary>The file name of a card inside a model directory.</summary>
    public const string FileName = "model-card.json";

    /// <summary>Hyperparameters: values are strings, doubles, longs or booleans.</summary>
    public IReadOnlyDictionary<string, object> Hyperparameters { get; init; } = new Dictionary<string, object>();

    /// <summary>What the model was fitted on, or null if not fitted.</summary>
    public ModelTrainingData? TrainingData { get; init; }

    /// <summary>Scores measured for this model (metric name → value), e.g. from a benchmark.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Licence of the weights (SPDX id where possible).</summary>
    public string License { get; init; } = "MIT";

    /// <summary>Version of DigitalCell.Sdk that wrote the card.</summary>
    public string SdkVersion { get; init; } = CurrentSdkVersion;

    /// <summary>Free-text description, citation or notes.</summary>
    public string? Description { get; init; }

    /// <summary>When the model was fitted (UTC), or null.</summary>
    public DateTimeOffset? TrainedAt { get; init; }

    /// <summary>
    /// The files the model was trained on, as provenance input records (id, path as given, sha256, subset applied);
    /// by default the one input <see cref="TrainingData"/> names when its checksum is known.
    /// </summary>
    public IReadOnlyList<InputRecord> TrainingInputs
    {
        get => _trainingInputs ?? (TrainingData is { Id: string id, Sha256: string sha } ? [new InputRecord(id, id, sha)] : []);
        init => _trainingInputs = value;
    }

    private readonly IReadOnlyList<InputRecord>? _trainingInputs;

    /// <summary>The split <see cref="Metrics"/> were measured on (e.g. <c>unseen:0.2 seed 0, validation perturbations</c>), or null when unstated.</summary>
    public string? MetricsSplit { get; init; }

    /// <summary>What the model is for, in a sentence or two (shown in exported model cards), or null for the SDK's default statement.</summary>
    public string? IntendedUse { get; init; }

    /// <summary>Known limitations (shown in exported model cards), or null for the SDK's default statement.</summary>
    public string? Limitations { get; init; }

    /// <summary>The running SDK's informational version.</summary>
    public static string CurrentSdkVersion { get; } =
        typeof(ModelCard).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ModelCard).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>A numeric hyperparameter.</summary>
    /// <exception cref="DigitalCellException">Absent or not a number.</exception>
    public double Number(string name) => Hyperparameters.TryGetValue(name, out var v) ? v switch
    {
        double d => d,
        long l => l,
        int i => i,
        float f => f,
        _ => throw new DigitalCellException($"Model card '{Name}': hyperparameter '{name}' is {v}, not a number."),
    } : throw new DigitalCellException($"Model card '{Name}': no hyperparameter '{name}'.");

    /// <summary>The card as indented JSON (snake_case keys).</summary>
    public string ToJson()
    {
        var hp = new JsonObject();
        foreach (var (k, v) in Hyperparameters.OrderBy(kv => kv.Key, StringComparer.Ordinal)) hp[k] = ToNode(v);
        var metrics = new JsonObject();
        foreach (var (k, v) in Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal)) metrics[k] = double.IsFinite(v) ? v : null;
        var root = new JsonObject
        {
            ["name"] = Name,
            ["architecture"] = Architecture,
            ["hyperparameters"] = hp,
            ["training_data"] = TrainingData is null ? null : new JsonObject
            {
                ["id"] = TrainingData.Id,
                ["sha256"] = TrainingData.Sha256,
                ["cells"] = TrainingData.Cells,
                ["genes"] = TrainingData.Genes,
                ["perturbations"] = TrainingData.Perturbations,
            },
            ["training_inputs"] = new JsonArray([.. TrainingInputs.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i.Id, ["path"] = i.Path, ["sha256"] = i.Sha256, ["subset"] = i.Subset,
            })]),
            ["metrics"] = metrics,
            ["metrics_split"] = MetricsSplit,
            ["intended_use"] = IntendedUse,
            ["limitations"] = Limitations,
            ["license"] = License,
            ["sdk_version"] = SdkVersion,
            ["description"] = Description,
            ["trained_at"] = TrainedAt?.ToString("O", CultureInfo.InvariantCulture),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Reads a card written by <see cref="ToJson"/>.</summary>
    /// <exception cref="DigitalCellException">Malformed JSON, or <c>name</c>/<c>architecture</c> missing.</exception>
    public static ModelCard FromJson(string json, string source = FileName)
    {
        JsonObject root;
        try { root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject ?? throw new DigitalCellException(source, null, "a model card must be a JSON object."); }
        catch (JsonException e) { throw new DigitalCellException(source, null, $"not valid JSON: {e.Message}", e); }
        try
        {
            return FromJson(root, source);
        }
        // JsonNode's typed accessors throw these for a value of another JSON type (a name that is a number, a date that is not one).
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new DigitalCellException(source, null, $"malformed model card: {e.Message}", e);
        }
    }

    private static ModelCard FromJson(JsonObject root, string source)
    {
        string Required(string key) => root[key]?.GetValue<string>() ?? throw new DigitalCellException(source, key, "required field missing.");
        var hp = new Dictionary<string, object>(StringComparer.Ordinal);
        if (root["hyperparameters"] is JsonObject h)
            foreach (var (k, v) in h) if (v is not null) hp[k] = FromNode(v, source, "hyperparameters/" + k);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root["metrics"] is JsonObject m)
            foreach (var (k, v) in m) metrics[k] = v is null ? double.NaN : v.GetValue<double>();
        ModelTrainingData? data = root["training_data"] is JsonObject t
            ? new ModelTrainingData(t["id"]?.GetValue<string>(), t["sha256"]?.GetValue<string>(),
                t["cells"]?.GetValue<int>() ?? 0, t["genes"]?.GetValue<int>() ?? 0, t["perturbations"]?.GetValue<int>() ?? 0)
            : null;
        IReadOnlyList<InputRecord>? inputs = root["training_inputs"] is JsonArray list
            ? [.. list.OfType<JsonObject>().Select(i => new InputRecord(
                i["id"]?.GetValue<string>() ?? throw new DigitalCellException(source, "training_inputs/id", "required field missing."),
                i["path"]?.GetValue<string>() ?? "", i["sha256"]?.GetValue<string>() ?? "", i["subset"]?.GetValue<string>()))]
            : null;
        return new ModelCard(Required("name"), Required("architecture"))
        {
            TrainingInputs = inputs!,
            MetricsSplit = root["metrics_split"]?.GetValue<string>(),
            IntendedUse = root["intended_use"]?.GetValue<string>(),
            Limitations = root["limitations"]?.GetValue<string>(),
            Hyperparameters = hp,
            TrainingData = data,
            Metrics = metrics,
            License = root["license"]?.GetValue<string>() ?? "unknown",
            SdkVersion = root["sdk_version"]?.GetValue<string>() ?? "unknown",
            Description = root["description"]?.GetValue<string>(),
            TrainedAt = root["trained_at"]?.GetValue<string>() is string s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : null,
        };
    }

    /// <summary>Writes <c>model-card.json</c> into <paramref name="directory"/> (atomically).</summary>
    public void Save(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), ToJson());

    /// <summary>Reads <c>model-card.json</c> from a model directory.</summary>
    /// <exception cref="DigitalCellException">The directory has no card or it is malformed.</exception>
    public static ModelCard Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new DigitalCellException(directory, null, $"not a model directory: {FileName} not found.");
        return FromJson(File.ReadAllText(path), path);
    }

    private static JsonNode? ToNode(object v) => v switch
    {
        string s => s,
        bool b => b,
        int i => i,
        long l => l,
        float f => (double)f,
        double d => d,
        _ => throw new DigitalCellException($"Model card hyperparameter of type {v.GetType().Name} is not supported (use string, number or bool)."),
    };

    private static object FromNode(JsonNode v, string source, string element)
    {
        var value = v.AsValue();
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<long>(out long l) ? l : value.GetValue<double>(),
            _ => throw new DigitalCellException(source, element, "hyperparameters must be strings, numbers or booleans."),
        };
    }
}

/// <summary>The data a model was fitted on.</summary>
/// <param name="Id">Catalog id or file name.</param>
/// <param name="Sha256">SHA-256 of the data file, when known.</param>
/// <param name="Cells">Number of training cells used (controls included).</param>
/// <param name="Genes">Number of genes.</param>
/// <param name="Perturbations">Number of training perturbations.</param>
public sealed record ModelTrainingData(string? Id, string? Sha256, int Cells, int Genes, int Perturbations);
