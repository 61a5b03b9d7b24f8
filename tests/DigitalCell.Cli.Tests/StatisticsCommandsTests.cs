using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

/// <summary>dcell preprocess → de → edistance on the real Papalexi 2021 CRISPR screen.</summary>
public class StatisticsCommandsTests
{
    private string _temp = "";
    private string _preprocessed = "";

    [OneTimeSetUp]
    public void Preprocess()
    {
        _temp = Directory.CreateTempSubdirectory("dcell-stats-").FullName;
        _preprocessed = Path.Combine(_temp, "pp.h5ad");
        var result = Dcell.Run("preprocess", SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), "--out", _preprocessed,
            "--normalize", "1e4", "--log1p", "--hvg", "100", "--pca", "10");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("normalize_total(10000), log1p, hvg(100, Dispersion), pca(10)"));
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    private string Preprocessed() => _preprocessed;

    [Test]
    public void DeWritesOneRowPerGroupAndGeneWithTheAgreedColumns()
    {
        string csv = Path.Combine(_temp, "de.csv");
        var result = Dcell.Run("de", Preprocessed(), "--groupby", "perturbation", "--reference", "control", "--out", csv, "--convention", "cell-eval");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Is.EqualTo("group,gene,statistic,pvalue,padj,log2fc,mean_group,mean_reference"));
        Assert.That(lines, Has.Length.EqualTo(1 + 25 * 299), "25 knockouts × 299 genes");
        // biology: knocking out STAT1 lowers STAT1's own expression, significantly
        var stat1 = lines.Single(l => l.StartsWith("STAT1,STAT1,", StringComparison.Ordinal)).Split(',');
        Assert.That(double.Parse(stat1[5], CultureInfo.InvariantCulture), Is.LessThan(-0.5));
        Assert.That(double.Parse(stat1[4], CultureInfo.InvariantCulture), Is.LessThan(1e-10));
    }

    [Test]
    public void DeWritesParquetAndRejectsOtherExtensions()
    {
        string pp = Preprocessed();
        string parquet = Path.Combine(_temp, "de.parquet");
        Assert.That(Dcell.Run("de", pp, "--groupby", "perturbation", "--reference", "control", "--method", "t-test", "--out", parquet).ExitCode, Is.EqualTo(0));
        Assert.That(new FileInfo(parquet).Length, Is.GreaterThan(1000));
        var bad = Dcell.Run("de", pp, "--groupby", "perturbation", "--reference", "control", "--out", Path.Combine(_temp, "de.txt"));
        Assert.That((bad.ExitCode, bad.Error), Is.EqualTo((1, bad.Error)));
        Assert.That(bad.Error, Does.Contain(".csv or .parquet"));
    }

    [Test]
    public void DeWithAContextColumnTestsEachGroupAgainstItsOwnContextsReference()
    {
        // Two lines whose controls differ by 10 on g1: pooled controls would hide B's rise in line x.
        string input = Path.Combine(_temp, "contexts.h5ad");
        var x = new float[,] { { 1, 5 }, { 2, 5 }, { 1, 6 }, { 6, 5 }, { 7, 6 }, { 11, 5 }, { 12, 6 }, { 11, 5 }, { 16, 6 }, { 17, 5 } };
        var data = CellDataset.FromMatrix(DenseCellMatrix.From(x), [.. Enumerable.Range(0, 10).Select(i => $"c{i}")], ["g1", "g2"]);
        data.WithObs(data.Obs
                .With(CategoricalColumn.FromLabels("perturbation", ["control", "control", "control", "B", "B", "control", "control", "control", "B", "B"]))
                .With(CategoricalColumn.FromLabels("cell_line", ["x", "x", "x", "x", "x", "y", "y", "y", "y", "y"])))
            .Write(input);
        string csv = Path.Combine(_temp, "by-context.csv");

        var result = Dcell.Run("de", input, "--groupby", "perturbation", "--reference", "control", "--context-column", "cell_line", "--out", csv);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("against 'control' of their own context (x: 3 cells, y: 3 cells)"));
        var rows = File.ReadAllLines(csv);
        Assert.That(rows[0], Is.EqualTo("context,group,gene,statistic,pvalue,padj,log2fc,mean_group,mean_reference"));
        var g1 = rows.Skip(1).Select(l => l.Split(',')).Where(r => r[2] == "g1").ToDictionary(r => r[0], r => double.Parse(r[7], CultureInfo.InvariantCulture) - double.Parse(r[8], CultureInfo.InvariantCulture));
        Assert.That(g1["x"], Is.EqualTo(g1["y"]).Within(1e-5).And.GreaterThan(4), "the same rise over each line's own controls");
        var pooled = Dcell.Run("de", input, "--groupby", "perturbation", "--reference", "control", "--out", Path.Combine(_temp, "pooled.csv"));
        Assert.That(pooled.Error, Does.StartWith("warning: obs column 'cell_line' has 2 contexts"), "pooling contexts is said");
        var parquet = Dcell.Run("de", input, "--groupby", "perturbation", "--reference", "control", "--context-column", "cell_line", "--out", Path.Combine(_temp, "x.parquet"));
        Assert.That(parquet.Error.Trim(), Does.StartWith("error: --out: with --context-column the table is written as .csv"));
    }

    [Test]
    public void MissingReferenceIsOneErrorLine()
    {
        var result = Dcell.Run("de", Preprocessed(), "--groupby", "perturbation", "--reference", "non-targeting", "--out", Path.Combine(_temp, "x.csv"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Does.StartWith("error: Reference group 'non-targeting'").And.Contain("control"));
        Assert.That(File.Exists(Path.Combine(_temp, "x.csv")), Is.False);
    }

    [Test]
    public void EDistanceWithETestSeparatesStrongKnockouts()
    {
        string csv = Path.Combine(_temp, "ed.csv");
        var result = Dcell.Run("edistance", Preprocessed(), "--groupby", "perturbation", "--reference", "control", "--out", csv, "--permutations", "100", "--seed", "3");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToDictionary(r => r[0]);
        Assert.That(rows, Has.Count.EqualTo(25));
        // IFNGR1 knockout abolishes the IFN-γ response (PROVENANCE.md): far from control, p = 0 of 100 permutations
        Assert.That(double.Parse(rows["IFNGR1"][2], CultureInfo.InvariantCulture), Is.GreaterThan(1));
        Assert.That(double.Parse(rows["IFNGR1"][3], CultureInfo.InvariantCulture), Is.EqualTo(0));
    }
}
