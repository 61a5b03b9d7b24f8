using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Statistics;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Collections;

/// <summary>
/// The partition's test keys, read from gene-major parts a block at a time, are exactly the keys the in-memory tests
/// build from the same cells stacked (<see cref="GeneKeyTiles"/>), and a block never holds more keys than its budget.
/// </summary>
public sealed class PartitionGeneKeysTests : TempDirectoryTest
{
    [TestCase(1)]
    [TestCase(40)]
    [TestCase(1_000_000)]
    public void Blocks_hold_the_in_memory_keys_of_every_gene_within_the_budget(long blockKeys)
    {
        const int genes = 23;
        var random = new Random(3);
        // three parts of slot 0 (the controls), one of slot 1, two of slot 2; explicit zeros and ties included
        int[] slots = [0, 0, 0, 1, 2, 2];
        var parts = new List<(string File, int Slot)>();
        var matrices = new List<SparseCellMatrix>();
        for (int p = 0; p < slots.Length; p++)
        {
            int cells = random.Next(1, 40);
            var dense = new float[cells, genes];
            for (int r = 0; r < cells; r++)
                for (int g = 0; g < genes; g++)
                    if (random.NextDouble() < 0.35) dense[r, g] = MathF.Round((float)random.NextDouble() * 4f, 1); // 0.0 stays an explicit zero
            var x = ExplicitZeros(dense);
            string file = Path.Combine(Temp, $"part{p}.h5ad");
            H5adFile.Write(new CellDataset(x, Table("obs", cells), Table("var", genes)), file, new H5adWriteOptions { GeneMajor = true });
            parts.Add((file, slots[p]));
            matrices.Add(x);
        }
        var stored = new long[genes];
        foreach (var m in matrices)
            for (int k = 0; k < m.StoredCount; k++) stored[m.RawColumnIndices[k]]++;

        var stacked = new SparseRowBuilder(genes);
        foreach (var m in matrices)
            for (int r = 0; r < m.RowCount; r++) stacked.AddRow(m.RowIndices(r), m.RowValues(r));
        var cellSlot = matrices.SelectMany((m, p) => Enumerable.Repeat(slots[p], m.RowCount)).ToArray();
        var memory = new GeneKeyTiles(stacked.Build(), cellSlot, new ParallelOptions());
        var (memoryStart, memoryKeys) = memory.Fill(0, genes);

        var keys = new PartitionGeneKeys([.. parts], stored, blockKeys, "rerun", CancellationToken.None);
        int next = 0;
        foreach (var (first, end) in keys.Tiles())
        {
            Assert.That(first, Is.EqualTo(next));
            long inBlock = stored.AsSpan(first, end - first).ToArray().Sum();
            Assert.That(end - first == 1 || inBlock <= blockKeys, $"genes {first}..{end} hold {inBlock} values, budget {blockKeys}");
            var (start, blockKeysRead) = keys.Fill(first, end);
            for (int g = first; g < end; g++)
                Assert.That(blockKeysRead[start[g - first]..start[g - first + 1]], Is.EqualTo(memoryKeys[memoryStart[g]..memoryStart[g + 1]]), $"gene {g}");
            next = end;
        }
        Assert.That(next, Is.EqualTo(genes));
        if (blockKeys == 1) Assert.That(keys.Tiles().Count(), Is.EqualTo(genes));
    }

    [Test]
    public void A_part_written_row_major_is_refused_with_what_to_do()
    {
        string file = Path.Combine(Temp, "old.h5ad");
        var x = ExplicitZeros(new float[,] { { 1, 0 }, { 0, 2 } });
        H5adFile.Write(new CellDataset(x, Table("obs", 2), Table("var", 2)), file);
        var keys = new PartitionGeneKeys([(file, 0)], [1, 1], 10, "rerun the partition step", CancellationToken.None);
        var error = Assert.Throws<DigitalCellException>(() => keys.Fill(0, 2))!;
        Assert.That(error.Message, Does.Contain("old.h5ad").And.Contain("rerun the partition step"));
    }

    private static AnnotationTable Table(string name, int rows) => new(name, Enumerable.Range(0, rows).Select(i => $"{name}{i}").ToArray());

    /// <summary>A CSR matrix of <paramref name="dense"/> that stores a third of its zeros explicitly.</summary>
    private static SparseCellMatrix ExplicitZeros(float[,] dense)
    {
        int rows = dense.GetLength(0), columns = dense.GetLength(1);
        var indptr = new int[rows + 1];
        var indices = new List<int>();
        var values = new List<float>();
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                if (dense[r, c] == 0f && (r + c) % 3 != 0) continue; // some zeros stored explicitly, most not
                indices.Add(c);
                values.Add(dense[r, c]);
            }
            indptr[r + 1] = indices.Count;
        }
        return new SparseCellMatrix(rows, columns, indptr, [.. indices], [.. values]);
    }
}
