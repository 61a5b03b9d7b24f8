using System.Net;
using System.Net.Http.Json;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Screens;

namespace DigitalCell.Web.Tests;

/// <summary><c>POST /api/v1/screen</c> and its CSV on the real Papalexi THP-1 screen, against the SDK's <see cref="Screen"/> run directly.</summary>
public sealed class ScreenApiTests
{
    private const string IfnGamma = "program:HALLMARK_INTERFERON_GAMMA_RESPONSE";

    private static async Task<ScreenResponse> ScreenAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/screen", body, WebPlatform.Json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ScreenResponse>(WebPlatform.Json))!;
    }

    /// <summary>The SDK's screen of the measured knockouts from the control cells, with an ensemble fitted as the server does.</summary>
    private static async Task<ScreenResult> DirectAsync(Func<IPerturbationModel> create, int refits, int seed, ScreenDirection direction)
    {
        var served = ServedPlatform.LoadPapalexi();
        var data = ExpressionScale.EnsureLogNormalized(served.Data, "data", out _);
        var labels = data.Obs[served.Schema.PerturbationColumn];
        var cellLabels = Enumerable.Range(0, data.CellCount).Select(i => labels.GetValue(i)!.ToString()!).ToArray();
        var controls = Enumerable.Range(0, data.CellCount).Where(i => served.Schema.IsControlLabel(cellLabels[i])).ToArray();
        var knockouts = cellLabels.Where(l => !served.Schema.IsControlLabel(l)).Distinct().Order(StringComparer.Ordinal).ToArray();
        var models = ScreenEnsemble.Fit(_ => create(), data, served.Schema, refits, 0.8, seed);
        var screen = new Screen(models, data.SelectCells(controls), ScreenObjective.Hallmark(ServedPlatform.Priors, "INTERFERON_GAMMA_RESPONSE"), new ScreenOptions(direction));
        return await screen.RunAsync(ScreenCandidates.Genes(PerturbationMode.Knockout, knockouts));
    }

    [Test]
    public async Task Lowering_the_ifn_gamma_program_over_the_measured_knockouts_ranks_as_the_sdk_screen_and_finds_the_receptor_pathway()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await ScreenAsync(client, new { objective = IfnGamma, direction = "down", candidates = "measured", model = "linear", mode = "ko" });
        var expected = await DirectAsync(() => Baselines.Linear(), 1, 0, ScreenDirection.Down);
        TestContext.Out.WriteLine(string.Join(", ", answer.Rows.Select(r => $"{r.Rank} {r.Gene} {r.Effect:G4}")));
        Assert.That(answer.Rows.Select(r => r.Gene), Is.EqualTo(expected.Rows.Select(r => r.Candidate)));
        Assert.That(answer.Rows.Select(r => r.Effect!.Value), Is.EqualTo(expected.Rows.Select(r => r.Effect)).Within(1e-12));
        Assert.That(answer.Rows.Select(r => r.Rank), Is.EqualTo(Enumerable.Range(1, expected.Rows.Count)));
        Assert.That(answer.Rows.Select(r => r.Effect!.Value), Is.Ordered.Ascending, "down: the largest decrease first");
        Assert.That(answer.Rows.All(r => r.Sd is null), "one refit: no uncertainty");
        Assert.That(answer.StartCells, Is.EqualTo(2386), "the THP-1 control cells");
        // Papalexi 2021: the IFN-γ receptor, its kinase and transcription factor carry the IFN-γ response (the linear
        // baseline knows a target only through its measured expression, so IFNGR1 and IRF1, outside the panel, get its intercept).
        Assert.That(answer.Rows.Take(3).Select(r => r.Gene), Is.EquivalentTo(new[] { "IFNGR2", "STAT1", "JAK2" }));
        Assert.That(answer.Rows.Where(r => r.Gene is "IFNGR1" or "IRF1").Select(r => r.Informed), Is.All.False);
        Assert.That(answer.HitCards.Select(h => h.Gene), Is.EqualTo(answer.Rows.Where(r => r.Informed).Take(5).Select(r => r.Gene)));
        Assert.That(answer.HitCards[0].SupportingGenes, Is.Not.Empty);
        var p = answer.Provenance;
        Assert.That((p.Model, p.Dataset, p.Seed, p.Refits, p.Direction, p.Mode, p.Candidates, p.Objective), Is.EqualTo(("linear", ServedPlatform.Papalexi, 0, 1, "down", "ko", "measured", IfnGamma)));
        Assert.That(p.ModelSha, Has.Length.EqualTo(16));
    }

    [Test]
    public async Task Three_refits_give_the_sdk_ensembles_effects_and_spread_for_the_same_seed()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await ScreenAsync(client, new { objective = "INTERFERON_GAMMA_RESPONSE", direction = "up", model = "prior-ridge", refits = 3, seed = 7 });
        var expected = await DirectAsync(() => Baselines.PriorRidge(new PriorModelOptions(ServedPlatform.Priors)), 3, 7, ScreenDirection.Up);
        Assert.That(answer.Rows.Select(r => r.Gene), Is.EqualTo(expected.Rows.Select(r => r.Candidate)));
        Assert.That(answer.Rows.Select(r => r.Effect!.Value), Is.EqualTo(expected.Rows.Select(r => r.Effect)).Within(1e-12));
        Assert.That(answer.Rows.Select(r => r.Sd!.Value), Is.EqualTo(expected.Rows.Select(r => r.Uncertainty)).Within(1e-12));
        Assert.That(answer.Rows.Select(r => r.Effect!.Value), Is.Ordered.Descending, "up: the largest increase first");
        Assert.That(answer.Rows.Any(r => r.Sd > 0), "subsampled refits disagree somewhere");
        Assert.That(answer.Provenance.Objective, Is.EqualTo("program:INTERFERON_GAMMA_RESPONSE"), "a bare set name is a Hallmark program");
        Assert.That(answer.Objective, Is.EqualTo(expected.Objective).And.Contains("HALLMARK_INTERFERON_GAMMA_RESPONSE"));
    }

    [Test]
    public async Task The_csv_link_downloads_the_same_ranking_as_the_sdk_table()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await ScreenAsync(client, new { objective = IfnGamma, direction = "down", candidates = "stat1, JAK2,irf1 IFNGR2", model = "prior-ridge" });
        Assert.That(answer.Provenance.Candidates, Is.EqualTo("STAT1,JAK2,IRF1,IFNGR2"), "genes in the vocabulary's spelling");
        Assert.That(answer.Csv, Does.StartWith("/api/v1/screen.csv?").And.Contain("model=prior-ridge").And.Contain("sha=" + answer.Provenance.ModelSha)
            .And.Contain("candidates=STAT1,JAK2,IRF1,IFNGR2").And.Contain("refits=1").And.Contain("seed=0"));
        var response = await client.GetAsync(answer.Csv);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(response.Content.Headers.ContentDisposition!.FileName, Is.EqualTo("screen_prior-ridge_ko_down.csv"));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("candidate,rank,effect,uncertainty,informed,known,top_genes,effect_member_1"), "dcell screen's screen.csv columns");
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(cells.Select(c => c[0]), Is.EqualTo(answer.Rows.Select(r => r.Gene)));
        Assert.That(cells.Select(c => int.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(answer.Rows.Select(r => r.Rank)));
        Assert.That(cells.Select(c => double.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(answer.Rows.Select(r => r.Effect!.Value)).Within(1e-3).Percent, "six significant digits");
    }
}
