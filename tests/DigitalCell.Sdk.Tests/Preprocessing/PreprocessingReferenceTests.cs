using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;
using DigitalCell.Sdk.Tests.Statistics;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Preprocessing;

/// <summary>
/// Highly variable genes, scaling, PCA and E-distance on the real Papalexi 2021 data, against
/// Peers/preprocessing_reference.py (numpy/pandas re-implementations of scanpy's definitions, sklearn PCA, scipy cdist).
/// </summary>
[TestFixture]
public class PreprocessingReferenceTests
{
    private const int TopGenes = 50, Components = 20;
    private PythonReference _ref = null!;
    private CellDataset _counts = null!;
    private CellDataset _log = null!;

    [OneTimeSetUp]
    public void ComputeReference()
    {
        _ref = PythonReference.Run("preprocessing_reference.py",
            SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), "perturbation", "control",
            TopGenes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Components.ToString(System.Globalization.CultureInfo.InvariantCulture), "{out}");
        var labels = _ref.Lines("labels.txt");
        var obs = new AnnotationTable("obs", labels.Select((_, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            [CategoricalColumn.FromLabels("perturbation", labels)]);
        var var = new AnnotationTable("var", _ref.Lines("genes.txt"));
        _counts = new CellDataset(_ref.Counts(), obs, var);
        _log = _counts.WithX(_ref.Csr("log_data.f32"));
    }

    [OneTimeTearDown]
    public void Cleanup() => _ref?.Delete();

    private static double[] Column(CellDataset d, string name) => ((NumericColumn<double>)d.Var[name]).Values.ToArray();

    [Test]
    public void DispersionFlavourMatchesScanpyDefinition()
    {
        var hvg = _log.HighlyVariableGenes(TopGenes, HvgFlavor.Dispersion);
        Compare.Close(Column(hvg, "means"), _ref.Doubles("hvg_disp_means.f64"), 1e-6, "means", floor: 1e-12); // numpy's expm1 runs in float32
        Compare.Close(Column(hvg, "dispersions"), _ref.Doubles("hvg_disp_dispersions.f64"), 1e-6, "dispersions", floor: 1e-6);
        // z-scores near 0: absolute 1e-7. numpy's float32 expm1 (SIMD, CPU-dependent) moves the reference's 9th digit.
        Compare.Close(Column(hvg, "dispersions_norm"), _ref.Doubles("hvg_disp_norm.f64"), 1e-5, "dispersions_norm", floor: 1e-2);
        var expected = File.ReadAllBytes(Path.Combine(_ref.Directory, "hvg_disp_hv.u8")).Select(b => b != 0).ToArray();
        Assert.That(((BooleanColumn)hvg.Var["highly_variable"]).Values.ToArray(), Is.EqualTo(expected));
        Assert.That(expected.Count(b => b), Is.EqualTo(TopGenes));
    }

    [Test]
    public void SeuratV3FlavourMatchesDirectLoessReference()
    {
        // counts come from the layer kept by NormalizeTotal, as in a usual pipeline
        var hvg = _counts.NormalizeTotal(1e4).Log1p().HighlyVariableGenes(TopGenes, HvgFlavor.SeuratV3);
        var norm = Column(hvg, "variances_norm");
        var expected = _ref.Doubles("hvg_v3_variances_norm.f64");
        Compare.Close(norm, expected, 1e-6, "variances_norm", floor: 1e-9);
        var ours = Enumerable.Range(0, norm.Length).OrderByDescending(j => norm[j]).Take(TopGenes).Order();
        var theirs = Enumerable.Range(0, expected.Length).OrderByDescending(j => expected[j]).Take(TopGenes).Order();
        Assert.That(ours, Is.EqualTo(theirs), "the same top genes");
        Assert.That(((BooleanColumn)hvg.Var["highly_variable"]).Values.ToArray().Count(b => b), Is.EqualTo(TopGenes));
    }

    [Test]
    public void ScaleMatchesNumpy()
    {
        var scaled = _log.Scale(10);
        Compare.Close(scaled.X.ToDense().Values, _ref.Floats("scaled.f32"), 1e-5, "scaled", floor: 1e-3);
        Assert.That(scaled.X.ToDense().Values.ToArray().Max(), Is.LessThanOrEqualTo(10f));
    }

    [Test]
    public void RandomizedPcaAgreesWithSklearnFullSvd()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var pca = _log.Pca(Components, new PcaOptions { Seed = 1, PowerIterations = 30 });
        TestContext.Out.WriteLine($"PCA took {watch.ElapsedMilliseconds} ms");
        var variance = (double[])((IReadOnlyDictionary<string, object>)pca.Uns["pca"])["variance"];
        var ratio = (double[])((IReadOnlyDictionary<string, object>)pca.Uns["pca"])["variance_ratio"];
        var expectedVariance = _ref.Doubles("pca_variance.f64");
        // the leading components are well separated; components 11–20 have near-equal eigenvalues (gaps < 2 %), where
        // any truncated method converges slowly, so they are checked by subspace rather than one by one
        const int sharp = 10;
        Compare.Close(variance.AsSpan(0, sharp), expectedVariance.AsSpan(0, sharp), 1e-6, "explained variance");
        Compare.Close(ratio.AsSpan(0, sharp), _ref.Doubles("pca_variance_ratio.f64").AsSpan(0, sharp), 1e-6, "explained variance ratio");
        Compare.Close(variance, expectedVariance, 1e-3, "explained variance, all components");
        var loadings = pca.Varm["PCs"];
        var reference = _ref.Doubles("pca_components.f64");
        int genes = _log.GeneCount;
        for (int c = 0; c < sharp; c++)
        {
            double dot = 0;
            for (int g = 0; g < genes; g++) dot += loadings[g, c] * reference[c * genes + g];
            Assert.That(dot, Is.EqualTo(1).Within(1e-5), $"component {c} equals sklearn's, same sign (svd_flip)");
        }
        // subspace of all 20: the projection of each sklearn component onto our span keeps its norm
        for (int c = 0; c < Components; c++)
        {
            double norm = 0;
            for (int d = 0; d < Components; d++)
            {
                double dot = 0;
                for (int g = 0; g < genes; g++) dot += loadings[g, d] * reference[c * genes + g];
                norm += dot * dot;
            }
            Assert.That(norm, Is.GreaterThan(c < sharp ? 1 - 1e-6 : 0.99), $"sklearn component {c} lies in our 20-dimensional subspace");
        }
        var scores = pca.Obsm["X_pca"];
        var expectedScores = _ref.Doubles("pca_scores.f64");
        var first = new double[scores.RowCount];
        for (int i = 0; i < first.Length; i++) first[i] = scores[i, 0];
        Compare.Close(first, Enumerable.Range(0, first.Length).Select(i => expectedScores[i * Components]).ToArray(), 1e-5, "PC1 scores", floor: 1e-2);
    }

    [Test]
    public void EDistanceMatchesScPerturbDefinition()
    {
        var scores = _ref.Doubles("pca_scores.f64");
        var xPca = new DenseCellMatrix(_log.CellCount, Components, scores.Select(v => (float)v).ToArray());
        var data = _log.WithObsm("X_pca", xPca);
        var e = data.EDistance("perturbation", "control");
        Assert.That(e.Groups, Is.EqualTo(_ref.Lines("groups.txt")));
        Compare.Close(e.Distance.ToArray(), _ref.Doubles("edistance.f64"), 1e-6, "E-distance", floor: 1e-3);

        // plain Euclidean on a few small groups against the first 400 control cells
        var small = _ref.Lines("groups_euclidean.txt");
        var labels = _ref.Lines("labels.txt");
        double[] Points(Func<int, bool> keep, int take) => Enumerable.Range(0, labels.Length).Where(keep).Take(take)
            .SelectMany(i => Enumerable.Range(0, Components).Select(c => (double)xPca[i, c])).ToArray();
        var control = Points(i => labels[i] == "control", 400);
        var euclid = small.Select(g => EnergyDistance.Between(Points(i => labels[i] == g, int.MaxValue), control, Components, EDistanceMetric.Euclidean)).ToArray();
        Compare.Close(euclid, _ref.Doubles("edistance_euclidean.f64"), 1e-9, "Euclidean E-distance", floor: 1e-6);
    }
}
