using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests.Data;

public class SparseCellMatrixTests
{
    // [[1, 0, 2],
    //  [0, 0, 0],
    //  [0, 3, 4]]
    private static SparseCellMatrix Example() => new(3, 3, [0, 2, 2, 4], [0, 2, 1, 2], [1f, 2f, 3f, 4f]);

    [TestCase(new[] { 0, 2 }, new[] { 0 }, new[] { 1f }, "indptr has 2 entries but the matrix has 2 rows (expected 3)")]
    [TestCase(new[] { 0, 1, 1 }, new[] { 0, 1 }, new[] { 1f }, "indices has 2 entries but data has 1")]
    [TestCase(new[] { 1, 1, 1 }, new[] { 0 }, new[] { 1f }, "indptr[0] is 1, expected 0")]
    [TestCase(new[] { 0, 1, 2 }, new[] { 0 }, new[] { 1f }, "indptr[2] is 2 but there are 1 stored values")]
    [TestCase(new[] { 0, 2, 1 }, new[] { 0 }, new[] { 1f }, "indptr decreases at row 1 (2 > 1)")]
    [TestCase(new[] { 0, 1, 1 }, new[] { 3 }, new[] { 1f }, "column index 3 at position 0 is out of range for 3 columns")]
    [TestCase(new[] { 0, 1, 1 }, new[] { -1 }, new[] { 1f }, "column index -1 at position 0 is out of range for 3 columns")]
    public void InvalidCsrArraysAreRejectedWithTheirProblem(int[] indptr, int[] indices, float[] data, string problem)
    {
        Assert.That(SparseCellMatrix.Validate(2, 3, indptr, indices, data), Is.EqualTo(problem));
        var e = Assert.Throws<DigitalCellException>(() => _ = new SparseCellMatrix(2, 3, indptr, indices, data))!;
        Assert.That(e.Message, Is.EqualTo(problem));
    }

    [Test]
    public void ValidArraysHaveNoProblem() =>
        Assert.That(SparseCellMatrix.Validate(3, 3, [0, 2, 2, 4], [0, 2, 1, 2], [1f, 2f, 3f, 4f]), Is.Null);

    [Test]
    public void UnsortedColumnIndicesAreSortedWithTheirValues()
    {
        var m = new SparseCellMatrix(1, 4, [0, 3], [3, 0, 2], [30f, 0.5f, 20f]);
        Assert.That(m.RowIndices(0).ToArray(), Is.EqualTo(new[] { 0, 2, 3 }));
        Assert.That(m.RowValues(0).ToArray(), Is.EqualTo(new[] { 0.5f, 20f, 30f }));
        Assert.That(m[0, 3], Is.EqualTo(30f));
    }

    [Test]
    public void IndexerReadsStoredValuesAndZeros()
    {
        var m = Example();
        Assert.That(m[0, 2], Is.EqualTo(2f));
        Assert.That(m[1, 1], Is.EqualTo(0f));
        Assert.That(m[2, 1], Is.EqualTo(3f));
        var e = Assert.Throws<DigitalCellException>(() => _ = m[3, 0])!;
        Assert.That(e.Message, Does.Contain("(3, 0) is outside the 3 × 3 matrix"));
    }

    [Test]
    public void TransposeIsTheCscLayout()
    {
        var t = Example().Transpose();
        // transpose: [[1,0,0],[0,0,3],[2,0,4]]
        Assert.That(t.RowPointers.ToArray(), Is.EqualTo(new[] { 0, 1, 2, 4 }));
        Assert.That(t.ColumnIndices.ToArray(), Is.EqualTo(new[] { 0, 2, 0, 2 }));
        Assert.That(t.StoredValues.ToArray(), Is.EqualTo(new[] { 1f, 3f, 2f, 4f }));
    }

    [Test]
    public void FromCscBuildsTheSameMatrixAsCsr()
    {
        // CSC of Example(): column 0 = {0:1}, column 1 = {2:3}, column 2 = {0:2, 2:4}
        var m = SparseCellMatrix.FromCsc(3, 3, [0, 1, 2, 4], [0, 2, 0, 2], [1f, 3f, 2f, 4f]);
        Assert.That(m.ToDense().Values.ToArray(), Is.EqualTo(Example().ToDense().Values.ToArray()));
    }

    [Test]
    public void FromCscValidatesAgainstTheRowCount()
    {
        var e = Assert.Throws<DigitalCellException>(() => SparseCellMatrix.FromCsc(2, 1, [0, 1], [2], [1f]))!;
        Assert.That(e.Message, Does.Contain("out of range for 2"));
    }

    [Test]
    public void DenseAndSparseConvertBothWaysDroppingZeros()
    {
        var dense = DenseCellMatrix.From(new float[,] { { 1, 0, 2 }, { 0, 0, 0 }, { 0, 3, 4 } });
        var sparse = dense.ToSparse();
        Assert.That(sparse.StoredCount, Is.EqualTo(4));
        Assert.That(sparse.RowPointers.ToArray(), Is.EqualTo(Example().RowPointers.ToArray()));
        Assert.That(sparse.ColumnIndices.ToArray(), Is.EqualTo(Example().ColumnIndices.ToArray()));
        Assert.That(Example().ToDense().Values.ToArray(), Is.EqualTo(dense.Values.ToArray()));
        Assert.That(dense.StoredCount, Is.EqualTo(9));
    }

    [Test]
    public void SelectColumnsWithRepeatsAndReorderMatchesDense()
    {
        int[] columns = [2, 0, 2, 1];
        var sparse = (SparseCellMatrix)Example().SelectColumns(columns);
        var dense = Example().ToDense().SelectColumns(columns);
        Assert.That(sparse.ColumnCount, Is.EqualTo(4));
        Assert.That(sparse.ToDense().Values.ToArray(), Is.EqualTo(new float[] { 2, 1, 2, 0, 0, 0, 0, 0, 4, 0, 4, 3 }));
        Assert.That(dense.ToDense().Values.ToArray(), Is.EqualTo(sparse.ToDense().Values.ToArray()));
        for (int r = 0; r < 3; r++)
            Assert.That(sparse.RowIndices(r).ToArray(), Is.Ordered.Ascending, "column indices stay sorted");
    }

    [Test]
    public void SelectRowsWithRepeats()
    {
        var rows = Example().SelectRows([2, 2, 0]);
        Assert.That(rows.ToDense().Values.ToArray(), Is.EqualTo(new float[] { 0, 3, 4, 0, 3, 4, 1, 0, 2 }));
    }

    [Test]
    public void OutOfRangeSelectionsAreClearErrors()
    {
        Assert.That(Assert.Throws<DigitalCellException>(() => Example().SelectRows([0, 3]))!.Message, Is.EqualTo("row index 3 is out of range for 3 rows."));
        Assert.That(Assert.Throws<DigitalCellException>(() => Example().SelectColumns([-1]))!.Message, Is.EqualTo("column index -1 is out of range for 3 columns."));
        Assert.That(Assert.Throws<DigitalCellException>(() => Example().SliceRows(2, 2))!.Message, Does.Contain("outside the 3 rows"));
    }

    [Test]
    public void MapStoredKeepsImplicitZeros()
    {
        var m = Example().MapStored(v => v + 1);
        Assert.That(m.StoredCount, Is.EqualTo(4));
        Assert.That(m[1, 1], Is.EqualTo(0f));
        Assert.That(m[2, 2], Is.EqualTo(5f));
    }

    [Test]
    public void ChunksCoverEveryRowOnce()
    {
        var chunks = Example().ReadChunks(2).ToList();
        Assert.That(chunks.Select(c => (c.Start, c.Rows.RowCount)), Is.EqualTo(new[] { (0, 2), (2, 1) }));
        Assert.That(chunks[1].Rows[0, 1], Is.EqualTo(3f));
    }
}
