using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Web.Tests;

/// <summary>
/// Treatments end to end on the real Kang 2018 PBMCs (control or IFN-β-stimulated, per cell type; a cytokine in the
/// catalog): the description lists the treatment, a prediction answers as for a gene, with the measurement from the h5ad.
/// </summary>
public sealed class TreatmentApiTests
{
    private const string Monocytes = "CD14+Mono";

    /// <summary>Interferon-stimulated genes: IFN-β raises them in every cell type (Kang 2018, Fig. 3).</summary>
    private static readonly string[] InterferonStimulated = ["ISG15", "IFI6", "IFIT1", "IFIT2", "IFIT3", "ISG20", "MX1"];

    private static object Request(string perturbation, string? model = null) =>
        new { model, dataset = ServedPlatform.Kang, context = new Dictionary<string, string> { ["cell_type"] = Monocytes }, perturbation };

    private static async Task<PredictResponse> PredictAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/predict", body, WebPlatform.Json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PredictResponse>(WebPlatform.Json))!;
    }

    [Test]
    public async Task The_data_set_and_its_models_list_the_cytokine_as_a_treatment_without_a_dose()
    {
        var client = await ServedPlatform.KangClientAsync();
        var dataset = (await client.GetFromJsonAsync<DatasetBody[]>("/api/v1/datasets", WebPlatform.Json))!.Single();
        Assert.That((dataset.Id, dataset.Mode, dataset.Perturbations), Is.EqualTo((ServedPlatform.Kang, "cytokine", 1)));
        var treatment = dataset.Treatments.Single();
        Assert.That(treatment, Is.EqualTo(new TreatmentBody("stimulated", "cytokine", null, null, 1039)));
        var models = (await client.GetFromJsonAsync<ModelBody[]>("/api/v1/models", WebPlatform.Json))!;
        Assert.That(models.Select(m => m.Id), Is.EqualTo(new[] { "linear", "prior-ridge", "cell-mean" }));
        foreach (var fitted in models.Select(m => m.Fitted.Single()))
        {
            Assert.That(fitted.Modes, Is.EqualTo(new[] { "cytokine" }), "a model fitted on a cytokine says nothing about knockouts");
            Assert.That(fitted.Treatments, Is.EqualTo(new[] { treatment }));
            Assert.That(fitted.TakesDose, Is.False);
        }
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        string description = document.RootElement.GetProperty("paths").GetProperty("/api/v1/predict").GetProperty("post").GetProperty("description").GetString()!;
        Assert.That(description, Does.Contain("No served model takes a dose").And.Contain("422"));
    }

    [TestCase("linear")]
    [TestCase("prior-ridge")]
    [TestCase("cell-mean")]
    public async Task Ifn_beta_raises_the_interferon_stimulated_genes_of_cd14_monocytes_and_the_measurement_agrees(string model)
    {
        var client = await ServedPlatform.KangClientAsync();
        var answer = await PredictAsync(client, Request("Stimulated", model));
        Assert.That((answer.Model, answer.Perturbation, answer.Mode, answer.ContextLabel), Is.EqualTo((model, "stimulated", "cytokine", Monocytes)),
            "a treatment is matched case-insensitively and answered by its label");
        var isgs = InterferonStimulated.Where(answer.Genes.Contains).ToArray();
        Assert.That(isgs, Has.Length.GreaterThanOrEqualTo(5));
        Assert.That(answer.TopUp.Select(g => g.Gene), Is.SupersetOf(isgs));
        Assert.That(answer.TopUp[0].Gene, Is.EqualTo("ISG15"));
        Assert.That(answer.Notes, Has.Some.Contains("takes no dose"));

        Assert.That(answer.Measured, Is.Not.Null, "Kang's stimulated monocytes are measured");
        Assert.That(answer.Measured!.InTraining, Is.True);
        Assert.That(answer.Measured.DeltaPearson, Is.GreaterThan(0.8));
        var measuredIsgs = answer.TopUp.Where(g => isgs.Contains(g.Gene)).ToArray();
        Assert.That(measuredIsgs.Select(g => g.Measured!.Value - g.Control), Is.All.GreaterThan(0.5), "the measured monocytes raise them too");
        var alpha = answer.ProgramScores.Single(p => p.Program == "HALLMARK_INTERFERON_ALPHA_RESPONSE");
        Assert.That(alpha.After!.Value, Is.GreaterThan(alpha.Before!.Value));
    }

    [Test]
    public async Task Control_and_measured_means_of_the_stimulated_monocytes_match_a_python_computation_from_the_h5ad()
    {
        var client = await ServedPlatform.KangClientAsync();
        var answer = await PredictAsync(client, Request("stimulated"));
        // anndata + numpy: X is stored log-normalised (the platform uses it as stored); the mean of each group of CD14 monocytes.
        var reference = PythonPeer.RunJson("""
            import sys, json, numpy as np, anndata
            a = anndata.read_h5ad(sys.argv[1])
            x = np.asarray(a.X.toarray() if hasattr(a.X, 'toarray') else a.X, dtype=np.float64)
            mono = a.obs['cell_type'].astype(str).values == 'CD14+Mono'
            condition = a.obs['condition'].astype(str).values
            control, stimulated = mono & (condition == 'control'), mono & (condition == 'stimulated')
            print(json.dumps({'genes': list(map(str, a.var_names)), 'control': x[control].mean(0).tolist(), 'stimulated': x[stimulated].mean(0).tolist(), 'cells': int(stimulated.sum())}))
            """, SharedData.File(ServedPlatform.KangFile));
        Assert.That(answer.Genes, Is.EqualTo(reference.GetProperty("genes").EnumerateArray().Select(g => g.GetString()).ToArray()));
        Assert.That(answer.ControlMean, Is.EqualTo(reference.GetProperty("control").EnumerateArray().Select(v => v.GetDouble()).ToArray()).Within(1e-5));
        Assert.That(answer.Measured!.Cells, Is.EqualTo(reference.GetProperty("cells").GetInt32()));
        Assert.That(answer.Measured.MeasuredMean, Is.EqualTo(reference.GetProperty("stimulated").EnumerateArray().Select(v => v.GetDouble()).ToArray()).Within(1e-5));
    }

    [Test]
    public async Task The_permalink_of_a_treatment_downloads_the_same_prediction()
    {
        var client = await ServedPlatform.KangClientAsync();
        var answer = await PredictAsync(client, Request("stimulated", "prior-ridge"));
        Assert.That(answer.Permalink, Does.Contain("perturbation=stimulated").And.Contain("mode=cytokine").And.Contain("context=CD14%2BMono"));
        var csv = (await client.GetStringAsync("/api/v1/predict.csv" + answer.Permalink[answer.Permalink.IndexOf('?')..])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(csv.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(answer.PredictedMean).Within(1e-12));
    }

    [TestCase("/api/v1/predict", "{\"perturbation\": \"IFNB\"}", 400, "perturbation", TestName = "An unknown treatment is a 400 suggesting the known ones")]
    [TestCase("/api/v1/predict", "{\"perturbation\": \"ISG15\"}", 400, "perturbation", TestName = "A gene on a data set of treatments is a 400 naming the treatments")]
    [TestCase("/api/v1/predict", "{\"perturbation\": \"\"}", 400, "perturbation", TestName = "No treatment is a 400 naming the treatments")]
    [TestCase("/api/v1/predict", "{\"perturbation\": \"stimulated\", \"dose\": 10}", 422, "dose", TestName = "A dose is a 422 naming it: no model takes one")]
    [TestCase("/api/v1/predict", "{\"perturbation\": \"stimulated\", \"dose\": \"10 ng/ml\"}", 400, "$.dose", TestName = "A dose that is not a number is a 400 naming its path")]
    [TestCase("/api/v1/predict", "{\"perturbation\": \"stimulated\", \"mode\": \"ko\"}", 422, "mode", TestName = "A knockout mode on a cytokine data set is a 422")]
    [TestCase("/api/v1/predict", "{\"perturbation\": \"stimulated\", \"mode\": \"compound\"}", 400, "mode", TestName = "Another treatment kind is an unknown mode")]
    [TestCase("/api/v1/screen", "{\"objective\": \"INTERFERON_ALPHA_RESPONSE\"}", 422, "dataset", TestName = "A gene screen on a data set of treatments is a 422")]
    public async Task A_bad_treatment_request_is_a_4xx_naming_the_field(string path, string fields, int status, string field)
    {
        var client = await ServedPlatform.KangClientAsync();
        string body = fields.Insert(1, $"\"context\": {{\"cell_type\": \"{Monocytes}\"}}, ");
        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), text);
        var error = JsonSerializer.Deserialize<ErrorBody>(text, WebPlatform.Json)!;
        Assert.That(error.Field, Is.EqualTo(field));
        if (field == "perturbation") Assert.That(error.Suggestions, Is.EqualTo(new[] { "stimulated" }));
    }
}
