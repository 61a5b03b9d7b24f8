using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Display;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Figures;
using DigitalCell.Sdk.Scoring;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace DigitalCell.Sdk.Interactive.Tests;

[TestFixture]
public class DisplayTests
{
    // What the package's extension script does when a notebook loads it.
    [OneTimeSetUp]
    public void LoadPackage() => NotebookDisplay.Register();

    private const string PlotlyBanner = "plotly.js v3.7.0";

    private static CellDataset SmallDataset()
    {
        var x = DenseCellMatrix.From(new float[,] { { 1, 0, 2 }, { 0, 0, 3 }, { 4, 0, 0 }, { 0, 5, 0 }, { 1, 1, 1 }, { 0, 0, 0 }, { 2, 0, 0 } });
        string[] cells = [.. Enumerable.Range(0, 7).Select(i => $"cell{i}")];
        var obs = new AnnotationTable("obs", cells, [CategoricalColumn.FromLabels("perturbation", ["control", "KO-<A>", "control", "KO-<A>", "KO-B", "control", "KO-B"])]);
        var var = new AnnotationTable("var", ["CD4", "MT-CO1", "IFNG"]);
        return new CellDataset(x, obs, var).WithObsm("X_pca", new DenseCellMatrix(7, 2, [.. Enumerable.Range(0, 14).Select(i => (float)i)]));
    }

    [Test]
    public void A_dataset_displays_its_shape_obs_and_var_heads_and_slots()
    {
        var data = SmallDataset();

        string html = data.ToDisplayString(HtmlFormatter.MimeType);
        string text = data.ToDisplayString(PlainTextFormatter.MimeType);

        Assert.That(html, Does.Contain("7 cells × 3 genes; X dense, 21 stored values (100.0%)"));
        Assert.That(html, Does.Contain("perturbation (3 categories)"));
        Assert.That(html, Does.Contain("<td>cell4</td>").And.Not.Contain("<td>cell5</td>"), "obs head has 5 rows");
        Assert.That(html, Does.Contain("<td>KO-&lt;A&gt;</td>"), "values are HTML-encoded");
        Assert.That(html, Does.Contain("<td>MT-CO1</td>"));
        Assert.That(html, Does.Contain("obsm: X_pca (7×2)"));
        Assert.That(text, Is.EqualTo(
            "CellDataset 7 cells × 3 genes; X dense, 21 stored values (100.0%)\n" +
            "    obs: perturbation (3 categories)\n    var: (no columns)\n    obsm: X_pca (7×2)"));
    }

    [Test]
    public void A_dataset_read_from_a_file_names_the_file_not_its_folder()
    {
        var small = SmallDataset();
        var data = new CellDataset(small.X, small.Obs, small.Var, source: "/home/someone/runs/cells.h5ad");

        Assert.That(data.ToDisplayString(HtmlFormatter.MimeType), Does.Contain("; from cells.h5ad").And.Not.Contain("/home/"));
        Assert.That(new CellDataset(small.X, small.Obs, small.Var, source: "catalog:kang2018-pbmc-ifnb").ToDisplayString(PlainTextFormatter.MimeType),
            Does.Contain("from catalog:kang2018-pbmc-ifnb"));
    }

    [Test]
    public void A_dataframe_displays_as_a_table_of_its_first_rows()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("gene", Enumerable.Range(0, 25).Select(i => $"G{i}")),
            new DoubleDataFrameColumn("p", Enumerable.Range(0, 25).Select(i => Math.Pow(10, -i) / 3)));

        string html = frame.ToDisplayString(HtmlFormatter.MimeType);
        string text = frame.ToDisplayString(PlainTextFormatter.MimeType);

        Assert.That(html, Does.StartWith("<table").And.Contain("<th>gene</th><th>p</th>"));
        Assert.That(html, Does.Contain("<td>G19</td><td>3.33333E-20</td>").And.Not.Contain("<td>G20</td>"));
        Assert.That(html, Does.Contain("25 rows × 2 columns (first 20 shown)"));
        string[] lines = text.Split('\n');
        Assert.That(lines[0], Is.EqualTo("gene  p          "));
        Assert.That(lines[1], Is.EqualTo("G0    0.333333   "));
        Assert.That(lines[^1], Is.EqualTo("25 rows × 2 columns (first 20 shown)"));
    }

    [Test]
    public void Plotly_js_is_embedded_once_per_notebook()
    {
        var chart = new Figure(Trace.Scatter([1.0], [2.0]));
        NotebookDisplay.BeginNotebook();

        string first = chart.ToDisplayString(HtmlFormatter.MimeType);
        string second = chart.ToDisplayString(HtmlFormatter.MimeType);
        NotebookDisplay.BeginNotebook();
        string nextNotebook = chart.ToDisplayString(HtmlFormatter.MimeType);

        Assert.That(first, Does.Contain(PlotlyBanner).And.Contain("newPlot('dcell-figure-1'"));
        Assert.That(first.Length, Is.GreaterThan(3_000_000));
        Assert.That(second, Does.Not.Contain(PlotlyBanner).And.Contain("newPlot('dcell-figure-2'"));
        Assert.That(second, Does.Not.Contain("require"), "no requirejs");
        Assert.That(nextNotebook, Does.Contain(PlotlyBanner).And.Contain("newPlot('dcell-figure-1'"));
        Assert.That(chart.ToDisplayString(PlainTextFormatter.MimeType), Is.EqualTo("Figure with 1 trace(s): scatter"));
    }

    [Test]
    public void An_embedding_plot_has_one_trace_per_group_with_the_cells_coordinates()
    {
        var chart = SmallDataset().Embedding("X_pca", colorBy: "perturbation");

        var json = System.Text.Json.Nodes.JsonNode.Parse(chart.ToJson())!;

        Assert.That(chart.Traces, Has.Count.EqualTo(3));
        // control cells are rows 0, 2, 5: PC1 = values[2r], PC2 = values[2r+1].
        var control = json["data"]!.AsArray().Single(t => (string?)t!["name"] == "control")!;
        Assert.That(control["x"]!.AsArray().Select(v => (double)v!), Is.EqualTo(new[] { 0.0, 4.0, 10.0 }));
        Assert.That(control["y"]!.AsArray().Select(v => (double)v!), Is.EqualTo(new[] { 1.0, 5.0, 11.0 }));
        Assert.That((double)control["opacity"]!, Is.EqualTo(0.7));
        Assert.That((string?)control["mode"], Is.EqualTo("markers"));
        Assert.That((string?)json["layout"]!["title"]!["text"], Is.EqualTo("PCA by perturbation"));
    }

    [Test]
    public void An_embedding_plot_draws_a_seeded_subset_of_large_datasets()
    {
        var subset = Plots.Subset(1000, 100, seed: 3);

        Assert.That(subset, Has.Length.EqualTo(100));
        Assert.That(subset, Is.Ordered.And.Unique);
        Assert.That(Plots.Subset(1000, 100, seed: 3), Is.EqualTo(subset));
        Assert.That(Plots.Subset(1000, 100, seed: 4), Is.Not.EqualTo(subset));
        Assert.That(Plots.Subset(50, 100, seed: 3), Is.EqualTo(Enumerable.Range(0, 50)));
    }

    [Test]
    public void A_volcano_plot_classifies_genes_by_both_thresholds()
    {
        string[] genes = ["UP", "DOWN", "SMALL", "NOTSIG", "NAN"];
        double[] lfc = [2.0, -1.5, 0.5, 3.0, 1.0];
        double[] padj = [0.001, 0.0, 0.001, 0.2, double.NaN];

        string json = Plots.Volcano(genes, lfc, padj, "KO vs control").ToJson();

        Assert.That(json, Does.Contain("\"name\":\"up (1)\"").And.Contain("\"name\":\"down (1)\"").And.Contain("\"name\":\"not significant (2)\""));
        Assert.That(json, Does.Contain("\"y\":[300]"), "an adjusted p of 0 is drawn at 1e-300");
        Assert.That(json, Does.Not.Contain("NAN"), "genes without a p-value are left out");
    }

    [Test]
    public void A_provenance_record_displays_the_data_checksum_subset_seed_device_and_sdk_version()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("dcell-prov-").FullName, "abc.txt");
        File.WriteAllText(file, "abc");

        var record = ProvenanceRecord.Start("notebook 01-quickstart", seed: 7).WithInput("abc", file, "cell_type=B").OnDevice("cuda:0");

        // FIPS 180-2 test vector: SHA-256("abc").
        Assert.That(ProvenanceDisplay.ToText(record), Does.Contain("data sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n")
            .And.Contain("data: abc (abc.txt)\n").And.Contain("data subset: cell_type=B\n").And.Contain("seed: 7").And.Contain("device: cuda:0\n")
            .And.Contain("DigitalCell.Sdk: 0.2.0"));
        Assert.That(record.ToDisplayString(HtmlFormatter.MimeType), Does.Contain("<th>data sha256</th><td><code>ba7816bf"));
        Assert.That(ProvenanceDisplay.ToText(record), Does.Not.Contain(Path.GetDirectoryName(file)!), "no machine path in a notebook's output");
        Assert.Throws<DigitalCellException>(() => record.WithInput("missing", file + ".missing"));
    }

    [Test]
    public void A_score_report_displays_its_tables_and_figures_sharing_the_notebooks_plotly_js()
    {
        string[] perturbations = ["KO1", "KO2", "KO3"];
        double[] control = [1, 1, 1, 1];
        double[][] real = [[2, 1, 1, 0], [1, 3, 1, 1], [0, 1, 2, 1]];
        double[][] good = [[1.9, 1, 1, 0.1], [1, 2.8, 1, 1], [0.1, 1, 2.1, 1]];
        var metrics = new[] { Metrics.PearsonDelta, Metrics.Mse };
        ModelScores Score(string name, double[][] predicted) =>
            Scorer.Score(name, new ScoringInput(perturbations, ["a", "b", "c", "d"], real, predicted, control, control), metrics, ScoringMode.CellEval);
        var report = ScoreReport.Create([Score("good", good), Score("cell-mean", [control, control, control])], metrics, ScoringMode.CellEval,
            new ScoreReportOptions(BootstrapSamples: 50));
        NotebookDisplay.BeginNotebook();

        string html = report.ToDisplayString(HtmlFormatter.MimeType);

        Assert.That(html, Does.Contain("<h2>Ranking</h2>").And.Contain("<td>good</td>").And.Contain("<h2>Metrics</h2>"));
        Assert.That(html, Does.Contain("<td>pearson_delta</td>"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(html, PlotlyBanner), Has.Count.EqualTo(1));
        Assert.That(html, Does.Contain("newPlot('dcell-figure-2'"), "more than one figure, drawn with the shared script");
        Assert.That(html, Does.Not.Contain("<html>"), "a fragment, not a page");
        Assert.That(report.ToDisplayString(PlainTextFormatter.MimeType), Is.EqualTo(report.ToMarkdown()));
    }

    [Test]
    public void Outside_a_notebook_Display_prints_the_reports_tables_not_its_html()
    {
        string[] perturbations = ["KO1", "KO2"];
        double[] control = [1, 1, 1];
        var metrics = new[] { Metrics.Mse };
        var scores = Scorer.Score("model", new ScoringInput(perturbations, ["a", "b", "c"], [[2, 1, 1], [1, 2, 1]], [[1.5, 1, 1], [1, 1.5, 1]], control, control),
            metrics, ScoringMode.CellEval);
        var report = ScoreReport.Create([scores], metrics, ScoringMode.CellEval, new ScoreReportOptions(BaselineModel: null, BootstrapSamples: 20));
        var console = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(console);
        try
        {
            report.Display();
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.That(NotebookDisplay.InKernel, Is.False);
        Assert.That(console.ToString(), Is.EqualTo(report.ToMarkdown() + Environment.NewLine));
        Assert.That(console.ToString(), Does.Not.Contain("<script").And.Contain("| model |"));
    }
}
