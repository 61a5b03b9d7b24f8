namespace DigitalCell.Sdk.Tests.IO.H5ad;

using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Tests.Shared;

/// <summary>Backed access reads exactly the rows an in-memory read holds (which is itself checked against anndata).</summary>
[TestFixture]
public class H5adBackedTests
{
    private static readonly string Papalexi = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
    private static readonly string Pbmc68k = SharedData.File("pbmc68k-reduced/pbmc68k_reduced.h5ad");

    private static void AssertSameMatrix(CellMatrix actual, CellMatrix expected, string what)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.RowCount), what + " rows");
        Assert.That(actual.ColumnCount, Is.EqualTo(expected.ColumnCount), what + " columns");
        var a = actual.ToSparse();
        var e = expected.ToSparse();
        Assert.That(a.RowPointers.ToArray(), Is.EqualTo(e.RowPointers.ToArray()), what + " indptr");
        Assert.That(a.ColumnIndices.ToArray(), Is.EqualTo(e.ColumnIndices.ToArray()), what + " indices");
        Assert.That(a.StoredValues.ToArray(), Is.EqualTo(e.StoredValues.ToArray()), what + " values");
    }

    [TestCase(1000)]
    [TestCase(4099)]
    public void ChunksOverPapalexiEqualTheInMemoryMatrix(int rowsPerChunk)
    {
        var full = H5adFile.Read(Papalexi);
        using var backed = H5adFile.OpenBacked(Papalexi);
        Assert.That(backed.X.IsSparse, Is.True);
        int expectedStart = 0;
        foreach (var chunk in backed.X.ReadChunks(rowsPerChunk))
        {
            Assert.That(chunk.Start, Is.EqualTo(expectedStart));
            AssertSameMatrix(chunk.Rows, full.X.SliceRows(chunk.Start, chunk.Rows.RowCount), $"rows {chunk.Start}+");
            expectedStart += chunk.Rows.RowCount;
        }
        Assert.That(expectedStart, Is.EqualTo(full.CellCount));
    }

    [Test]
    public void BackedAnnotationsEqualTheInMemoryOnes()
    {
        var full = H5adFile.Read(Papalexi);
        using var backed = H5adFile.OpenBacked(Papalexi);
        Assert.That(backed.Obs.Index, Is.EqualTo(full.Obs.Index));
        Assert.That(backed.Var.Index, Is.EqualTo(full.Var.Index));
        Assert.That(backed.Obs.Categorical("perturbation").Codes.ToArray(), Is.EqualTo(full.Obs.Categorical("perturbation").Codes.ToArray()));
        Assert.That(backed.Uns.Keys, Is.EquivalentTo(full.Uns.Keys));
        Assert.That((backed.CellCount, backed.GeneCount), Is.EqualTo((20729, 299)));
    }

    [Test]
    public void RowSelectionInAnyOrderWithRepeatsEqualsSelectRows()
    {
        var full = H5adFile.Read(Papalexi);
        using var backed = H5adFile.OpenBacked(Papalexi);
        var rng = new Random(3);
        int[] rows = [.. Enumerable.Range(0, 300).Select(_ => rng.Next(full.CellCount)), 5, 6, 7, 6, 20728, 0];
        AssertSameMatrix(backed.X.ReadRows(rows), full.X.SelectRows(rows), "selection");
        var cells = backed.ReadCells(rows);
        Assert.That(cells.CellNames, Is.EqualTo(rows.Select(r => full.CellNames[r])));
    }

    [Test]
    public void DenseXStreamsToo()
    {
        var full = H5adFile.Read(Pbmc68k);
        using var backed = H5adFile.OpenBacked(Pbmc68k);
        Assert.That(backed.X.IsSparse, Is.False);
        foreach (var chunk in backed.X.ReadChunks(64))
            Assert.That(((DenseCellMatrix)chunk.Rows).Values.ToArray(), Is.EqualTo(((DenseCellMatrix)full.X.SliceRows(chunk.Start, chunk.Rows.RowCount)).Values.ToArray()));
        int[] rows = [699, 3, 3, 100];
        AssertSameMatrix(backed.X.ReadRows(rows), full.X.SelectRows(rows), "dense selection");
        Assert.That(backed.Obsm["X_pca"].Values.ToArray(), Is.EqualTo(full.Obsm["X_pca"].Values.ToArray()));
    }

    [Test]
    public void LayersAreBackedAndGzipChunksDecompress()
    {
        var data = H5adToAnndataTests.Everything();
        string path = Path.Combine(Directory.CreateTempSubdirectory("dcell-backed-").FullName, "layers.h5ad");
        try
        {
            H5adFile.Write(data, path, new DigitalCell.Sdk.IO.H5ad.H5adWriteOptions { Compression = DigitalCell.Sdk.IO.H5ad.H5adCompression.Gzip });
            using var backed = H5adFile.OpenBacked(path);
            AssertSameMatrix(backed.Layer("counts").Load(), data.Layer("counts"), "counts layer");
            AssertSameMatrix(backed.Layer("dense").ReadRows(3, 10), data.Layer("dense").SliceRows(3, 10), "dense layer");
            var error = Assert.Throws<DigitalCellException>(() => backed.Layer("nope"))!;
            Assert.That(error.Message, Does.EndWith("/layers: no layer 'nope'. Available: counts, dense."));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Test]
    public void RowsOutsideTheMatrixAreAClearError()
    {
        using var backed = H5adFile.OpenBacked(Papalexi);
        var error = Assert.Throws<DigitalCellException>(() => backed.X.ReadRows(20700, 100))!;
        Assert.That(error.Message, Is.EqualTo($"{Papalexi}: /X: rows 20700..20800 are outside the 20729 rows."));
        error = Assert.Throws<DigitalCellException>(() => backed.X.ReadRows([1, 20729]))!;
        Assert.That(error.Message, Is.EqualTo($"{Papalexi}: /X: row 20729 is outside the 20729 rows."));
    }

    [Test]
    public void CscXIsRefusedWithAConversionHint()
    {
        AnndataPeer.RequireAnndata();
        string dir = Directory.CreateTempSubdirectory("dcell-backed-csc-").FullName;
        try
        {
            string path = Path.Combine(dir, "csc.h5ad");
            AnndataPeer.RunPython("-c", $"import anndata, numpy as np, scipy.sparse as sp; anndata.AnnData(sp.csc_matrix(np.eye(4, 3, dtype=np.float32))).write_h5ad('{path}')");
            var error = Assert.Throws<DigitalCellException>(() => H5adFile.OpenBacked(path))!;
            Assert.That(error.Message, Does.StartWith($"{path}: /X: is stored column-major (CSC), which cannot be streamed by rows. Convert it to CSR first"));
            Assert.That(H5adFile.Read(path).X[1, 1], Is.EqualTo(1f), "the in-memory reader still reads CSC");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
