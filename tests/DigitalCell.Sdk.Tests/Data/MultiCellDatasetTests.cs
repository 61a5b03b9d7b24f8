using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests.Data;

[TestFixture]
public class MultiCellDatasetTests
{
    private static CellDataset Modality(string[] cells, string[] features, float offset = 0) =>
        CellDataset.FromMatrix(new DenseCellMatrix(cells.Length, features.Length, Enumerable.Range(0, cells.Length * features.Length).Select(i => i + offset).ToArray()), cells, features);

    [Test]
    public void SharedAxesAndMapsAreBuiltByNameAsMudataDoes()
    {
        var rna = Modality(["a", "b", "c"], ["G1", "G2"]);
        var prot = Modality(["c", "a"], ["CD3"]);
        var data = new MultiCellDataset([new("rna", rna), new("prot", prot)]);
        Assert.That(data.Obs.Index, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(data.Var.Index, Is.EqualTo(new[] { "G1", "G2", "CD3" }));
        Assert.That(data.ObsMap["prot"], Is.EqualTo(new[] { 2, 0, 1 }), "cell b has no protein; c is the first protein row");
        Assert.That(data.VarMap["rna"], Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(data.SharedCellsOf("prot"), Is.EqualTo(new[] { 2, 0 }));
    }

    [Test]
    public void ModalityWithSharedObsPutsTheCellLabelsFirst()
    {
        var prot = Modality(["c", "a"], ["CD3"]).WithObs(new AnnotationTable("obs", ["c", "a"], [new NumericColumn<int>("n_counts", [5, 6])]));
        var obs = new AnnotationTable("obs", ["a", "b", "c"], [new StringColumn("cell_type", ["T", "B", "NK"])]);
        var flat = new MultiCellDataset([new("rna", Modality(["a", "b", "c"], ["G1"])), new("prot", prot)], obs).ModalityWithSharedObs("prot");
        Assert.That(flat.Obs.ColumnNames, Is.EqualTo(new[] { "cell_type", "n_counts" }));
        Assert.That(((StringColumn)flat.Obs["cell_type"]).Values, Is.EqualTo(new[] { "NK", "T" }));
    }

    [Test]
    public void RepeatedCellNamesWithoutMapsAreRefusedWithAWayOut()
    {
        var error = Assert.Throws<DigitalCellException>(() => new MultiCellDataset([new("rna", Modality(["a", "a"], ["G1"]))]))!;
        Assert.That(error.Message, Does.Contain("modality 'rna'").And.Contain("give obsmap explicitly"));
    }

    [Test]
    public void GivenMapsAreChecked()
    {
        var rna = Modality(["a", "b"], ["G1"]);
        var twice = new Dictionary<string, int[]> { ["rna"] = [1, 1] };
        Assert.That(Assert.Throws<DigitalCellException>(() => new MultiCellDataset([new("rna", rna)], obsMap: twice))!.Message, Does.Contain("mapped twice"));
        var stranger = new Dictionary<string, int[]> { ["atac"] = [1, 2] };
        Assert.That(Assert.Throws<DigitalCellException>(() => new MultiCellDataset([new("rna", rna)], obsMap: stranger))!.Message, Does.Contain("'atac' that is not a modality"));
    }

    [Test]
    public void ModalityNamesMustBeUniqueAndPathSafe()
    {
        var rna = Modality(["a"], ["G1"]);
        Assert.Throws<DigitalCellException>(() => new MultiCellDataset([new("rna", rna), new("rna", rna)]));
        Assert.Throws<DigitalCellException>(() => new MultiCellDataset([new("rna/x", rna)]));
        Assert.Throws<DigitalCellException>(() => new MultiCellDataset([]));
        Assert.That(Assert.Throws<DigitalCellException>(() => _ = new MultiCellDataset([new("rna", rna)])["atac"])!.Message, Does.Contain("Available: rna"));
    }
}
