using DigitalCell.Sdk.Catalog;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.TenX;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.IO;

public class TenXTests : TempDirectoryTest
{
    private static string TenXDirectory => SharedData.File("tenx-v3-small");

    // The reference reads Cell Ranger's own HDF5 copy of the same matrix with plain h5py: CSC of genes × cells,
    // whose gene indices Cell Ranger leaves unsorted within a cell; scipy sorts them as our CSR does.
    private const string H5Reference = """
        import sys, json, h5py, scipy.sparse
        m = h5py.File(sys.argv[1], 'r')['matrix']
        s = lambda a: [x.decode() for x in a[:]]
        x = scipy.sparse.csc_matrix((m['data'][:], m['indices'][:], m['indptr'][:]), shape=tuple(m['shape'][:])).sorted_indices()
        print(json.dumps({'shape': [int(v) for v in m['shape'][:]], 'indptr': x.indptr.tolist(),
            'indices': x.indices.tolist(), 'data': x.data.tolist(), 'barcodes': s(m['barcodes']),
            'ids': s(m['features/id']), 'names': s(m['features/name']), 'types': s(m['features/feature_type'])}))
        """;

    [Test]
    public void ReadingTheDirectoryMatchesCellRangersHdf5ReadByH5py()
    {
        var reference = PythonPeer.RunJson(H5Reference, Path.Combine(TenXDirectory, "filtered_feature_bc_matrix.h5"));
        var data = TenXMatrix.Read(TenXDirectory);

        Assert.That(data.GeneCount, Is.EqualTo(reference.GetProperty("shape")[0].GetInt32()));
        Assert.That(data.CellCount, Is.EqualTo(reference.GetProperty("shape")[1].GetInt32()));
        AssertSameCsr(data.X.ToSparse(), reference);
        Assert.That(data.CellNames, Is.EqualTo(Strings(reference, "barcodes")));
        Assert.That(data.GeneNames, Is.EqualTo(IndexNames.MakeUnique(Strings(reference, "names"))));
        Assert.That(((StringColumn)data.Var[TenXMatrix.GeneIdsColumn]).Values, Is.EqualTo(Strings(reference, "ids")));
        Assert.That(((StringColumn)data.Var[TenXMatrix.FeatureTypesColumn]).Values, Is.EqualTo(Strings(reference, "types")));
    }

    [Test]
    public void ReadingTheHdf5MatchesH5py()
    {
        string h5 = Path.Combine(TenXDirectory, "filtered_feature_bc_matrix.h5");
        var reference = PythonPeer.RunJson(H5Reference, h5);
        var data = TenXMatrix.ReadH5(h5);

        AssertSameCsr(data.X.ToSparse(), reference);
        Assert.That(data.CellNames, Is.EqualTo(Strings(reference, "barcodes")));
        Assert.That(((StringColumn)data.Var[TenXMatrix.GeneIdsColumn]).Values, Is.EqualTo(Strings(reference, "ids")));
        Assert.That(data.Var.Contains("genome"), Is.True);
    }

    [Test]
    public void GivingTheMatrixFileReadsItsDirectory()
    {
        var viaFile = CellDataset.Read(Path.Combine(TenXDirectory, "matrix.mtx.gz"));
        var viaDirectory = CellDataset.Read(TenXDirectory);
        Assert.That(viaFile.X.ToSparse().StoredValues.ToArray(), Is.EqualTo(viaDirectory.X.ToSparse().StoredValues.ToArray()));
        Assert.That(viaFile.CellNames, Is.EqualTo(viaDirectory.CellNames));
    }

    [Test]
    public void WrittenDirectoryIsReadIdenticallyByScipyAndByUs()
    {
        var data = TenXMatrix.Read(TenXDirectory);
        string output = Path.Combine(Temp, "copy");
        data.Write(output);

        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { AtomicFile.OutputMarker, "barcodes.tsv.gz", "features.tsv.gz", "matrix.mtx.gz" }));
        var back = TenXMatrix.Read(output);
        AssertSameMatrix(back.X, data.X);
        Assert.That(back.CellNames, Is.EqualTo(data.CellNames));
        Assert.That(back.GeneNames, Is.EqualTo(data.GeneNames));
        Assert.That(((StringColumn)back.Var[TenXMatrix.GeneIdsColumn]).Values, Is.EqualTo(((StringColumn)data.Var[TenXMatrix.GeneIdsColumn]).Values));

        // scipy reads our file as the same genes × cells integer matrix as Cell Ranger's original.
        var scipy = PythonPeer.RunJson("""
            import sys, json, scipy.io
            a = scipy.io.mmread(sys.argv[1]).tocsr(); b = scipy.io.mmread(sys.argv[2]).tocsr()
            print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'nnz': int(a.nnz), 'diff': int(abs(a - b).sum())}))
            """, Path.Combine(output, "matrix.mtx.gz"), Path.Combine(TenXDirectory, "matrix.mtx.gz"));
        Assert.That(scipy.GetProperty("shape")[0].GetInt32(), Is.EqualTo(data.GeneCount));
        Assert.That(scipy.GetProperty("dtype").GetString(), Does.StartWith("int"));
        Assert.That(scipy.GetProperty("nnz").GetInt64(), Is.EqualTo(data.X.StoredCount));
        Assert.That(scipy.GetProperty("diff").GetInt64(), Is.EqualTo(0));
    }

    [Test]
    public void NonIntegerValuesAreWrittenAsRealAndRoundTripExactly()
    {
        var x = DenseCellMatrix.From(new float[,] { { 0f, 1.5f, 0f }, { 1e-7f, 0f, 3.1415927f } });
        var data = CellDataset.FromMatrix(x, ["c1", "c2"], ["g1", "g2", "g3"]);
        string output = Path.Combine(Temp, "real");
        TenXMatrix.Write(data, output);

        Assert.That(ReadGzipLines(Path.Combine(output, "matrix.mtx.gz"))[0], Is.EqualTo("%%MatrixMarket matrix coordinate real general"));
        Assert.That(ReadGzipLines(Path.Combine(output, "features.tsv.gz")), Is.EqualTo(new[] { "g1\tg1\tGene Expression", "g2\tg2\tGene Expression", "g3\tg3\tGene Expression" }));
        var back = TenXMatrix.Read(output);
        AssertSameMatrix(back.X, x);
        Assert.That(back.X.StoredCount, Is.EqualTo(3), "zeros are not written");
    }

    [Test]
    public void FailedWriteLeavesNoDirectoryBehind()
    {
        var data = CellDataset.FromMatrix(DenseCellMatrix.Zeros(1, 1), ["bad\tbarcode"], ["g"]);
        string output = Path.Combine(Temp, "out");
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Write(data, output))!;
        Assert.That(e.Message, Does.Contain("barcodes.tsv.gz").And.Contain("tab or line break").And.Contain(output));
        Assert.That(Directory.GetFileSystemEntries(Temp), Is.Empty, "neither the output nor its temporary remains");
    }

    [Test]
    public void DuplicateGeneSymbolsAreMadeUniqueLikeAnndata()
    {
        string[] names = ["a", "a", "b", "a", "a-1", "c", "c"];
        var reference = PythonPeer.RunJson("""
            import sys, json, warnings, pandas as pd, anndata.utils
            warnings.simplefilter('ignore')
            print(json.dumps(list(anndata.utils.make_index_unique(pd.Index(sys.argv[1:])))))
            """, names);
        Assert.That(IndexNames.MakeUnique(names), Is.EqualTo(reference.EnumerateArray().Select(e => e.GetString()).ToArray()));
    }

    [Test]
    public void CellRanger2LayoutWithUncompressedGenesTsvIsRead()
    {
        File.WriteAllText(Path.Combine(Temp, "matrix.mtx"), "%%MatrixMarket matrix coordinate integer general\n% comment\n2 3 3\n1 1 5\n2 3 7\n1 3 2\n");
        File.WriteAllText(Path.Combine(Temp, "genes.tsv"), "ENSG1\tTP53\nENSG2\tGAPDH\n");
        File.WriteAllText(Path.Combine(Temp, "barcodes.tsv"), "AAA-1\nCCC-1\nGGG-1\n");
        var data = TenXMatrix.Read(Temp);
        Assert.That(data.X.ToDense().Values.ToArray(), Is.EqualTo(new float[] { 5, 0, 0, 0, 2, 7 }), "cells × genes, transposed from the genes × cells file");
        Assert.That(data.GeneNames, Is.EqualTo(new[] { "TP53", "GAPDH" }));
        Assert.That(data.Var.Contains(TenXMatrix.FeatureTypesColumn), Is.False);
    }

    [Test]
    public void DuplicateCoordinatesAreSummedAsScipyDoes()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate real general\n2 1 3\n1 1 1.5\n1 1 2.5e0\n2 1 1e-3\n", genes: 2, cells: 1);
        var x = TenXMatrix.Read(Temp).X;
        Assert.That(x[0, 0], Is.EqualTo(4f));
        Assert.That(x[0, 1], Is.EqualTo(1e-3f));
        Assert.That(x.StoredCount, Is.EqualTo(2));
    }

    [TestCase("%%MatrixMarket matrix array real general\n2 1\n1\n2\n", "line 1", "coordinate")]
    [TestCase("%%MatrixMarket matrix coordinate complex general\n2 1 1\n1 1 1 0\n", "line 1", "complex")]
    [TestCase("%%MatrixMarket matrix coordinate integer symmetric\n2 1 1\n1 1 1\n", "line 1", "symmetric")]
    [TestCase("hello\n", "line 1", "header")]
    [TestCase("%%MatrixMarket matrix coordinate integer general\n2 x 1\n1 1 1\n", "line 2", "size line")]
    [TestCase("%%MatrixMarket matrix coordinate integer general\n2 1 2\n1 1 3\n3 1 4\n", "line 4", "row (gene) index 3 is outside 1..2")]
    [TestCase("%%MatrixMarket matrix coordinate integer general\n2 1 2\n1 1 3\n2 0 4\n", "line 4", "column (cell) index 0")]
    [TestCase("%%MatrixMarket matrix coordinate integer general\n2 1 2\n1 1 3\n", "line 3", "announces 2 entries but the file has 1")]
    [TestCase("%%MatrixMarket matrix coordinate integer general\n2 1 1\n1 1 3\n2 1 3\n", "line 4", "more entries than the 1")]
    [TestCase("%%MatrixMarket matrix coordinate integer general\n2 1 1\n1 1 2.5\n", "line 3", "integer value")]
    public void MalformedMatrixGivesAnErrorNamingFileAndLine(string content, string line, string problem)
    {
        WriteDirectory(content, genes: 2, cells: 1);
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("matrix.mtx.gz"));
        Assert.That(e.Element, Is.EqualTo(line));
        Assert.That(e.Message, Does.Contain(problem));
    }

    [Test]
    public void FeatureCountDisagreeingWithTheMatrixIsAnError()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate integer general\n2 1 1\n1 1 3\n", genes: 3, cells: 1);
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("features.tsv.gz").And.Contain("3 features").And.Contain("2 rows"));
    }

    [Test]
    public void MissingBarcodesFileIsAnError()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate integer general\n2 1 1\n1 1 3\n", genes: 2, cells: 1);
        File.Delete(Path.Combine(Temp, "barcodes.tsv.gz"));
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("barcodes.tsv"));
    }

    [Test]
    public void CorruptGzipIsAnErrorNamingTheFile()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate integer general\n2 1 1\n1 1 3\n", genes: 2, cells: 1);
        var bytes = File.ReadAllBytes(Path.Combine(Temp, "matrix.mtx.gz"));
        File.WriteAllBytes(Path.Combine(Temp, "matrix.mtx.gz"), bytes[..10].Concat(new byte[40]).ToArray());
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("matrix.mtx.gz"));
    }

    [Test]
    public void Hdf5WithoutA10xLayoutIsAnError()
    {
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.ReadH5(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")))!;
        Assert.That(e.Message, Does.Contain("not a 10x HDF5 matrix"));
    }

    [Test]
    public void SizeLineClaimingTwoBillionEntriesAllocatesOnlyWhatTheFileHolds()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate integer general\n2 1 2000000000\n1 1 3\n", genes: 2, cells: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("announces 2000000000 entries but the file has 1"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16 << 20));
    }

    [Test]
    public void SizeLineIsCheckedAgainstTheSideFilesBeforeAllocating()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate integer general\n2000000000 2000000000 1\n1 1 3\n", genes: 2, cells: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("features.tsv.gz").And.Contain("lists 2 features but matrix.mtx.gz has 2000000000 rows"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16 << 20));
    }

    [Test]
    public void EndlessBarcodeLineStopsAtTheLineCeiling()
    {
        WriteDirectory("%%MatrixMarket matrix coordinate integer general\n2 1 1\n1 1 3\n", genes: 2, cells: 1);
        WriteGzip(Path.Combine(Temp, "barcodes.tsv.gz"), new string('A', 40 << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DigitalCellException>(() => TenXMatrix.Read(Temp))!;
        Assert.That(e.Message, Does.Contain("barcodes.tsv.gz: line 1: the line is longer than 1048576 bytes"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(16 << 20));
    }

    private void WriteDirectory(string matrix, int genes, int cells)
    {
        WriteGzip(Path.Combine(Temp, "matrix.mtx.gz"), matrix);
        WriteGzip(Path.Combine(Temp, "features.tsv.gz"), string.Concat(Enumerable.Range(0, genes).Select(g => $"ENSG{g}\tG{g}\tGene Expression\n")));
        WriteGzip(Path.Combine(Temp, "barcodes.tsv.gz"), string.Concat(Enumerable.Range(0, cells).Select(c => $"CELL{c}-1\n")));
    }

    private static void WriteGzip(string path, string text)
    {
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string[] ReadGzipLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] Strings(JsonElement reference, string name) =>
        reference.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static void AssertSameCsr(SparseCellMatrix x, JsonElement reference)
    {
        Assert.That(x.RowPointers.ToArray(), Is.EqualTo(reference.GetProperty("indptr").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
        Assert.That(x.ColumnIndices.ToArray(), Is.EqualTo(reference.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32()).ToArray()));
        Assert.That(x.StoredValues.ToArray(), Is.EqualTo(reference.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray()));
    }

    internal static void AssertSameMatrix(CellMatrix actual, CellMatrix expected)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.RowCount));
        Assert.That(actual.ColumnCount, Is.EqualTo(expected.ColumnCount));
        Assert.That(actual.ToDense().Values.ToArray(), Is.EqualTo(expected.ToDense().Values.ToArray()));
    }
}
