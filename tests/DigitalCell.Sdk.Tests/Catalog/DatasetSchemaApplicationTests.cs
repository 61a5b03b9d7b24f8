using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Tests.Catalog;

public class DatasetSchemaApplicationTests
{
    private static CellDataset Cells(string column, params string[] labels)
    {
        var data = CellDataset.FromMatrix(DenseCellMatrix.Zeros(labels.Length, 2));
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels(column, labels)));
    }

    [Test]
    public void ScPerturb_labels_become_canonical_perturbations()
    {
        // Norman 2019 in scPerturb writes doubles as A_B and controls as "control".
        var entry = DatasetCatalog.Default.Get("norman2019");
        var data = Cells("perturbation", "control", "CEBPE_RUNX1T1", "KLF1", "control", "CBL_CNN1");

        var mapped = entry.ApplySchema(data, sha256: "abc");

        Assert.That(Enumerable.Range(0, 5).Select(i => mapped.Obs.Categorical("perturbation")[i]),
            Is.EqualTo(new[] { "control", "CEBPE+RUNX1T1", "KLF1", "control", "CBL+CNN1" }));
        Assert.That(Enumerable.Range(0, 5).Select(i => mapped.Obs["is_control"].GetValue(i)), Is.EqualTo(new object[] { true, false, false, true, false }));
        Assert.That(mapped.Obs.Categorical("perturbation_source")[1], Is.EqualTo("CEBPE_RUNX1T1"), "the source labels are kept");
        var parsed = Perturbation.Parse(mapped.Obs.Categorical("perturbation")[1]!, entry.PerturbationSchema);
        Assert.That(parsed.Targets, Is.EqualTo(new[] { "CEBPE", "RUNX1T1" }));
        Assert.That(parsed.Mode, Is.EqualTo(PerturbationMode.CRISPRa));
        Assert.That(mapped.Source, Is.EqualTo("catalog:norman2019"));
        var provenance = (IReadOnlyDictionary<string, object>)mapped.Uns["catalog"];
        Assert.That(provenance["doi"], Is.EqualTo("10.1126/science.aax4438"));
        Assert.That(provenance["sha256"], Is.EqualTo("abc"));
    }

    [Test]
    public void A_differently_named_column_and_control_label_are_mapped()
    {
        // The Virtual Cell Challenge writes target_gene with "non-targeting" controls.
        var entry = DatasetCatalog.Default.Get("vcc2025-h1");
        var mapped = entry.ApplySchema(Cells("target_gene", "non-targeting", "SH3BP4", "non-targeting"));

        Assert.That(mapped.Obs.Categorical("perturbation").Categories, Is.EquivalentTo(new[] { "control", "SH3BP4" }));
        Assert.That(mapped.Obs.Categorical("target_gene")[0], Is.EqualTo("non-targeting"), "the source column is untouched");
        Assert.That(mapped.Obs.Contains("perturbation_source"), Is.False);
        Assert.That(entry.PerturbationSchema.DefaultMode, Is.EqualTo(PerturbationMode.CRISPRi));
    }

    [Test]
    public void A_missing_perturbation_column_is_a_clear_error()
    {
        var entry = DatasetCatalog.Default.Get("kang2018-pbmc-ifnb");
        var error = Assert.Throws<DigitalCellException>(() => entry.ApplySchema(Cells("perturbation", "control")));
        Assert.That(error!.Message, Does.Contain("no obs column 'condition'").And.Contain("kang2018-pbmc-ifnb"));
    }
}
