using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class BenchmarkCommandTests : TempDirectoryTest
{
    [Test]
    public void BenchmarkOnThePapalexiDataFromTheMirrorWritesTheReportAndPrintsTheTable()
    {
        string dir = Path.Combine(Temp, "out");
        bool images = File.Exists("/usr/bin/chromium");
        var result = Dcell.Run("benchmark", "--mirror", SharedData.Mirror, "--models", "control-mean,cell-mean", "--split", "unseen:0.2", "--seed", "0",
            "--bootstrap", "50", "--out", dir, "--figures", images ? "png,svg" : "html");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("score vs cell-mean").And.Contain("discrimination_score_l1").And.Contain("CAV1"));
        foreach (var file in new[] { "report.json", "report.md", "report.html", "split.json", "figures/metrics.html", "figures/de-overlap-heatmap.html", "figures/delta-scatter-cell-mean.html" })
            Assert.That(File.Exists(Path.Combine(dir, file)), Is.True, file);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
        Assert.That(report["perturbations"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(report["split"]!["test"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(report["perturbations"]!.AsArray().Select(n => n!.GetValue<string>())));
        string html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.That(CountOf(html, "plotly.js v3"), Is.EqualTo(1), "plotly.js is embedded once, not per figure");
        Assert.That(html, Does.Not.Contain("cdn.plot.ly/plotly"), "the report renders offline");
        Assert.That(File.ReadAllText(Path.Combine(dir, "figures", "metrics.html")), Does.Contain("src=\"plotly.min.js\""));
        if (!images) Assert.Ignore("/usr/bin/chromium is not installed; PNG/SVG export not checked.");
        var pages = Directory.GetFiles(Path.Combine(dir, "figures"), "*.html").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.That(Directory.GetFiles(Path.Combine(dir, "figures"), "*.png").Select(Path.GetFileNameWithoutExtension).Order(), Is.EqualTo(pages), "a PNG per figure");
        Assert.That(Directory.GetFiles(Path.Combine(dir, "figures"), "*.svg").Select(Path.GetFileNameWithoutExtension).Order(), Is.EqualTo(pages), "an SVG per figure");
        Assert.That(File.ReadAllBytes(Path.Combine(dir, "figures", "metrics.png"))[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        Assert.That(File.ReadAllText(Path.Combine(dir, "figures", "de-overlap-heatmap.svg")), Does.StartWith("<svg").And.Contain("overlap_at_N per perturbation"));
    }

    [Test]
    public void A_piped_table_keeps_every_model_name_whole()
    {
        // Six models make the table wider than the 80 columns Spectre assumes without a terminal.
        string[] models = ["control-mean", "cell-mean", "non-control-mean", "linear", "additive", "crispr-mean"];
        var result = Dcell.Run("benchmark", "--mirror", SharedData.Mirror, "--models", string.Join(',', models), "--metrics", "mae,mse",
            "--bootstrap", "0", "--out", Path.Combine(Temp, "wide"));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var header = result.Output.Split('\n').Single(l => l.Contains("metric"));
        Assert.That(header.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1), Is.EquivalentTo(models), header);
        Assert.That(result.Output, Does.Not.Contain("…"), "nothing cut");
    }

    [Test]
    public void An_unknown_figure_format_is_one_error_line()
    {
        var result = Dcell.Run("benchmark", "--mirror", SharedData.Mirror, "--figures", "png,gif", "--out", Path.Combine(Temp, "never"));

        Assert.That(result.ExitCode, Is.EqualTo(Program.UsageExitCode), "refused by the parser, before any data loads");
        Assert.That(result.Error.Split('\n')[0], Is.EqualTo("error: --figures: 'gif' is not a figure format; use html, png, svg."));
        Assert.That(Directory.Exists(Path.Combine(Temp, "never")), Is.False);
    }

    [Test]
    public void ScoreComparesPredictionsMadeElsewhere()
    {
        var (real, pred) = WriteRealAndPredicted(p => p);
        string dir = Path.Combine(Temp, "score");
        var result = Dcell.Run("score", "--real", real, "--pred", pred, "--metrics", "mae,pearson_delta,overlap_at_N,discrimination_score_l1", "--bootstrap", "20", "--out", dir);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var summaries = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!["summaries"]!.AsArray();
        var mae = summaries.First(s => s!["metric"]!.GetValue<string>() == "mae")!;
        Assert.That(mae["mean"]!.GetValue<double>(), Is.GreaterThan(0), "predictions are another knockout's cells, so the error is not zero");
    }

    [Test]
    public void ScoreInVcc2026ModeScoresTheSixMetricsAgainstTheAnchors()
    {
        var (real, pred) = WriteRealAndPredicted(p => p);
        string dir = Path.Combine(Temp, "vcc2026");
        var result = Dcell.Run("score", "--real", real, "--pred", pred, "--mode", "vcc2026", "--bootstrap", "20", "--out", dir);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("VCC 2026 score").And.Contain("de_wilcoxon_lfc_nmae"));
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "report.json")))!;
        Assert.That(report["summaries"]!.AsArray().Select(s => s!["metric"]!.GetValue<string>()), Is.EqualTo(new[]
        {
            "pds_cosine", "expr_mse_unbiased_capped_norm", "de_wilcoxon_direction_fidelity_yield_raw", "de_wilcoxon_direction_reach_raw",
            "de_wilcoxon_sig_jaccard", "de_wilcoxon_lfc_nmae",
        }));
        Assert.That(report["anchors"]!.AsArray(), Has.Count.EqualTo(6), "one baseline/replicate pair per metric (one context)");
        Assert.That(File.ReadAllText(Path.Combine(dir, "report.md")), Does.Contain("Anchors").And.Contain("split-half replicate"));
        Assert.That(report["rankings"]![0]!["overall_score_unclipped"], Is.Not.Null);
    }

    [Test]
    public void ScoreWithACrateRecordsBothInputsAndReproducesIdentically()
    {
        var (real, pred) = WriteRealAndPredicted(p => p);
        string dir = Path.Combine(Temp, "scored");
        var result = Dcell.Run("score", "--real", real, "--pred", pred, "--metrics", "mae,pearson_delta", "--bootstrap", "20", "--out", dir, "--crate");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var record = Sdk.Records.RunCrate.Read(dir);
        Assert.That(record.Inputs.Select(i => (i.Id, i.Path)), Is.EqualTo(new[] { ("real", "real.h5ad"), ("prediction", "pred.h5ad") }));

        var again = Dcell.Run("reproduce", dir);

        Assert.That(again.ExitCode, Is.Zero, again.Output + again.Error);
        Assert.That(again.Output, Does.Contain("identical: every number of agg_results.csv, report.json, results.csv agrees"));
    }

    [Test]
    public void ScoreReadsCellEvalNamedFilesWithoutFlagsAndWritesCellEvalsTables()
    {
        // cell-eval's defaults: obs column target_gene, control non-targeting; a combination label keeps its '+' in JSON.
        var (real, pred) = WriteRealAndPredicted(p => p, "target_gene", l => l switch { "control" => "non-targeting", "STAT1" => "STAT1+IRF1", _ => l });
        string dir = Path.Combine(Temp, "cell-eval");
        var result = Dcell.Run("score", "-ar", real, "-ap", pred, "--metrics", "mae,pearson_delta,overlap_at_7,de_direction_match", "--bootstrap", "20", "-o", dir);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        string json = File.ReadAllText(Path.Combine(dir, "report.json"));
        Assert.That(json, Does.Contain("\"STAT1+IRF1\"").And.Not.Contain("\\u002B"));
        var results = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.That(results[0], Is.EqualTo("model,perturbation,mae,pearson_delta,overlap_at_7,de_direction_match"));
        Assert.That(results.Skip(1).Select(l => l.Split(',')[1]), Is.EquivalentTo(new[] { "CD86", "IFNGR1", "STAT1+IRF1" }));
        var aggregate = File.ReadAllLines(Path.Combine(dir, "agg_results.csv"));
        Assert.That(aggregate.Select(l => l.Split(',')[1]).Skip(1), Is.EqualTo(new[] { "count", "null_count", "mean", "std", "min", "25%", "50%", "75%", "max" }));
        Assert.That(result.Output, Does.Contain("overlap_at_7").And.Contain("unclipped").Or.Contain("overlap_at_7"));
    }

    [Test]
    public void ScoreTakesCellEvalsCommandLineAsItIs()
    {
        var (real, pred) = WriteRealAndPredicted(p => p, "target_gene", l => l == "control" ? "non-targeting" : l);
        foreach (var path in new[] { real, pred })
        {
            var cells = H5adFile.Read(path);
            H5adFile.Write(cells.WithObs(cells.Obs.With(CategoricalColumn.FromLabels("line", Enumerable.Repeat("THP-1", cells.CellCount).ToArray()))), path);
        }
        string dir = Path.Combine(Temp, "cell-eval");

        // cell-eval run's own spelling, down to the context column (one cell line here) and the profile.
        var result = Dcell.Run("score", "-ap", pred, "-ar", real, "--pert-col", "target_gene", "--control-pert", "non-targeting", "--celltype-col", "line",
            "--profile", "vcc", "--skip-metrics", "mae", "--bootstrap", "0", "-o", dir);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(File.ReadAllLines(Path.Combine(dir, "results.csv"))[0], Is.EqualTo("model,perturbation,context,overlap_at_N,discrimination_score_l1"));
        var unknown = Dcell.Run("score", "-ap", pred, "-ar", real, "--skip-metrics", "pds", "-o", Path.Combine(Temp, "never"));
        Assert.That(unknown.Error.Trim(), Does.StartWith("error: --skip-metrics: 'pds' is not among the chosen metrics ("));
    }

    [Test]
    public void ScoreRejectsPredictionsWithMissingGenesInOneLine()
    {
        var (real, pred) = WriteRealAndPredicted(p => p.SelectGenes(Enumerable.Range(1, p.GeneCount - 1).ToArray()));
        var result = Dcell.Run("score", "--real", real, "--pred", pred, "--out", Path.Combine(Temp, "x"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain("genes differ").And.Contain("missing from predictions"));
    }

    [Test]
    public void ScoreRejectsNaNPredictions()
    {
        var (real, pred) = WriteRealAndPredicted(p => p.WithX(p.X.MapStored(v => v > 3 ? float.NaN : v)));
        var result = Dcell.Run("score", "--real", real, "--pred", pred, "--metrics", "mae", "--out", Path.Combine(Temp, "x"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("NaN"));
    }

    [Test]
    public void ScoreRejectsPredictionsWithoutControlCells()
    {
        var (real, pred) = WriteRealAndPredicted(p =>
        {
            var labels = p.Obs.Categorical("perturbation");
            return p.SelectCells(Enumerable.Range(0, p.CellCount).Where(i => labels[i] != "control").ToArray());
        });
        var result = Dcell.Run("score", "--real", real, "--pred", pred, "--out", Path.Combine(Temp, "x"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("no control cells"));
    }

    /// <summary>Real: 30 cells of three Papalexi knockouts + 60 controls (counts). Predicted: each label holds the next knockout's cells.</summary>
    private (string Real, string Pred) WriteRealAndPredicted(Func<CellDataset, CellDataset> alterPrediction, string column = "perturbation",
        Func<string, string>? rename = null)
    {
        rename ??= l => l;
        var data = H5adFile.Read(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"));
        var labels = data.Obs.Categorical("perturbation");
        string[] perts = ["IFNGR1", "STAT1", "CD86"];
        int[] Rows(string label, int n, int skip) => Enumerable.Range(0, data.CellCount).Where(i => labels[i] == label).Skip(skip).Take(n).ToArray();
        CellDataset Build(IEnumerable<(string Source, string Label, int Skip)> groups)
        {
            var parts = groups.Select(g => (Rows: Rows(g.Source, g.Source == "control" ? 60 : 30, g.Skip), g.Label)).ToArray();
            var rows = parts.SelectMany(p => p.Rows).ToArray();
            var obs = new AnnotationTable("obs", rows.Select((r, i) => $"{data.CellNames[r]}-{i}").ToArray(),
                [CategoricalColumn.FromLabels(column, parts.SelectMany(p => p.Rows.Select(_ => rename(p.Label))).ToArray())]);
            return new CellDataset(data.X.SelectRows(rows), obs, data.Var);
        }
        string real = Path.Combine(Temp, "real.h5ad"), pred = Path.Combine(Temp, "pred.h5ad");
        H5adFile.Write(Build(perts.Select(p => (p, p, 0)).Append(("control", "control", 0))), real);
        H5adFile.Write(alterPrediction(Build(perts.Select((p, i) => (perts[(i + 1) % perts.Length], p, 30)).Append(("control", "control", 60)))), pred);
        return (real, pred);
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
