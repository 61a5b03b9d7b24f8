using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Catalog;

public class CatalogLoadTests
{
    private string _cache = "";

    [SetUp]
    public void SetUp() => _cache = RepoPaths.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_cache, recursive: true);

    [TestCase("papalexi2021-thp1-subset", "papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad", "perturbation", "control")]
    [TestCase("norman2019-perturbench-devel", "norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad", "perturbation", "control")]
    [TestCase("kang2018-pbmc-ifnb", "kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad", "condition", "control")]
    public async Task Loading_by_id_matches_anndata_and_recognises_the_controls(string id, string file, string column, string control)
    {
        // Independent reference: anndata reads the mirror file and counts labels in the source column.
        var reference = PythonPeer.RunJson("""
            import sys, json, anndata
            a = anndata.read_h5ad(sys.argv[1])
            counts = a.obs[sys.argv[2]].astype(str).value_counts().to_dict()
            print(json.dumps({"n_obs": a.n_obs, "n_vars": a.n_vars, "counts": counts}))
            """, SharedData.File(file), column);
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = SharedData.Mirror });

        var data = await catalog.LoadAsync(id);

        Assert.That(data.CellCount, Is.EqualTo(reference.GetProperty("n_obs").GetInt32()));
        Assert.That(data.GeneCount, Is.EqualTo(reference.GetProperty("n_vars").GetInt32()));
        var counts = reference.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var labels = data.Obs.Categorical(DatasetSchemaApplication.PerturbationColumn);
        var ours = Enumerable.Range(0, data.CellCount).GroupBy(i => labels[i]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(ours[DatasetSchemaApplication.ControlLabel], Is.EqualTo(counts[control]));
        Assert.That(ours.Where(kv => kv.Key != "control").ToDictionary(kv => kv.Key, kv => kv.Value),
            Is.EquivalentTo(counts.Where(kv => kv.Key != control)), "the perturbed groups keep their labels and sizes");
        var schema = catalog.Get(id).PerturbationSchema;
        Assert.That(Enumerable.Range(0, data.CellCount).Count(i => Perturbation.Parse(labels[i]!, schema).IsControl), Is.EqualTo(counts[control]));
        Assert.That(((IReadOnlyDictionary<string, object>)data.Uns["catalog"])["sha256"], Is.EqualTo(catalog.Get(id).PrimaryFile.Sha256));
    }

    [TestCase("pbmc68k-reduced", "pbmc68k-reduced/pbmc68k_reduced.h5ad", true)]
    [TestCase("tenx-multiome-pbmc-rna", "tenx-multiome-pbmc-muon/tenx_multiome_pbmc_1k_rna.h5ad", false)]
    public async Task An_unperturbed_set_loads_its_expression_matrix_with_every_cell_a_control(string id, string file, bool raw)
    {
        // Independent reference: anndata's .raw (pbmc68k: X is scaled, .raw log-normalised) or X.
        var reference = PythonPeer.RunJson("""
            import sys, json, anndata, numpy as np
            a = anndata.read_h5ad(sys.argv[1])
            m = a.raw if sys.argv[2] == "1" else a
            x = m.X.toarray() if hasattr(m.X, "toarray") else np.asarray(m.X)
            print(json.dumps({"genes": list(map(str, m.var_names)), "sum": float(x.astype(np.float64).sum()), "min": float(x.min()), "row0": [float(v) for v in x[0]]}))
            """, SharedData.File(file), raw ? "1" : "0");
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = SharedData.Mirror });

        var data = await catalog.LoadAsync(id);
        var byPath = CellDataset.Read(SharedData.File(file), catalog);

        Assert.That(data.Var.Index, Is.EqualTo(reference.GetProperty("genes").EnumerateArray().Select(g => g.GetString()).ToArray()));
        var dense = data.X.ToDense();
        Assert.That(Enumerable.Range(0, data.CellCount).Sum(r => Enumerable.Range(0, data.GeneCount).Sum(c => (double)dense[r, c])),
            Is.EqualTo(reference.GetProperty("sum").GetDouble()).Within(1e-6).Percent);
        Assert.That(Enumerable.Range(0, data.GeneCount).Select(c => (double)dense[0, c]), Is.EqualTo(reference.GetProperty("row0").EnumerateArray().Select(v => v.GetDouble())).Within(1e-5));
        Assert.That(reference.GetProperty("min").GetDouble(), Is.GreaterThanOrEqualTo(0), "expression, not scaled values");
        Assert.That(Enumerable.Range(0, data.CellCount).Select(i => data.Obs["is_control"].GetValue(i)), Is.All.EqualTo(true));
        Assert.That(byPath.X.ToDense()[0, 0], Is.EqualTo(dense[0, 0]), "a path and the id read the same matrix");
        Assert.That(byPath.GeneCount, Is.EqualTo(data.GeneCount));
    }

    [Test]
    public async Task Norman_doubles_parse_as_two_gene_CRISPRa_combinations()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = SharedData.Mirror });
        var data = await catalog.LoadAsync("norman2019-perturbench-devel");
        var schema = catalog.Get("norman2019-perturbench-devel").PerturbationSchema;

        var perturbations = data.Obs.Categorical("perturbation").Categories.Select(l => Perturbation.Parse(l, schema)).ToArray();

        Assert.That(perturbations.Count(p => p.IsCombination), Is.EqualTo(15), "PROVENANCE.md lists 15 A+B doubles");
        Assert.That(perturbations.Where(p => !p.IsControl).Select(p => p.Mode), Is.All.EqualTo(PerturbationMode.CRISPRa));
        Assert.That(perturbations.Single(p => p.Label == "KLF1+MAP2K6").Targets, Is.EqualTo(new[] { "KLF1", "MAP2K6" }));
    }

    [Test]
    public async Task Reading_a_catalog_file_by_path_gives_the_same_data_set_as_loading_its_id()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = SharedData.Mirror });
        string path = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");

        var byId = await catalog.LoadAsync("papalexi2021-thp1-subset");
        var byPath = CellDataset.Read(path, catalog);

        Assert.That(byPath.CatalogId, Is.EqualTo("papalexi2021-thp1-subset"));
        Assert.That(byPath.Obs.ColumnNames, Is.EqualTo(byId.Obs.ColumnNames));
        string[] Labels(CellDataset d) => Enumerable.Range(0, d.CellCount).Select(d.Obs["perturbation"].GetText).ToArray();
        Assert.That(Labels(byPath), Is.EqualTo(Labels(byId)));
        Assert.That(byPath.Uns["catalog"], Is.EqualTo(byId.Uns["catalog"]));
    }

    [Test]
    public void An_edited_copy_of_a_catalog_file_is_read_as_stored()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { CacheDirectory = _cache, Mirror = SharedData.Mirror });
        string copy = Path.Combine(_cache, "papalexi2021_thp1_eccite_subset.h5ad");
        File.Copy(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), copy);
        using (var stream = File.OpenWrite(copy)) { stream.Seek(0, SeekOrigin.End); stream.WriteByte(0); } // same name, other bytes

        var data = CellDataset.Read(copy, catalog);

        Assert.That(data.CatalogId, Is.Null);
        Assert.That(data.Uns.ContainsKey("catalog"), Is.False);
    }
}
