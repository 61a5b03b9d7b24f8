using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests.Data;

public class CellDatasetTests
{
    // 4 cells × 3 genes; every part encodes its cell (and gene) so a mis-aligned subset is visible.
    private static CellDataset Example()
    {
        // X[c, g] = 10 * c + g (+1 so nothing is zero except where chosen)
        var x = DenseCellMatrix.From(new float[,] { { 1, 0, 3 }, { 11, 12, 0 }, { 0, 22, 23 }, { 31, 32, 33 } }).ToSparse();
        var obs = new AnnotationTable("obs", ["c0", "c1", "c2", "c3"],
        [
            CategoricalColumn.FromLabels("perturbation", ["control", "TP53", "control", "MYC"]),
            new NumericColumn<double>("n_counts", [4, 23, 45, 96]),
        ]);
        var var = new AnnotationTable("var", ["g0", "g1", "g2"], [new BooleanColumn("highly_variable", [true, false, true])]);
        var counts = x.MapStored(v => v * 2);
        var pca = DenseCellMatrix.From(new float[,] { { 0, 0.5f }, { 1, 1.5f }, { 2, 2.5f }, { 3, 3.5f } });
        var loadings = DenseCellMatrix.From(new float[,] { { 100 }, { 101 }, { 102 } });
        // obsp[i, j] = 10 * i + j + 1
        var graph = DenseCellMatrix.From(new float[,] { { 1, 2, 3, 4 }, { 11, 12, 13, 14 }, { 21, 22, 23, 24 }, { 31, 32, 33, 34 } }).ToSparse();
        return new CellDataset(x, obs, var,
            layers: new Dictionary<string, CellMatrix> { ["counts"] = counts },
            obsm: new Dictionary<string, DenseCellMatrix> { ["X_pca"] = pca },
            varm: new Dictionary<string, DenseCellMatrix> { ["PCs"] = loadings },
            obsp: new Dictionary<string, CellMatrix> { ["connectivities"] = graph },
            uns: new Dictionary<string, object> { ["title"] = "example" });
    }

    [Test]
    public void SelectingCellsByIndexKeepsEveryPartAligned()
    {
        var subset = Example().SelectCells([3, 1]);
        Assert.That(subset.CellNames, Is.EqualTo(new[] { "c3", "c1" }));
        Assert.That(subset.X.ToDense().Values.ToArray(), Is.EqualTo(new float[] { 31, 32, 33, 11, 12, 0 }));
        Assert.That(subset.Layer("counts").ToDense().Values.ToArray(), Is.EqualTo(new float[] { 62, 64, 66, 22, 24, 0 }));
        Assert.That(subset.Obs.Categorical("perturbation")[0], Is.EqualTo("MYC"));
        Assert.That(((NumericColumn<double>)subset.Obs["n_counts"]).Values.ToArray(), Is.EqualTo(new double[] { 96, 23 }));
        Assert.That(subset.Obsm["X_pca"].Values.ToArray(), Is.EqualTo(new[] { 3f, 3.5f, 1f, 1.5f }));
        Assert.That(subset.Obsp["connectivities"].ToDense().Values.ToArray(), Is.EqualTo(new float[] { 34, 32, 14, 12 }), "rows and columns both follow the cells");
        Assert.That(subset.GeneNames, Is.EqualTo(new[] { "g0", "g1", "g2" }));
        Assert.That(subset.GeneCount, Is.EqualTo(3));
        Assert.That(subset.Uns["title"], Is.EqualTo("example"));
    }

    [Test]
    public void SelectingCellsByMaskAndByNameAgreeWithIndex()
    {
        var data = Example();
        var byMask = data.SelectCells([false, true, false, true]);
        var byName = data.SelectCells(["c1", "c3"]);
        var byIndex = data.SelectCells([1, 3]);
        foreach (var subset in new[] { byMask, byName })
        {
            Assert.That(subset.CellNames, Is.EqualTo(byIndex.CellNames));
            Assert.That(subset.X.ToDense().Values.ToArray(), Is.EqualTo(byIndex.X.ToDense().Values.ToArray()));
            Assert.That(subset.Obsp["connectivities"].ToDense().Values.ToArray(), Is.EqualTo(byIndex.Obsp["connectivities"].ToDense().Values.ToArray()));
        }
    }

    [Test]
    public void SelectingGenesKeepsVarLayersAndVarmAligned()
    {
        var data = Example();
        var subset = data.SelectGenes(["g2", "g0"]);
        Assert.That(subset.GeneNames, Is.EqualTo(new[] { "g2", "g0" }));
        Assert.That(subset.X.ToDense().Values.ToArray(), Is.EqualTo(new float[] { 3, 1, 0, 11, 23, 0, 33, 31 }));
        Assert.That(subset.Layer("counts")[3, 1], Is.EqualTo(62f));
        Assert.That(((BooleanColumn)subset.Var["highly_variable"]).Values.ToArray(), Is.EqualTo(new[] { true, true }));
        Assert.That(subset.Varm["PCs"].Values.ToArray(), Is.EqualTo(new[] { 102f, 100f }));
        Assert.That(subset.Obsm["X_pca"].RowCount, Is.EqualTo(4), "per-cell parts are untouched");
        var byMask = data.SelectGenes([true, false, true]);
        Assert.That(byMask.GeneNames, Is.EqualTo(new[] { "g0", "g2" }));
    }

    [Test]
    public void UnknownNamesAreErrorsNamingThem()
    {
        var data = Example();
        Assert.That(Assert.Throws<DigitalCellException>(() => data.SelectCells(["c1", "nope"]))!.Message, Is.EqualTo("obs has no row named 'nope'."));
        Assert.That(Assert.Throws<DigitalCellException>(() => data.SelectGenes(["TP53"]))!.Message, Is.EqualTo("var has no row named 'TP53'."));
    }

    [Test]
    public void UnknownColumnErrorListsTheAvailableOnes()
    {
        var e = Assert.Throws<DigitalCellException>(() => _ = Example().Obs["cell_type"])!;
        Assert.That(e.Message, Is.EqualTo("obs has no column 'cell_type'. Available: perturbation, n_counts."));
    }

    [Test]
    public void NumericColumnIsNotCategorical()
    {
        var e = Assert.Throws<DigitalCellException>(() => Example().Obs.Categorical("n_counts"))!;
        Assert.That(e.Message, Is.EqualTo("obs column 'n_counts' is float64, not categorical."));
    }

    [Test]
    public void UnknownLayerErrorListsTheAvailableOnes()
    {
        var e = Assert.Throws<DigitalCellException>(() => Example().Layer("spliced"))!;
        Assert.That(e.Message, Is.EqualTo("The dataset has no layer 'spliced'. Available: counts."));
        Assert.That(Assert.Throws<DigitalCellException>(() => CellDataset.FromMatrix(DenseCellMatrix.Zeros(1, 1)).Layer("x"))!.Message, Does.Contain("(none)"));
    }

    [Test]
    public void MaskOfTheWrongLengthIsAnError()
    {
        var e = Assert.Throws<DigitalCellException>(() => Example().SelectCells([true, false]))!;
        Assert.That(e.Message, Is.EqualTo("The cell mask has 2 entries but the dataset has 4 cells."));
    }

    [Test]
    public void PartsOfTheWrongShapeAreRejected()
    {
        var data = Example();
        Assert.That(Assert.Throws<DigitalCellException>(() => data.WithLayer("bad", DenseCellMatrix.Zeros(4, 2)))!.Message,
            Does.Contain("layer 'bad' is 4 × 2, X is 4 × 3"));
        Assert.That(Assert.Throws<DigitalCellException>(() => data.WithObsm("bad", DenseCellMatrix.Zeros(3, 2)))!.Message,
            Does.Contain("obsm 'bad' has 3 rows for 4 cells"));
        Assert.That(Assert.Throws<DigitalCellException>(() => data.WithObs(new AnnotationTable("obs", ["a"])))!.Message,
            Does.Contain("X has 4 rows but obs has 1"));
    }

    [Test]
    public void AnnotationColumnsMustMatchTheIndexAndHaveUniqueNames()
    {
        Assert.That(Assert.Throws<DigitalCellException>(() => _ = new AnnotationTable("obs", ["a", "b"], [new StringColumn("x", ["1"])]))!.Message,
            Is.EqualTo("obs column 'x' has 1 entries but obs has 2 rows."));
        Assert.That(Assert.Throws<DigitalCellException>(() => _ = new AnnotationTable("var", ["a"], [new StringColumn("x", ["1"]), new StringColumn("x", ["2"])]))!.Message,
            Is.EqualTo("var has two columns named 'x'."));
    }

    [Test]
    public void CategoricalCodesOutOfRangeAreRejected()
    {
        var e = Assert.Throws<DigitalCellException>(() => _ = new CategoricalColumn("perturbation", [0, 2], ["a", "b"]))!;
        Assert.That(e.Message, Does.Contain("code 2 at row 1 is out of range for 2 categories"));
    }
}
