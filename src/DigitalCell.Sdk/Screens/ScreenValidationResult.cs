using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DigitalCell.Sdk.Screens;

/// <summary>One measured candidate in a validation: predicted (held out) beside measured effect.</summary>
/// <param name="Candidate">The perturbation label.</param>
/// <param name="PredictedEffect">Effect predicted by models that never saw it.</param>
/// <param name="PredictedUncertainty">Ensemble SD of the prediction.</param>
/// <param name="MeasuredEffect">The same objective on its measured mean.</param>
/// <param name="Known">True when a target is a known hit.</param>
/// <param name="PredictedRank">Rank by predicted effect in the screen's direction (1 = first).</param>
/// <param name="MeasuredRank">Rank by measured effect.</param>
public sealed record ValidationCandidate(string Candidate, double PredictedEffect, double PredictedUncertainty, double MeasuredEffect, bool Known, int PredictedRank, int MeasuredRank);

/// <summary>The validation of a screen against measured perturbations (see <see cref="ScreenValidation"/>).</summary>
/// <param name="Protocol">The held-out protocol.</param>
/// <param name="Candidates">Every measured candidate, by predicted rank.</param>
/// <param name="Auroc">AUROC of the known hits by predicted effect.</param>
/// <param name="PrecisionAtK">Known hits among the top k predicted, ÷ k.</param>
/// <param name="RecallAtK">Known hits in the top k predicted, ÷ known hits measured.</param>
/// <param name="K">The k used.</param>
/// <param name="PermutationP">One-sided permutation p of <paramref name="Auroc"/>.</param>
/// <param name="Permutations">Permutations drawn.</param>
/// <param name="MeasuredAuroc">AUROC of the known hits by measured effect (what a perfect model would reach).</param>
/// <param name="Spearman">Spearman correlation of predicted and measured effects.</param>
/// <param name="Refits">Ensemble members per held-out candidate.</param>
/// <param name="KnownMeasured">Known hits with measured data.</param>
/// <param name="KnownNotMeasured">Known hits without measured data (they cannot be validated here).</param>
public sealed record ScreenValidationResult(
    string Protocol,
    IReadOnlyList<ValidationCandidate> Candidates,
    double Auroc,
    double PrecisionAtK,
    double RecallAtK,
    int K,
    double PermutationP,
    int Permutations,
    double MeasuredAuroc,
    double Spearman,
    int Refits,
    IReadOnlyList<string> KnownMeasured,
    IReadOnlyList<string> KnownNotMeasured)
{
    /// <summary>The file name beside a screen.</summary>
    public const string FileName = "validation.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // gene pairs stay "A+B", not "A\u002BB"
    };

    /// <summary>As JSON with snake_case keys (<c>auroc</c>, <c>precision_at_k</c>, <c>recall_at_k</c>, <c>permutation_p</c>, <c>protocol</c>, …).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A Markdown section: the metrics and the per-candidate table.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder("## Validation against measured perturbations\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Protocol: {Protocol}.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"| AUROC (known hits) | precision@{K} | recall@{K} | permutation p ({Permutations:N0}) | AUROC of the measured effects | Spearman predicted vs measured |\n|---|---|---|---|---|---|\n");
        md.Append(CultureInfo.InvariantCulture, $"| {Auroc:F3} | {PrecisionAtK:F3} | {RecallAtK:F3} | {PermutationP:G3} | {MeasuredAuroc:F3} | {Spearman:F3} |\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Known hits measured: {string.Join(", ", KnownMeasured)}; not measured (cannot be validated here): {(KnownNotMeasured.Count == 0 ? "none" : string.Join(", ", KnownNotMeasured))}.\n\n");
        md.Append("| predicted rank | candidate | predicted effect | ± | measured effect | measured rank | known |\n|---|---|---|---|---|---|---|\n");
        foreach (var c in Candidates)
            md.Append(CultureInfo.InvariantCulture, $"| {c.PredictedRank} | {c.Candidate} | {c.PredictedEffect:G4} | {c.PredictedUncertainty:G3} | {c.MeasuredEffect:G4} | {c.MeasuredRank} | {(c.Known ? "yes" : "")} |\n");
        return md.ToString();
    }
}
