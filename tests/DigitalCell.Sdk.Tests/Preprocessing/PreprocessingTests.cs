using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Tests.Preprocessing;

/// <summary>Hand-checkable normalisation, QC, filters and pseudobulk.</summary>
[TestFixture]
public class PreprocessingTests
{
    // cells × genes: MT-CO1, ACTB, GAPDH
    private static CellDataset Counts() => CellDataset.FromMatrix(
        DenseCellMatrix.From(new float[,] { { 1, 3, 0 }, { 0, 0, 0 }, { 2, 2, 4 } }).ToSparse(),
        geneNames: ["MT-CO1", "ACTB", "GAPDH"]);

    [TestCase(float.NaN, true)]
    [TestCase(float.PositiveInfinity, true)]
    [TestCase(float.NegativeInfinity, false)]
    public void PcaOfNonFiniteValuesNamesTheFirstCellAndGene(float bad, bool sparse)
    {
        // Issue 12: NaN/Inf reached the SVD and ended in `internal error`. Two bad values: the first in row order is named.
        var values = new float[,] { { 1, 3, 0 }, { 0, 2, 1 }, { 2, bad, 4 }, { bad, 1, 1 } };
        var x = DenseCellMatrix.From(values);
        var data = CellDataset.FromMatrix(sparse ? x.ToSparse() : x, cellNames: ["c0", "c1", "c2", "c3"], geneNames: ["MT-CO1", "ACTB", "GAPDH"]);

        var error = Assert.Throws<DigitalCellException>(() => data.Pca(2));
        Assert.That(error!.Message, Does.StartWith($"PCA: X is {bad} at cell 'c2' (row 2), gene 'ACTB' (column 1)"));

        var direct = Assert.Throws<DigitalCellException>(() => PrincipalComponents.Fit(data.X, 2));
        Assert.That(direct!.Message, Does.StartWith($"PCA: the matrix is {bad} at row 2, column 1"));
    }

    [Test]
    public void NormalizeTotalScalesEachCellToTheTargetAndLeavesEmptyCellsAtZero()
    {
        var n = Counts().NormalizeTotal(100);
        Assert.That(n.X.ToDense().Values.ToArray(), Is.EqualTo(new float[] { 25, 75, 0, 0, 0, 0, 25, 25, 50 }));
        Assert.That(n.Layers.ContainsKey("counts"));
        // normalising again keeps the original counts layer
        Assert.That(n.NormalizeTotal(10).Layer("counts"), Is.SameAs(n.Layer("counts")));
        Assert.Throws<DigitalCellException>(() => Counts().NormalizeTotal(0));
    }

    [Test]
    public void NormalizeTotalToMedianUsesCellsWithCounts()
    {
        // totals 4, 0, 8 → median of the non-empty cells = (4 + 8)/2 = 6
        var n = Counts().NormalizeTotalToMedian();
        Assert.That(n.X[0, 1], Is.EqualTo(4.5f));
    }

    [Test]
    public void Log1pIsNaturalLogOfOnePlusX()
    {
        var l = Counts().Log1p();
        Assert.That(l.X[0, 1], Is.EqualTo((float)Math.Log(4)));
        Assert.That(l.X.StoredCount, Is.EqualTo(Counts().X.StoredCount), "sparse stays sparse");
    }

    [Test]
    public void QualityControlNamesFollowScanpy()
    {
        var qc = Counts().QualityControl("mt-");
        Assert.That(((NumericColumn<double>)qc.Obs["pct_counts_mt"]).Values.ToArray(), Is.EqualTo(new[] { 25.0, 0.0, 25.0 }));
        Assert.That(((NumericColumn<int>)qc.Obs["n_genes_by_counts"]).Values.ToArray(), Is.EqualTo(new[] { 2, 0, 3 }));
        Assert.That(((NumericColumn<int>)qc.Var["n_cells_by_counts"]).Values.ToArray(), Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(((NumericColumn<double>)qc.Var["pct_dropout_by_counts"]).Values[2], Is.EqualTo(200.0 / 3));
    }

    [Test]
    public void FiltersKeepCellsAndGenesWithinInclusiveBounds()
    {
        Assert.That(Counts().FilterCells(minCounts: 1).CellNames, Is.EqualTo(new[] { "0", "2" }));
        Assert.That(Counts().FilterCells(minGenes: 3).CellNames, Is.EqualTo(new[] { "2" }));
        Assert.That(Counts().FilterCells(maxCounts: 4).CellNames, Is.EqualTo(new[] { "0", "1" }));
        Assert.That(Counts().FilterGenes(minCells: 2).GeneNames, Is.EqualTo(new[] { "MT-CO1", "ACTB" }));
        Assert.That(Counts().FilterGenes(minCounts: 5).GeneNames, Is.EqualTo(new[] { "ACTB" }));
    }

    [Test]
    public void PseudobulkMeansAndSumsPerGroupAndColumnCombination()
    {
        var data = Counts();
        data = data.WithObs(data.Obs
            .With(CategoricalColumn.FromLabels("pert", ["a", "a", "b"]))
            .With(CategoricalColumn.FromLabels("rep", ["r1", "r2", "r1"])));
        var pb = data.Pseudobulk("pert");
        Assert.That(pb.Groups, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(pb.CellCounts, Is.EqualTo(new[] { 2, 1 }));
        Assert.That(pb.Profile("a").ToArray(), Is.EqualTo(new float[] { 0.5f, 1.5f, 0 }));
        Assert.That(pb.Sums.Row(0).ToArray(), Is.EqualTo(new float[] { 1, 3, 0 }));
        var both = data.Pseudobulk(["pert", "rep"]);
        Assert.That(both.Groups, Is.EqualTo(new[] { "a_r1", "a_r2", "b_r1" }));
        Assert.Throws<DigitalCellException>(() => pb.Profile("zzz"));
        var streamed = PseudobulkAggregation.Compute(data.X, ["a", null, "b"], data.GeneNames);
        Assert.That(streamed.Profile("a").ToArray(), Is.EqualTo(new float[] { 1, 3, 0 }), "null label leaves the cell out");
    }
}
