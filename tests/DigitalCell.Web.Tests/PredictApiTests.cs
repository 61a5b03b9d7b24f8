using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Web.Tests;

/// <summary><c>POST /api/v1/predict</c> and the downloads on the real Papalexi THP-1 screen, against independent references.</summary>
public sealed class PredictApiTests
{
    private static async Task<PredictResponse> PredictAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/predict", body, WebPlatform.Json);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PredictResponse>(WebPlatform.Json))!;
    }

    [Test]
    public async Task Control_and_measured_means_match_a_python_computation_from_the_h5ad()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await PredictAsync(client, new { perturbation = "IFNGR1", mode = "ko" });
        // anndata + numpy: cell-eval's normalisation (median library size, log1p), then the mean of each group.
        var reference = PythonPeer.RunJson("""
            import sys, json, numpy as np, anndata
            a = anndata.read_h5ad(sys.argv[1])
            x = a.X.toarray().astype(np.float64)
            totals = x.sum(1)
            x = np.log1p(x / totals[:, None] * np.median(totals))
            p = a.obs['perturbation'].astype(str).values
            print(json.dumps({'genes': list(map(str, a.var_names)), 'control': x[p == 'control'].mean(0).tolist(), 'ifngr1': x[p == 'IFNGR1'].mean(0).tolist(), 'cells': int((p == 'IFNGR1').sum())}))
            """, SharedData.File(ServedPlatform.File));
        Assert.That(answer.Genes, Is.EqualTo(reference.GetProperty("genes").EnumerateArray().Select(g => g.GetString()).ToArray()));
        var control = reference.GetProperty("control").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var measured = reference.GetProperty("ifngr1").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.That(answer.ControlMean, Is.EqualTo(control).Within(1e-5));
        Assert.That(answer.Measured, Is.Not.Null);
        Assert.That(answer.Measured!.Cells, Is.EqualTo(reference.GetProperty("cells").GetInt32()));
        Assert.That(answer.Measured.MeasuredMean, Is.EqualTo(measured).Within(1e-5));
        Assert.That(answer.Measured.InTraining, Is.True);
    }

    [Test]
    public async Task The_default_model_answers_as_the_sdk_model_fitted_on_the_same_cells()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await PredictAsync(client, new { perturbation = "IFNGR1" });
        Assert.That((answer.Model, answer.Dataset, answer.Mode, answer.ContextLabel), Is.EqualTo(("linear", ServedPlatform.Papalexi, "ko", "THP-1")));

        var served = ServedPlatform.LoadPapalexi();
        var data = ExpressionScale.EnsureLogNormalized(served.Data, "data", out _);
        var labels = data.Obs[served.Schema.PerturbationColumn];
        var perturbations = Enumerable.Range(0, data.CellCount).Select(i => labels.GetValue(i)!.ToString()!).Distinct().Where(l => !served.Schema.IsControlLabel(l)).Order(StringComparer.Ordinal).ToArray();
        var model = Baselines.Linear();
        model.Fit(new PerturbationTrainingSet(data, served.Schema, perturbations));
        var expected = model.Predict([Perturbation.Genes(PerturbationMode.Knockout, "IFNGR1")]).Means.Row(0).ToArray().Select(v => (double)v).ToArray();
        Assert.That(answer.PredictedMean, Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public async Task Top_genes_are_the_largest_changes_in_order_and_the_ifn_gamma_receptor_knockout_lowers_its_targets()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await PredictAsync(client, new { perturbation = "ifngr1", mode = "ko", model = "linear" });
        Assert.That(answer.Perturbation, Is.EqualTo("IFNGR1"), "genes are matched case-insensitively and answered in the vocabulary's spelling");
        var deltas = answer.Genes.Select((g, i) => (Gene: g, Delta: answer.PredictedMean[i] - answer.ControlMean[i])).ToArray();
        var expectedDown = deltas.Where(d => d.Delta < 0).OrderBy(d => d.Delta).Take(20).Select(d => d.Gene).ToArray();
        var expectedUp = deltas.Where(d => d.Delta > 0).OrderByDescending(d => d.Delta).Take(20).Select(d => d.Gene).ToArray();
        Assert.That(answer.TopDown.Select(g => g.Gene), Is.EqualTo(expectedDown));
        Assert.That(answer.TopUp.Select(g => g.Gene), Is.EqualTo(expectedUp));
        // Papalexi 2021: losing the IFN-γ receptor silences IFN-γ/JAK-STAT signalling; STAT1 and its targets fall.
        Assert.That(answer.TopDown.Take(10).Select(g => g.Gene), Does.Contain("STAT1"));
        var jakStat = answer.ProgramScores.Single(p => p.Library == "PROGENy" && p.Program == "JAK-STAT");
        Assert.That(jakStat.After!.Value, Is.LessThan(jakStat.Before!.Value));
    }

    [Test]
    public async Task A_pair_is_predicted_and_an_unmeasured_pair_says_there_is_no_measurement()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await PredictAsync(client, new { perturbation = "IFNGR1+JAK2", model = "prior-ridge" });
        Assert.That(answer.Perturbation, Is.EqualTo("IFNGR1+JAK2"));
        Assert.That(answer.Measured, Is.Null);
        Assert.That(answer.Notes, Has.Some.Contains("not measured"));
        Assert.That(answer.PredictedMean, Has.Count.EqualTo(299));
    }

    [Test]
    public async Task A_prior_model_predicts_a_gene_outside_the_screen_from_its_prior_vector()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await PredictAsync(client, new { perturbation = "TP53", model = "prior-ridge" });
        Assert.That(answer.Measured, Is.Null);
        var linear = await client.PostAsJsonAsync("/api/v1/predict", new { perturbation = "TP53", model = "linear" }, WebPlatform.Json);
        Assert.That(linear.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the linear baseline only knows the measured genes");
    }

    [Test]
    public async Task The_permalink_query_downloads_the_same_profiles_as_csv_and_h5ad()
    {
        var client = await ServedPlatform.ClientAsync();
        var answer = await PredictAsync(client, new { perturbation = "STAT1", model = "cell-mean" });
        Assert.That(answer.Permalink, Does.Contain("model=cell-mean").And.Contain("sha=" + answer.ModelSha).And.Contain("dataset=" + ServedPlatform.Papalexi)
            .And.Contain("perturbation=STAT1").And.Contain("mode=ko").And.Contain("seed=0"));
        string query = answer.Permalink[answer.Permalink.IndexOf('?')..];
        var csv = (await client.GetStringAsync("/api/v1/predict.csv" + query)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(csv[0], Is.EqualTo("gene,control_mean,predicted_mean,delta,measured_mean"));
        Assert.That(csv.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(answer.Genes));
        Assert.That(csv.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(answer.PredictedMean).Within(1e-12));

        var h5ad = Path.Combine(RepoPaths.NewTempDirectory(), "answer.h5ad");
        await File.WriteAllBytesAsync(h5ad, await client.GetByteArrayAsync("/api/v1/predict.h5ad" + query));
        var read = PythonPeer.RunJson("""
            import sys, json, anndata, numpy as np
            a = anndata.read_h5ad(sys.argv[1])
            print(json.dumps({'obs': list(map(str, a.obs_names)), 'predicted': np.asarray(a.X)[1].astype(float).tolist(), 'sha': str(a.obs['model_sha'].iloc[0]), 'permalink': str(a.uns['dcell_serve']['permalink'])}))
            """, h5ad);
        Assert.That(read.GetProperty("obs").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "control", "predicted", "measured" }));
        Assert.That(read.GetProperty("predicted").EnumerateArray().Select(e => e.GetDouble()), Is.EqualTo(answer.PredictedMean).Within(1e-6));
        Assert.That(read.GetProperty("sha").GetString(), Is.EqualTo(answer.ModelSha));
        Assert.That(read.GetProperty("permalink").GetString(), Is.EqualTo(answer.Permalink));
        Directory.Delete(Path.GetDirectoryName(h5ad)!, recursive: true);
    }

    [Test]
    public async Task Datasets_contexts_models_and_embedding_describe_what_is_served()
    {
        var client = await ServedPlatform.ClientAsync();
        var datasets = (await client.GetFromJsonAsync<DatasetBody[]>("/api/v1/datasets", WebPlatform.Json))!;
        Assert.That(datasets.Single().Id, Is.EqualTo(ServedPlatform.Papalexi));
        Assert.That((datasets[0].Cells, datasets[0].Genes, datasets[0].Perturbations), Is.EqualTo((20729, 299, 25)));
        var contexts = (await client.GetFromJsonAsync<ContextBody[]>($"/api/v1/datasets/{ServedPlatform.Papalexi}/contexts", WebPlatform.Json))!;
        Assert.That(contexts.Single().Label, Is.EqualTo("THP-1"));
        Assert.That(contexts[0].ControlCells, Is.EqualTo(2386));
        var models = (await client.GetFromJsonAsync<ModelBody[]>("/api/v1/models", WebPlatform.Json))!;
        Assert.That(models.Select(m => m.Id), Is.EqualTo(new[] { "linear", "prior-ridge", "cell-mean" }));
        Assert.That(models.All(m => m.Fitted.Single().Sha.Length == 16 && m.Fitted[0].Modes.SequenceEqual(["ko"])));
        var embedding = (await client.GetFromJsonAsync<EmbeddingBody>($"/api/v1/datasets/{ServedPlatform.Papalexi}/embedding", WebPlatform.Json))!;
        Assert.That(embedding.X, Has.Length.EqualTo(3000));
        Assert.That(embedding.Perturbation.Distinct().Count(), Is.EqualTo(26));
        Assert.That(embedding.VarianceRatio[0], Is.GreaterThan(embedding.VarianceRatio[1]));
        var genes = await client.GetFromJsonAsync<string[]>("/api/v1/models/linear/genes?prefix=ifng", WebPlatform.Json);
        Assert.That(genes!.Take(2), Is.EqualTo(new[] { "IFNGR1", "IFNGR2" }), "the perturbed genes first, in the vocabulary's spelling");
    }
}
