using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// A top candidate written for a wet lab: what to perturb and how, the predicted effect with its uncertainty, the genes
/// that carry the prediction and whether the literature already supports it.
/// </summary>
/// <param name="Rank">Rank in the screen.</param>
/// <param name="Candidate">The perturbation (e.g. <c>STAT1</c>).</param>
/// <param name="PredictedEffect">Change of the objective (see <see cref="ScreenRow.Effect"/>).</param>
/// <param name="Uncertainty">Ensemble standard deviation.</param>
/// <param name="SupportingGenes">Genes the candidate moves most, with their predicted change.</param>
/// <param name="KnownEvidence">True when the candidate is a known hit of the disease.</param>
/// <param name="Informed">False when the model had no information on the target (a guess from its intercept).</param>
public sealed record HitCard(int Rank, string Candidate, double PredictedEffect, double Uncertainty, IReadOnlyList<GeneChange> SupportingGenes, bool KnownEvidence, bool Informed)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }; // pairs stay "A+B"

    /// <summary>The top <paramref name="count"/> informed candidates of a screen.</summary>
    public static IReadOnlyList<HitCard> Top(ScreenResult result, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Rows.Where(r => r.Informed).Take(count)
            .Select(r => new HitCard(r.Rank, r.Candidate, r.Effect, r.Uncertainty, r.TopGenes, r.Known, r.Informed)).ToArray();
    }

    /// <summary>Cards as JSON (with the screen's objective and direction).</summary>
    public static string ToJson(ScreenResult result, IReadOnlyList<HitCard> cards) =>
        JsonSerializer.Serialize(new { objective = result.Objective, direction = result.Direction.ToString().ToLowerInvariant(), models = result.Models, hits = cards }, Json);

    /// <summary>Cards as Markdown, one section per hit.</summary>
    public static string ToMarkdown(ScreenResult result, IReadOnlyList<HitCard> cards)
    {
        ArgumentNullException.ThrowIfNull(result);
        var md = new StringBuilder($"# Hit cards\n\nObjective: {result.Objective}, direction **{result.Direction.ToString().ToLowerInvariant()}**; models: {string.Join(", ", result.Models)}.\n");
        md.Append("Predictions of a model, not measurements: a hit is a hypothesis to test (e.g. an arrayed knockout with the listed genes as read-outs).\n");
        foreach (var c in cards)
        {
            md.Append($"\n## {c.Rank}. {c.Candidate}\n\n");
            md.Append($"- predicted effect: {ScreenResult.Number(c.PredictedEffect)} ± {ScreenResult.Number(c.Uncertainty)} (ensemble SD)\n");
            md.Append($"- supporting genes: {(c.SupportingGenes.Count == 0 ? "none moved" : string.Join(", ", c.SupportingGenes.Select(g => $"{g.Gene} ({(g.Change >= 0 ? "+" : "")}{ScreenResult.Number(g.Change)})")))}\n");
            md.Append($"- known evidence: {(c.KnownEvidence ? "yes (listed as a known hit)" : "none given")}\n");
        }
        return md.ToString();
    }
}
