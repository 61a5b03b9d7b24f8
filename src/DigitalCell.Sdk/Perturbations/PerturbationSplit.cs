using System.Text.Json;
using System.Text.Json.Serialization;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// Which perturbation labels a model may train on, which it may use for early stopping (validation) and which it is
/// scored on (test). Splits are seeded and saved as JSON listing every fold, so a benchmark can be rerun exactly and a
/// Python model can be trained on the same folds. Build them with <see cref="PerturbationSplits"/>.
/// </summary>
/// <param name="Strategy">How the split was drawn, e.g. <c>unseen-perturbations</c>, <c>gears-simulation</c>, <c>unseen-context</c>.</param>
/// <param name="Seed">The random seed used.</param>
/// <param name="Train">Training perturbation labels (controls excluded).</param>
/// <param name="Validation">Validation labels for early stopping (may be empty).</param>
/// <param name="Test">Held-out labels to score on.</param>
/// <param name="Controls">Control labels (always available for training, and used as the reference when scoring).</param>
public sealed record PerturbationSplit(
    string Strategy,
    int Seed,
    IReadOnlyList<string> Train,
    IReadOnlyList<string> Validation,
    IReadOnlyList<string> Test,
    IReadOnlyList<string> Controls)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Labels like "A+B" stay readable (no \u002B escapes).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Named subsets of <see cref="Test"/>, e.g. GEARS' <c>unseen_single</c>, <c>combo_seen0</c>, <c>combo_seen1</c>, <c>combo_seen2</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? TestGroups { get; init; }

    /// <summary>The obs column of the context (cell line or type), for context splits.</summary>
    public string? ContextColumn { get; init; }

    /// <summary>Contexts whose cells are used for training, for context splits.</summary>
    public IReadOnlyList<string>? TrainContexts { get; init; }

    /// <summary>Contexts held out entirely and scored, for context splits.</summary>
    public IReadOnlyList<string>? TestContexts { get; init; }

    /// <summary>The perturbation column the labels come from.</summary>
    public string? PerturbationColumn { get; init; }

    /// <summary>Identifier of the data the split was drawn from (catalog id or file name), for provenance.</summary>
    public string? DataId { get; init; }

    /// <summary>The split as indented JSON (snake_case keys).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a split from JSON written by <see cref="ToJson"/>.</summary>
    /// <exception cref="DigitalCellException">The JSON is malformed or a fold is missing.</exception>
    public static PerturbationSplit FromJson(string json, string source = "split JSON")
    {
        PerturbationSplit? split;
        try { split = JsonSerializer.Deserialize<PerturbationSplit>(json, Json); }
        catch (JsonException e) { throw new DigitalCellException(source, e.Path, $"not a perturbation split: {e.Message}", e); }
        if (split is null || split.Train is null || split.Validation is null || split.Test is null || split.Controls is null)
            throw new DigitalCellException(source, null, "a perturbation split needs 'train', 'validation', 'test' and 'controls' lists.");
        var overlap = split.Train.Intersect(split.Test, StringComparer.Ordinal).ToArray();
        if (overlap.Length > 0)
            throw new DigitalCellException(source, "test", $"labels are both in train and test: {string.Join(", ", overlap.Take(5))}.");
        return split;
    }

    /// <summary>Writes the split as JSON to <paramref name="path"/> (atomically).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a split saved with <see cref="Save"/>.</summary>
    public static PerturbationSplit Load(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "split file not found.");
        return FromJson(File.ReadAllText(path), path);
    }
}
