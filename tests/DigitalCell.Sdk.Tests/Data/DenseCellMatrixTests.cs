using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests.Data;

public class DenseCellMatrixTests
{
    [Test]
    public void WrongNumberOfValuesIsAnError()
    {
        var e = Assert.Throws<DigitalCellException>(() => _ = new DenseCellMatrix(2, 3, new float[5]))!;
        Assert.That(e.Message, Does.Contain("needs 6 values, got 5"));
    }

    [Test]
    public void IndexerRejectsColumnsOutsideTheRow()
    {
        var m = DenseCellMatrix.From(new float[,] { { 1, 2 }, { 3, 4 } });
        Assert.That(m[1, 0], Is.EqualTo(3f));
        // Row-major storage would otherwise silently return the next row's first value.
        Assert.Throws<DigitalCellException>(() => _ = m[0, 2]);
        Assert.Throws<DigitalCellException>(() => _ = m[2, 0]);
    }

    [Test]
    public void NegativeShapeIsAnError() =>
        Assert.That(Assert.Throws<DigitalCellException>(() => DenseCellMatrix.Zeros(-1, 2))!.Message, Does.Contain("non-negative"));
}
