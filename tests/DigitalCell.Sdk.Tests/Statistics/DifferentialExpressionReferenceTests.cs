using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Statistics;

/// <summary>
/// Differential expression, normalisation and pseudobulk on the real Papalexi 2021 THP-1 CRISPR screen, against an
/// independent scipy/numpy reference (Peers/de_reference.py) that reads the same h5ad with anndata.
/// </summary>
[TestFixture]
public class DifferentialExpressionReferenceTests
{
    // a small (SPI1, 48 cells), a large (IFNGR1, 1,341 cells) and strong-effect groups; all 299 genes
    private static readonly string[] Groups = ["SPI1", "IFNGR1", "STAT1", "JAK2", "CMTM6"];
    private PythonReference _ref = null!;
    private CellDataset _log = null!;
    private int _genes;

    [OneTimeSetUp]
    public void ComputeReference()
    {
        _ref = PythonReference.Run("de_reference.py",
            SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), "perturbation", "control", "{out}",
            string.Join(",", Groups));
        var labels = _ref.Lines("labels.txt");
        var obs = new AnnotationTable("obs", labels.Select((_, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            [CategoricalColumn.FromLabels("perturbation", labels)]);
        var genes = _ref.Lines("genes.txt");
        _genes = genes.Length;
        _log = new CellDataset(_ref.Csr("log_data.f32"), obs, new AnnotationTable("var", genes));
        Assert.That(_ref.Lines("groups.txt"), Is.EqualTo(Groups));
    }

    [OneTimeTearDown]
    public void Cleanup() => _ref?.Delete();

    private double[] Ref(string name, int group) => _ref.Doubles(name).AsSpan(group * _genes, _genes).ToArray();

    [Test]
    public void WilcoxonMatchesScanpyDefinitionWithTieCorrection()
    {
        var de = _log.DifferentialExpression("perturbation", "control", new DifferentialExpressionOptions { Groups = Groups });
        Assert.That(de.Groups, Is.EqualTo(Groups));
        Assert.That(de.ReferenceCellCount, Is.EqualTo(int.Parse(_ref.Lines("ref_count.txt")[0])));
        for (int g = 0; g < Groups.Length; g++)
        {
            var r = de.For(Groups[g]);
            Compare.Close(r.Statistic, Ref("de_z.f64", g), 1e-9, $"{Groups[g]} z", floor: 1e-6);
            Compare.Close(r.PValue, Ref("de_p.f64", g), 1e-6, $"{Groups[g]} p", skipBelow: 1e-300);
            Compare.Close(r.AdjustedPValue, Ref("de_padj_group.f64", g), 1e-6, $"{Groups[g]} padj", skipBelow: 1e-300);
            Compare.SameRanking(r.PValue, Ref("de_p.f64", g), $"{Groups[g]} ranking");
        }
        Assert.That(de.For("STAT1").PValue.Min(), Is.LessThan(1e-100), "the test covers the far tail");
    }

    [Test]
    public void WilcoxonWithContinuityMatchesScipyMannWhitneyU()
    {
        var de = _log.DifferentialExpression("perturbation", "control", DifferentialExpressionOptions.CellEval with { Groups = Groups });
        for (int g = 0; g < Groups.Length; g++)
        {
            var r = de.For(Groups[g]);
            Compare.Close(r.PValue, Ref("de_p_cc.f64", g), 1e-6, $"{Groups[g]} p (continuity)", skipBelow: 1e-300);
            Compare.Close(r.Log2FoldChange, Ref("de_lfc_pdex.f64", g), 1e-9, $"{Groups[g]} log2fc pdex", floor: 1e-12);
        }
    }

    [Test]
    public void Vcc2025ConventionUsesGlobalBenjaminiHochbergAndClippedFoldChange()
    {
        var de = _log.DifferentialExpression("perturbation", "control", DifferentialExpressionOptions.Vcc2025 with { Groups = Groups });
        var expected = _ref.Doubles("de_padj_global_cc.f64");
        for (int g = 0; g < Groups.Length; g++)
        {
            var r = de.For(Groups[g]);
            Compare.Close(r.AdjustedPValue, expected.AsSpan(g * _genes, _genes), 1e-6, $"{Groups[g]} global padj", skipBelow: 1e-300);
            Compare.Close(r.Log2FoldChange, Ref("de_lfc_vcc.f64", g), 1e-9, $"{Groups[g]} log2fc vcc", floor: 1e-12);
        }
    }

    [Test]
    public void WelchTTestMatchesScipy()
    {
        var de = _log.DifferentialExpression("perturbation", "control",
            new DifferentialExpressionOptions { Method = DifferentialExpressionMethod.TTest, Groups = Groups });
        for (int g = 0; g < Groups.Length; g++)
        {
            var r = de.For(Groups[g]);
            Compare.Close(r.Statistic, Ref("de_t.f64", g), 1e-9, $"{Groups[g]} t", floor: 1e-6);
            Compare.Close(r.PValue, Ref("de_tp.f64", g), 1e-6, $"{Groups[g]} t p", skipBelow: 1e-300);
            Compare.SameRanking(r.PValue, Ref("de_tp.f64", g), $"{Groups[g]} t ranking");
        }
    }

    [Test]
    public void MeansAndScanpyFoldChangesMatchNumpy()
    {
        var de = _log.DifferentialExpression("perturbation", "control", new DifferentialExpressionOptions { Groups = Groups });
        for (int g = 0; g < Groups.Length; g++)
        {
            var r = de.For(Groups[g]);
            Compare.Close(r.MeanGroup, Ref("de_mg.f64", g), 1e-12, $"{Groups[g]} mean", floor: 1e-12);
            Compare.Close(r.MeanReference, Ref("de_mr.f64", g), 1e-12, $"{Groups[g]} reference mean", floor: 1e-12);
            Compare.Close(r.Log2FoldChange, Ref("de_lfc_scanpy.f64", g), 1e-9, $"{Groups[g]} log2fc scanpy", floor: 1e-12);
        }
    }

    [Test]
    public void PseudobulkMeansMatchNumpy()
    {
        var pb = _log.Pseudobulk("perturbation");
        Assert.That(pb.Groups, Does.Contain("control").And.Contain("SPI1"));
        for (int g = 0; g < Groups.Length; g++)
        {
            Compare.Close(pb.Profile(Groups[g]).ToArray().Select(v => (double)v).ToArray(), Ref("de_mg.f64", g), 1e-6, $"{Groups[g]} pseudobulk", floor: 1e-6);
            Assert.That(pb.CellCounts[pb.IndexOf(Groups[g])], Is.EqualTo(_log.Obs.Categorical("perturbation").Codes.ToArray().Count(c => c == _log.Obs.Categorical("perturbation").Categories.ToList().IndexOf(Groups[g]))));
        }
        Compare.Close(pb.Profile("control").ToArray().Select(v => (double)v).ToArray(), Ref("de_mr.f64", 0), 1e-6, "control pseudobulk", floor: 1e-6);
    }

    [Test]
    public void BackedPseudobulkStreamsTheSameProfiles()
    {
        using var backed = DigitalCell.Sdk.IO.H5ad.H5adFile.OpenBacked(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"));
        var streamed = backed.Pseudobulk("perturbation");
        var inMemory = CellDataset.FromMatrix(_ref.Counts()).WithObs(_log.Obs).Pseudobulk("perturbation");
        Assert.That(streamed.Groups, Is.EqualTo(inMemory.Groups));
        Assert.That(streamed.CellCounts, Is.EqualTo(inMemory.CellCounts));
        Assert.That(streamed.Sums.Values.ToArray(), Is.EqualTo(inMemory.Sums.Values.ToArray()));
    }

    [Test]
    public void NormalizeTotalAndLog1pMatchScanpyDefinition()
    {
        var counts = CellDataset.FromMatrix(_ref.Counts());
        var normalized = counts.NormalizeTotal(1e4);
        Assert.That(normalized.Layer(Normalization.CountsLayer), Is.SameAs(counts.X), "raw counts kept in a layer");
        // one float32 rounding apart at most
        Compare.Close(((SparseCellMatrix)normalized.X).StoredValues, _ref.Floats("norm_data.f32"), 2.5e-7, "normalize_total");
        var logged = normalized.Log1p();
        Compare.Close(((SparseCellMatrix)logged.X).StoredValues, _ref.Floats("log_data.f32"), 2.5e-7, "log1p");
    }

    [Test]
    public void StreamingNormalisationGivesTheSameMomentsAsNumpy()
    {
        var moments = GeneMoments.Compute(_ref.Counts().NormalizeTotal(1e4, log1p: true));
        Compare.Close(moments.Mean, _ref.Doubles("gene_mean.f64"), 1e-6, "mean", floor: 1e-9);
        Compare.Close(moments.Variance, _ref.Doubles("gene_var.f64"), 1e-6, "variance", floor: 1e-9);
        var exact = GeneMoments.Compute(_log.X);
        Compare.Close(exact.Mean, _ref.Doubles("gene_mean.f64"), 1e-12, "mean of the same float32 data", floor: 1e-12);
        Compare.Close(exact.Variance, _ref.Doubles("gene_var.f64"), 1e-10, "variance of the same float32 data", floor: 1e-12);
    }

    [Test]
    public void QualityControlCountsMatchNumpy()
    {
        var qc = CellDataset.FromMatrix(_ref.Counts()).QualityControl();
        var total = ((NumericColumn<double>)qc.Obs["total_counts"]).Values.ToArray();
        Compare.Close(total, _ref.Doubles("totals.f64"), 1e-12, "total_counts");
        Assert.That(((NumericColumn<int>)qc.Obs["n_genes_by_counts"]).Values.ToArray(), Is.EqualTo(_ref.Ints("ngenes.i32")));
        using var backed = DigitalCell.Sdk.IO.H5ad.H5adFile.OpenBacked(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"));
        var (obs, _) = QualityControlMetrics.Compute(backed.X, backed.Obs, backed.Var);
        Assert.That(((NumericColumn<double>)obs["total_counts"]).Values.ToArray(), Is.EqualTo(total), "streamed from the backed file");
    }
}
