using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;
using H5muFile = DigitalCell.Sdk.IO.H5mu.H5muFile;

namespace DigitalCell.Sdk.Tests.Preprocessing;

/// <summary>
/// Protein CLR, hashtag demultiplexing, guide assignment and ATAC TF-IDF on the real multimodal sets, each against an
/// independent numpy implementation of the published formula and, where the source has them, its own labels.
/// </summary>
[TestFixture]
public class ModalityPreprocessingTests
{
    private const string Mimitou = "mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control.h5mu";

    // numpy, dense, straight from the definitions (muon prot.pp.clr, atac.pp.tfidf; 1-D 2-means by brute force).
    private const string Reference = """
        import sys, json, h5py, numpy as np
        from anndata._io.specs import read_elem
        mods = {}
        for path in sys.argv[1:]:
            f = h5py.File(path, 'r')
            for m in f['mod']: mods[m] = read_elem(f['mod'][m])
        def dense(a): return np.asarray(a.X.todense(), dtype=np.float64)
        def clr(x, axis): return np.log1p(x / np.exp(np.log1p(x).sum(axis=axis, keepdims=True) / x.shape[axis]))
        out = {}
        prot = dense(mods['prot'])
        out['clr0'] = clr(prot, 0).ravel().tolist()
        out['clr1'] = clr(prot, 1).ravel().tolist()
        h = clr(dense(mods['hto']), 0)
        cuts = []
        for t in range(h.shape[1]):
            v = np.sort(h[:, t]); best = (np.inf, np.inf)
            for k in range(1, len(v)):
                if v[k - 1] == v[k]: continue
                sse = ((v[:k] - v[:k].mean()) ** 2).sum() + ((v[k:] - v[k:].mean()) ** 2).sum()
                if sse < best[0]: best = (sse, v[k])
            cuts.append(float(best[1]))
        pos = h >= np.array(cuts)
        n = pos.sum(1)
        out['cuts'] = cuts
        out['hto_class'] = ['Negative' if c == 0 else 'Singlet' if c == 1 else 'Doublet' for c in n]
        out['hto_call'] = [str(mods['hto'].var_names[np.argmax(p)]) if c == 1 else None for p, c in zip(pos, n)]
        atac = mods['atac'].X.tocsr().astype(np.float64); atac.sort_indices()
        tf = atac.multiply(1 / atac.sum(1)).tocsr() * 1e4; tf.data = np.log1p(tf.data)
        idf = np.log1p(atac.shape[0] / np.asarray(atac.sum(0)).ravel())
        tfidf = tf.multiply(idf).tocsr(); tfidf.sort_indices()
        out['tfidf'] = tfidf.data.tolist()
        g = dense(mods['grna'])
        order = np.argsort(-g, axis=1, kind='stable')
        top = g[np.arange(len(g)), order[:, 0]]; second = g[np.arange(len(g)), order[:, 1]]
        keep = (top >= 5) & (top >= 3 * second)
        out['guide'] = [str(mods['grna'].var_names[i]) if k else None for i, k in zip(order[:, 0], keep)]
        out['top'] = top.tolist(); out['second'] = second.tolist()
        print(json.dumps(out))
        """;

    private static JsonElement? _reference;

    private static JsonElement ReferenceValues() => _reference ??= PythonPeer.RunJson(Reference,
        SharedData.File(Mimitou), SharedData.File("granja2019-bmmc-scatac/granja2019_bmmc_scatac_600.h5mu"),
        SharedData.File("papalexi2021-thp1-grna/papalexi2021_thp1_rna_grna.h5mu"));

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static string?[] Labels(AnnotationColumn c) => Enumerable.Range(0, c.Length).Select(i => c.GetValue(i) as string).ToArray();

    [TestCase(ClrAxis.AcrossCells, "clr0")]
    [TestCase(ClrAxis.AcrossFeatures, "clr1")]
    public void ProteinClrMatchesMuonsFormula(ClrAxis axis, string key)
    {
        var prot = H5muFile.Read(SharedData.File(Mimitou))["prot"];
        var clr = prot.Clr(axis);
        var expected = Doubles(ReferenceValues().GetProperty(key));
        var actual = clr.X.ToDense().Values.ToArray();
        Assert.That(actual.Length, Is.EqualTo(expected.Length));
        for (int i = 0; i < actual.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-6 * Math.Max(1, Math.Abs(expected[i]))), $"value {i}");
        Assert.That(clr.Layer(Normalization.CountsLayer).ToDense().Values.ToArray(), Is.EqualTo(prot.X.ToDense().Values.ToArray()), "raw counts kept");
    }

    [Test]
    public void HashtagCallsMatchTheReferenceAndTheSourceLabels()
    {
        var data = H5muFile.Read(SharedData.File(Mimitou));
        var called = data["hto"].DemultiplexHashtags();
        var reference = ReferenceValues();
        Assert.That((double[])called.Uns[HashtagDemultiplexing.ThresholdsKey], Is.EqualTo(Doubles(reference.GetProperty("cuts"))).Within(1e-9));
        Assert.That(Labels(called.Obs[HashtagDemultiplexing.ClassColumn]), Is.EqualTo(reference.GetProperty("hto_class").EnumerateArray().Select(e => e.GetString())));
        Assert.That(Labels(called.Obs[HashtagDemultiplexing.CallColumn]), Is.EqualTo(reference.GetProperty("hto_call").EnumerateArray().Select(e => e.GetString())));
        // CiteFuse called 128 of these cells singlets of a known hashtag; ours must agree on (nearly) all of them.
        var citefuse = Labels(data.Obs["citefuse_hto"]);
        var ours = Labels(called.Obs[HashtagDemultiplexing.CallColumn]);
        int labelled = citefuse.Count(l => l is not null), agree = citefuse.Zip(ours).Count(p => p.First is not null && p.First == p.Second);
        TestContext.Out.WriteLine($"hashtag singlets agreeing with CiteFuse: {agree}/{labelled}; classes: " +
            string.Join(", ", Labels(called.Obs[HashtagDemultiplexing.ClassColumn]).GroupBy(c => c).Select(g => $"{g.Key} {g.Count()}")));
        Assert.That(labelled, Is.EqualTo(128));
        Assert.That(agree, Is.GreaterThanOrEqualTo(120));
    }

    [Test]
    public void AtacTfIdfMatchesMuonsFormula()
    {
        var atac = H5muFile.Read(SharedData.File("granja2019-bmmc-scatac/granja2019_bmmc_scatac_600.h5mu"))["atac"];
        var tfidf = atac.TfIdf().X.ToSparse();
        var expected = Doubles(ReferenceValues().GetProperty("tfidf"));
        var actual = tfidf.StoredValues.ToArray();
        Assert.That(actual.Length, Is.EqualTo(expected.Length));
        for (int i = 0; i < actual.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-6 * Math.Abs(expected[i])), $"value {i}");
    }

    [Test]
    public void AtacLsiMatchesMuonsSvdsUpToSign()
    {
        // Independent reference: muon's atac.tl.lsi transcribed (scipy svds of the TF-IDF matrix, descending, U scaled
        // to z-scores with numpy's std), on the TF-IDF computed here so only the SVD step is compared.
        string path = SharedData.File("granja2019-bmmc-scatac/granja2019_bmmc_scatac_600.h5mu");
        var atac = H5muFile.Read(path)["atac"].TfIdf();
        string tfidfFile = Path.Combine(Path.GetTempPath(), $"lsi-{Guid.NewGuid():N}.h5ad");
        atac.Write(tfidfFile);
        JsonElement reference;
        try
        {
            reference = PythonPeer.RunJson("""
                import sys, json, anndata, numpy as np
                from scipy.sparse.linalg import svds
                x = anndata.read_h5ad(sys.argv[1]).X.astype(np.float64)
                u, s, vt = svds(x, k=20)
                u, s, vt = u[:, ::-1], s[::-1], vt[::-1, :]
                scaled = (u - u.mean(axis=0)) / u.std(axis=0)
                print(json.dumps({"stdev": (s / np.sqrt(x.shape[0] - 1)).tolist(), "u": scaled[:, :10].T.tolist(), "v": vt[:10].tolist()}))
                """, tfidfFile);
        }
        finally
        {
            File.Delete(tfidfFile);
        }

        var lsi = atac.Lsi(components: 20);

        var stdev = (double[])((IReadOnlyDictionary<string, object>)lsi.Uns["lsi"])["stdev"];
        var expectedStdev = Doubles(reference.GetProperty("stdev"));
        for (int c = 0; c < 20; c++) Assert.That(stdev[c], Is.EqualTo(expectedStdev[c]).Within(1e-4 * expectedStdev[c]), $"stdev {c}");
        var embedding = lsi.Obsm["X_lsi"];
        var loadings = lsi.Varm["LSI"];
        var u = reference.GetProperty("u").EnumerateArray().Select(Doubles).ToArray();
        var v = reference.GetProperty("v").EnumerateArray().Select(Doubles).ToArray();
        for (int c = 0; c < 10; c++)
        {
            // Signs are arbitrary in both: compare |cosine| of the leading components (well separated singular values).
            double[] ours = Enumerable.Range(0, lsi.CellCount).Select(i => (double)embedding[i, c]).ToArray();
            double[] oursV = Enumerable.Range(0, lsi.GeneCount).Select(g => (double)loadings[g, c]).ToArray();
            Assert.That(Math.Abs(Cosine(ours, u[c])), Is.GreaterThan(0.999), $"X_lsi component {c}");
            Assert.That(Math.Abs(Cosine(oursV, v[c])), Is.GreaterThan(0.999), $"LSI loading {c}");
            Assert.That(ours.Average(), Is.EqualTo(0).Within(1e-5));
            Assert.That(Math.Sqrt(ours.Select(x => x * x).Average()), Is.EqualTo(1).Within(1e-4), "scaled to unit standard deviation");
        }
    }

    private static double Cosine(double[] a, double[] b) =>
        a.Zip(b, (x, y) => x * y).Sum() / Math.Sqrt(a.Sum(x => x * x) * b.Sum(y => y * y));

    [Test]
    public void GuideAssignmentMatchesTheReferenceAndThePapalexiLabels()
    {
        var data = H5muFile.Read(SharedData.File("papalexi2021-thp1-grna/papalexi2021_thp1_rna_grna.h5mu"));
        var guides = data["grna"].AssignGuides();
        var reference = ReferenceValues();
        Assert.That(Labels(guides.Obs[GuideAssignment.GuideColumn]), Is.EqualTo(reference.GetProperty("guide").EnumerateArray().Select(e => e.GetString())));
        var top = ((NumericColumn<double>)guides.Obs[GuideAssignment.TopUmiColumn]).Values.ToArray();
        var second = ((NumericColumn<double>)guides.Obs[GuideAssignment.SecondUmiColumn]).Values.ToArray();
        Assert.That(top, Is.EqualTo(Doubles(reference.GetProperty("top"))));
        Assert.That(second, Is.EqualTo(Doubles(reference.GetProperty("second"))));
        // The source's own per-cell columns: the strongest guide's UMIs and the runner-up's, and the arg-max guide.
        Assert.That(top, Is.EqualTo(Enumerable.Range(0, data.CellCount).Select(i => Convert.ToDouble(data.Obs["grna_umi_max"].GetValue(i)))));
        Assert.That(second, Is.EqualTo(Enumerable.Range(0, data.CellCount).Select(i => Convert.ToDouble(data.Obs["grna_umi_second"].GetValue(i)))));
        var argmax = data["grna"].AssignGuides(new GuideAssignmentOptions { MinUmi = 0, MinRatio = 1 });
        Assert.That(Labels(argmax.Obs[GuideAssignment.GuideColumn]), Is.EqualTo(Labels(data.Obs["grna"])), "arg-max guide = the source's grna column");
        // Every assigned cell's target is its perturbation label (non-targeting guides = control cells).
        var targets = Labels(guides.Obs[GuideAssignment.TargetColumn]);
        var perturbation = Labels(data.Obs["perturbation"]);
        int assigned = targets.Count(t => t is not null);
        int agree = targets.Zip(perturbation).Count(p => p.First is not null && (p.First == "non-targeting" ? "control" : p.First) == p.Second);
        TestContext.Out.WriteLine($"guides assigned (≥5 UMIs, ≥3× runner-up): {assigned}/{data.CellCount}; target = perturbation label: {agree}/{assigned}");
        Assert.That(agree, Is.EqualTo(assigned));
        Assert.That(assigned, Is.GreaterThan(data.CellCount / 2));
    }
}
