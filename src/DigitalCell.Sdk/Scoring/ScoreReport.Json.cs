using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DigitalCell.Sdk.Scoring;

public sealed partial class ScoreReport
{
    /// <summary>
    /// The report as JSON: mode, data, split (every fold), options, metric definitions, rankings, summaries and every
    /// per-perturbation value. NaN is written as the string <c>"NaN"</c>, missing values as null.
    /// </summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["mode"] = new JsonObject
            {
                ["name"] = Mode.Name, ["signed_discrimination"] = Mode.SignedDiscrimination, ["global_fdr"] = Mode.GlobalFdr,
                ["clipped_fold_change"] = Mode.ClippedFoldChange, ["description"] = Mode.Description,
            },
            ["data"] = DataId,
            ["provenance"] = Record is null ? null : JsonNode.Parse(Record.ToJson()),
            ["split"] = Split is null ? null : JsonNode.Parse(Split.ToJson()),
            ["notes"] = new JsonArray(Notes.Select(n => (JsonNode)n).ToArray()),
            ["options"] = new JsonObject
            {
                ["baseline_model"] = Options.BaselineModel, ["bootstrap_samples"] = Options.BootstrapSamples, ["seed"] = Options.Seed,
                ["confidence_level"] = Options.ConfidenceLevel,
                ["overall_metrics"] = new JsonArray(OverallMetricNames.Select(n => (JsonNode)n).ToArray()),
            },
            ["metrics"] = new JsonArray(Metrics.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name, ["best"] = m.Best.ToString().ToLowerInvariant(), ["per_perturbation"] = m.IsPerPerturbation, ["needs"] = m.Needs.ToString(),
                ["description"] = m.Description,
            }).ToArray()),
            ["models"] = new JsonArray(Models.Select(m => (JsonNode)m).ToArray()),
            ["perturbations"] = new JsonArray(ModelScores[0].Input.Perturbations.Select(p => (JsonNode)p).ToArray()),
            ["contexts"] = new JsonArray(ModelScores[0].Input.Units.Select(u => (JsonNode?)u.Context).ToArray()),
            ["rankings"] = new JsonArray(Rankings.Select(r => (JsonNode)new JsonObject
            {
                ["model"] = r.Model, ["overall_score"] = Number(r.OverallScore), ["overall_score_unclipped"] = Number(r.OverallScoreUnclipped), ["mean_rank"] = Number(r.MeanRank),
                ["ranks"] = new JsonObject(r.Ranks.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            }).ToArray()),
            ["summaries"] = new JsonArray(Summaries.Select(s => (JsonNode)new JsonObject
            {
                ["model"] = s.Model, ["metric"] = s.Metric, ["mean"] = Number(s.Mean), ["std"] = Number(s.StandardDeviation),
                ["ci_low"] = Number(s.CiLow), ["ci_high"] = Number(s.CiHigh), ["count"] = s.Count, ["undefined"] = s.Undefined, ["total"] = s.Total,
                ["scaled"] = Number(s.Scaled), ["scaled_unclipped"] = Number(s.ScaledUnclipped),
            }).ToArray()),
            ["anchors"] = new JsonArray(Anchors.Select(a => (JsonNode)new JsonObject
            {
                ["context"] = a.Context, ["metric"] = a.Metric, ["baseline"] = Number(a.Baseline), ["replicate"] = Number(a.Replicate),
                ["replicate_sd"] = Number(a.ReplicateStandardDeviation), ["perturbations"] = a.Perturbations,
            }).ToArray()),
            ["group_means"] = new JsonObject(GroupMeans().Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonObject(
                g.Value.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)new JsonObject(m.Value.Select(v => KeyValuePair.Create(v.Key, Number(v.Value)))))))))),
            ["per_perturbation"] = new JsonArray(ModelScores.Select(m => (JsonNode)new JsonObject
            {
                ["model"] = m.Model,
                ["values"] = new JsonObject(m.Values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(Number).ToArray())))),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static JsonNode? Number(double? v) => v switch
    {
        null => null,
        double d when double.IsNaN(d) => "NaN",
        double d when double.IsPositiveInfinity(d) => "Infinity",
        double d when double.IsNegativeInfinity(d) => "-Infinity",
        double d => d,
    };
}
