using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;
using NUnit.Framework;

namespace DigitalCell.Sdk.Tests.Statistics;

/// <summary>
/// The rank-sum input built a tile of genes at a time gives every gene exactly its keys, in cell order, whatever the
/// tile budget and the number of blocks: checked against keys collected cell by cell from the matrix.
/// </summary>
public class GeneKeyTilesTests
{
    [TestCase(1, 1)]
    [TestCase(1, 3)]
    [TestCase(37, 2)]
    [TestCase(GeneKeyTiles.DefaultTileKeys, 4)]
    public void EveryGeneGetsItsKeysInCellOrder(int tileKeys, int threads)
    {
        const int rows = 3_000, genes = 57;
        var random = new Random(7);
        var indptr = new int[rows + 1];
        var indices = new List<int>();
        var data = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int g = 0; g < genes; g++)
            {
                if (random.NextDouble() > 0.3) continue;
                indices.Add(g);
                data.Add(random.NextDouble() < 0.1 ? 0f : MathF.Round((float)random.NextDouble() * 8f, 1)); // explicit zeros and ties
            }
            indptr[r + 1] = indices.Count;
        }
        var x = new SparseCellMatrix(rows, genes, indptr, indices.ToArray(), data.ToArray());
        var cellSlot = Enumerable.Range(0, rows).Select(_ => random.Next(-1, 4)).ToArray(); // −1: a cell outside every slot

        var expected = Enumerable.Range(0, genes).Select(_ => new List<ulong>()).ToArray();
        for (int r = 0; r < rows; r++)
            for (int k = indptr[r]; k < indptr[r + 1]; k++)
                if (cellSlot[r] >= 0 && data[k] != 0f) expected[indices[k]].Add(RankSumTest.Key(data[k], cellSlot[r]));

        var tiles = new GeneKeyTiles(x, cellSlot, new ParallelOptions { MaxDegreeOfParallelism = threads }, tileKeys);
        int nextGene = 0, tileCount = 0;
        foreach (var (first, end) in tiles.Tiles())
        {
            Assert.That(first, Is.EqualTo(nextGene), "tiles cover the genes in order, without gaps");
            var (start, keys) = tiles.Fill(first, end);
            for (int g = first; g < end; g++)
                Assert.That(keys[start[g - first]..start[g - first + 1]], Is.EqualTo(expected[g]), $"gene {g}");
            nextGene = end;
            tileCount++;
        }
        Assert.That(nextGene, Is.EqualTo(genes));
        if (tileKeys == 1) Assert.That(tileCount, Is.EqualTo(genes), "a budget below one gene's keys gives one gene per tile");
        if (tileKeys == GeneKeyTiles.DefaultTileKeys) Assert.That(tileCount, Is.EqualTo(1));
    }

    [Test]
    public void TilesMustBeFilledInOrder()
    {
        var x = new SparseCellMatrix(2, 3, [0, 2, 3], [0, 2, 1], [1f, 2f, 3f]);
        var tiles = new GeneKeyTiles(x, [0, 1], new ParallelOptions(), tileKeys: 1);
        Assert.That(() => tiles.Fill(1, 2), Throws.InvalidOperationException);
    }
}
