using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Data;

/// <summary>Obs values without casts, checked against anndata on PerturBench's devel set (loaded by id from the mirror).</summary>
public class AnnotationValuesTests
{
    private static CellDataset Norman()
    {
        string cache = RepoPaths.NewTempDirectory();
        return new DatasetCatalog(new CatalogOptions { CacheDirectory = cache, Mirror = SharedData.Mirror }).Load("norman2019-perturbench-devel");
    }

    [Test]
    public void A_column_compared_with_a_value_is_a_cell_mask_and_the_mask_selects_cells()
    {
        var reference = PythonPeer.RunJson("""
            import sys, json, anndata
            a = anndata.read_h5ad(sys.argv[1], backed='r')
            t = a.obs['cell_type'].astype(str)
            print(json.dumps({'k562': int((t == 'k562').sum()), 'k562_crispra': int(((t == 'k562') & (a.obs['perturbation_type'].astype(str) == 'CRISPRa')).sum()),
                              'ncounts_sum': float(a.obs['ncounts'].astype(float).sum()), 'k562_ncounts_sum': float(a.obs['ncounts'][(t == 'k562').values].astype(float).sum())}))
            """, SharedData.File("norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad"));
        var data = Norman();

        var k562 = data.Obs["cell_type"] == "k562";
        var subset = data[k562];

        Assert.That(k562.Selected, Is.EqualTo(reference.GetProperty("k562").GetInt32()));
        Assert.That((data.Obs["cell_type"] != "k562").Selected, Is.EqualTo(data.CellCount - k562.Selected));
        Assert.That((!k562).Selected, Is.EqualTo(data.CellCount - k562.Selected));
        Assert.That((k562 & (data.Obs["perturbation_type"] == "CRISPRa")).Selected, Is.EqualTo(reference.GetProperty("k562_crispra").GetInt32()));
        Assert.That(subset.CellCount, Is.EqualTo(k562.Selected));
        Assert.That(subset.Obs.Texts("cell_type"), Is.All.EqualTo("k562"));
        Assert.That(data.Obs.Doubles("ncounts").Sum(), Is.EqualTo(reference.GetProperty("ncounts_sum").GetDouble()).Within(1e-9).Percent);
        Assert.That(subset.Obs.Doubles("ncounts").Sum(), Is.EqualTo(reference.GetProperty("k562_ncounts_sum").GetDouble()).Within(1e-9).Percent);
    }

    [Test]
    public void Doubles_of_a_text_column_is_an_error_naming_it()
    {
        var obs = new AnnotationTable("obs", ["a", "b"], [CategoricalColumn.FromLabels("cell_type", ["x", "y"]), new BooleanColumn("kept", [true, false])]);
        var error = Assert.Throws<DigitalCellException>(() => obs.Doubles("cell_type"));
        Assert.That(error!.Message, Does.Contain("'cell_type'"));
        Assert.That(obs.Doubles("kept"), Is.EqualTo(new[] { 1.0, 0.0 }));
        Assert.That(Assert.Throws<DigitalCellException>(() => _ = new CellMask([true]) & new CellMask([true, false]))!.Message, Does.Contain("1 and 2 cells"));
    }
}
