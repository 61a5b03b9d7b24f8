

namespace DigitalCell.Sdk.Tests.IO.H5ad;

using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

/// <summary>Every real h5ad of the data mirror reads exactly as Python anndata 0.8 reads it.</summary>
[TestFixture]
public class H5adRealDataTests
{
    private static readonly string[] RealFiles =
    [
        "papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad",
        "norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad",
        "kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad",
        "kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.legacy.h5ad",
        "pbmc68k-reduced/pbmc68k_reduced.h5ad",
        "marson-cd4-crispri-cellxgene/small_perturbations.h5ad",
    ];

    private Dictionary<string, AnndataPeer.Dump> _dumps = [];

    [OneTimeSetUp]
    public void ReadAllWithAnndata()
    {
        AnndataPeer.RequireAnndata();
        _dumps = AnndataPeer.ReadMany(RealFiles.Select(SharedData.File).ToArray());
    }

    [TestCase("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")]
    [TestCase("norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")]
    [TestCase("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad")]
    [TestCase("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.legacy.h5ad")]
    [TestCase("pbmc68k-reduced/pbmc68k_reduced.h5ad")]
    [TestCase("marson-cd4-crispri-cellxgene/small_perturbations.h5ad")]
    public void ReadsRealFileLikeAnndata(string relative)
    {
        string path = SharedData.File(relative);
        var ours = H5adFile.Read(path);
        AnndataPeer.AssertSame(ours, _dumps[path]);
        Assert.That(ours.Source, Is.EqualTo(path));
    }

    [Test]
    public void Pbmc68kSkipsRawAndRecArraysAndReportsThem()
    {
        var skipped = new List<string>();
        var data = H5adFile.Read(SharedData.File("pbmc68k-reduced/pbmc68k_reduced.h5ad"), new H5adReadOptions { OnSkipped = (element, _) => skipped.Add(element) });
        Assert.That(skipped, Is.EquivalentTo(new[] { "/raw", "/uns/rank_genes_groups/names", "/uns/rank_genes_groups/scores" }));
        Assert.That(data.X.IsSparse, Is.False, "pbmc68k stores a dense X");
        var rgg = (IReadOnlyDictionary<string, object>)data.Uns["rank_genes_groups"];
        Assert.That(rgg.Keys, Is.EquivalentTo(new[] { "params" }));
    }

    [Test]
    public void Pbmc68kReadRawTakesRawXAndVarAndReportsWhatNoLongerFits()
    {
        string path = SharedData.File("pbmc68k-reduced/pbmc68k_reduced.h5ad");
        var skipped = new List<string>();
        var scaled = H5adFile.Read(path);
        var data = H5adFile.Read(path, new H5adReadOptions { ReadRaw = true, OnSkipped = (element, _) => skipped.Add(element) });
        var reference = PythonPeer.RunJson("""
            import sys, json, anndata
            a = anndata.read_h5ad(sys.argv[1])
            x = a.raw.X
            print(json.dumps({"nnz": int(x.nnz), "max": float(x.max()), "genes": list(map(str, a.raw.var_names))}))
            """, path);

        Assert.That(data.X.IsSparse, Is.True, ".raw is CSR while X is dense");
        Assert.That(data.X.StoredCount, Is.EqualTo(reference.GetProperty("nnz").GetInt64()));
        Assert.That(data.Var.Index, Is.EqualTo(reference.GetProperty("genes").EnumerateArray().Select(g => g.GetString()).ToArray()));
        Assert.That(Enumerable.Range(0, data.CellCount).Max(r => Enumerable.Range(0, data.GeneCount).Max(c => data.X[r, c])),
            Is.EqualTo(reference.GetProperty("max").GetDouble()).Within(1e-5));
        Assert.That(data.Obs.ColumnNames, Is.EqualTo(scaled.Obs.ColumnNames));
        Assert.That(data.Obsm.Keys, Is.EquivalentTo(scaled.Obsm.Keys));
        Assert.That(data.Varm, Is.Empty, "varm (PCs) is shaped to X's genes");
        Assert.That(skipped, Does.Contain("/X").And.Contain("/varm"));
        Assert.That(skipped, Does.Not.Contain("/raw"));
    }

    [Test]
    public void ReadRawWithoutRawOrOnABackedFileFailsNamingRaw()
    {
        string path = SharedData.File("marson-cd4-crispri-cellxgene/small_perturbations.h5ad");
        var missing = Assert.Throws<DigitalCellException>(() => H5adFile.Read(path, new H5adReadOptions { ReadRaw = true }));
        Assert.That(missing!.Element, Is.EqualTo("/raw"));
        Assert.That(missing.Message, Does.Contain("no .raw matrix"));
        var backed = Assert.Throws<DigitalCellException>(() => H5adFile.OpenBacked(path, new H5adReadOptions { ReadRaw = true }));
        Assert.That(backed!.Element, Is.EqualTo("/raw"));
    }

    [Test]
    public void NumericCategoriesBecomeTheirText()
    {
        var data = H5adFile.Read(SharedData.File("marson-cd4-crispri-cellxgene/small_perturbations.h5ad"));
        var lengths = data.Var.Categorical("feature_length");
        Assert.That(lengths.Categories.All(c => long.TryParse(c, out _)), Is.True);
    }

    [Test]
    public void LegacyLayoutReadsLikeTheModernCopyOfTheSameData()
    {
        var modern = H5adFile.Read(SharedData.File("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad"));
        var legacy = H5adFile.Read(SharedData.File("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.legacy.h5ad"));
        Assert.That(legacy.CellNames, Is.EqualTo(modern.CellNames));
        Assert.That(legacy.Obs.Categorical("cell_type").Categories, Is.EqualTo(modern.Obs.Categorical("cell_type").Categories));
        Assert.That(legacy.Obs.Categorical("cell_type").Codes.ToArray(), Is.EqualTo(modern.Obs.Categorical("cell_type").Codes.ToArray()));
        Assert.That(legacy.X.ToSparse().StoredValues.ToArray(), Is.EqualTo(modern.X.ToSparse().StoredValues.ToArray()));
        Assert.That(legacy.Obsp.Keys, Is.EquivalentTo(modern.Obsp.Keys));
        Assert.That(legacy.Uns.Keys, Does.Not.Contain("cell_type_categories"), "categories are consumed by their column");
    }

    [Test]
    public void LegacyLayoutCanBeOpenedBacked()
    {
        string path = SharedData.File("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.legacy.h5ad");
        var full = H5adFile.Read(path);
        using var backed = H5adFile.OpenBacked(path);
        var rows = backed.X.ReadRows(100, 50).ToSparse();
        Assert.That(rows.StoredValues.ToArray(), Is.EqualTo(full.X.SliceRows(100, 50).ToSparse().StoredValues.ToArray()));
        Assert.That(backed.Obsm["X_pca"].Values.ToArray(), Is.EqualTo(full.Obsm["X_pca"].Values.ToArray()));
    }
}
