using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class InspectCommandTests
{
    // anndata 0.8's own view of the file: what `dcell inspect` must report.
    private const string AnndataView = """
        import sys, json, anndata, numpy as np, scipy.sparse as sp
        a = anndata.read_h5ad(sys.argv[1])
        def kind(d):
            if str(d) == 'category': return 'categorical'
            if d == object: return 'string'
            return str(d)
        def matrix(m):
            return {'encoding': 'csr_matrix' if sp.isspmatrix_csr(m) else 'csc_matrix' if sp.issparse(m) else 'array',
                    'dtype': str(m.dtype), 'nnz': int(m.nnz) if sp.issparse(m) else int(m.size)}
        print(json.dumps({'n_obs': a.n_obs, 'n_vars': a.n_vars, 'X': matrix(a.X),
            'obs': {c: kind(a.obs[c].dtype) for c in a.obs.columns}, 'var': {c: kind(a.var[c].dtype) for c in a.var.columns},
            'layers': {k: matrix(v) for k, v in a.layers.items()}, 'obsm': {k: list(v.shape) for k, v in a.obsm.items()},
            'uns': sorted(a.uns.keys())}))
        """;

    [Test]
    public void JsonKeepsPlusSignsAndAccentsAsTheyAre()
    {
        string folder = Directory.CreateTempSubdirectory("dcell-inspect-").FullName;
        try
        {
            string path = Path.Combine(folder, "CD4+ cellules <réf>.h5ad");
            var data = CellDataset.FromMatrix(DenseCellMatrix.From(new float[,] { { 1, 0 }, { 0, 2 } }), ["c1", "c2"], ["STAT1", "IRF1"]);
            data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("target+guide", ["STAT1+IRF1", "non-targeting"]))).Write(path);

            var result = Dcell.Run("inspect", path);

            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("CD4+ cellules <réf>.h5ad").And.Contain("\"target+guide\"").And.Not.Contain("\\u"), "no \\u002B-style escapes");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [TestCase("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")]
    [TestCase("pbmc68k-reduced/pbmc68k_reduced.h5ad")]
    [TestCase("norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")]
    [TestCase("marson-cd4-crispri-cellxgene/small_perturbations.h5ad")]
    public void SummaryMatchesAnndatasViewOfTheFile(string file)
    {
        string path = SharedData.File(file);
        var result = Dcell.Run("inspect", path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var ours = JsonDocument.Parse(result.Output).RootElement;
        var reference = PythonPeer.RunJson(AnndataView, path);

        Assert.That(ours.GetProperty("format").GetString(), Is.EqualTo("H5ad"));
        foreach (var key in new[] { "n_obs", "n_vars" })
            Assert.That(ours.GetProperty(key).GetInt32(), Is.EqualTo(reference.GetProperty(key).GetInt32()), key);
        foreach (var key in new[] { "X", "obs", "var", "layers", "obsm" })
            Assert.That(Canonical(ours.GetProperty(key)), Is.EqualTo(Canonical(reference.GetProperty(key))), key);
        Assert.That(ours.GetProperty("uns").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal),
            Is.EqualTo(reference.GetProperty("uns").EnumerateArray().Select(e => e.GetString())));
    }

    [Test]
    public void TenXDirectoryIsSummarisedToo()
    {
        var result = Dcell.Run("inspect", SharedData.File("tenx-v3-small"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;
        Assert.That(json.GetProperty("format").GetString(), Is.EqualTo("TenXDirectory"));
        Assert.That(json.GetProperty("n_obs").GetInt32(), Is.EqualTo(1107));
        Assert.That(json.GetProperty("n_vars").GetInt32(), Is.EqualTo(507));
        Assert.That(json.GetProperty("X").GetProperty("nnz").GetInt64(), Is.EqualTo(23866));
        Assert.That(json.GetProperty("var").GetProperty("gene_ids").GetString(), Is.EqualTo("string"));
    }

    /// <summary>JSON text with object keys sorted, so objects compare equal whatever their key order.</summary>
    private static string Canonical(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" + Canonical(p.Value))) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Canonical)) + "]",
        _ => e.GetRawText(),
    };
}
