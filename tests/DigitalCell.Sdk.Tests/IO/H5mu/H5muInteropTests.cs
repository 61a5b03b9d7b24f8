using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Tests.IO.H5ad;
using DigitalCell.Sdk.Tests.TestSupport;
using H5muFile = DigitalCell.Sdk.IO.H5mu.H5muFile;

namespace DigitalCell.Sdk.Tests.IO.H5mu;

/// <summary>h5mu both ways against the Python side: files it writes we read, files we write it reads, value for value.</summary>
[TestFixture]
public class H5muInteropTests : TempDirectoryTest
{
    /// <summary>Two modalities, the second holding 17 of the 23 cells in another order, shared labels and an embedding.</summary>
    internal static MultiCellDataset TwoModalities()
    {
        var rna = H5adToAnndataTests.Everything();
        var rng = new Random(3);
        var protCells = Enumerable.Range(0, rna.CellCount).OrderBy(_ => rng.Next()).Take(17).ToArray();
        var protValues = new float[protCells.Length * 3];
        for (int i = 0; i < protValues.Length; i++) protValues[i] = rng.Next(0, 500);
        var prot = new CellDataset(new DenseCellMatrix(protCells.Length, 3, protValues),
            new AnnotationTable("obs", protCells.Select(i => rna.CellNames[i]).ToArray(), [new NumericColumn<double>("n_counts", Enumerable.Range(0, protCells.Length).Select(i => i + 0.5).ToArray())]),
            new AnnotationTable("var", ["CD3", "CD19", "IgG1"], [new BooleanColumn("isotype_control", [false, false, true])]));
        var obs = new AnnotationTable("obs", rna.CellNames.ToArray(),
            [CategoricalColumn.FromLabels("cell_type", Enumerable.Range(0, rna.CellCount).Select(i => i % 5 == 0 ? null : (i % 2 == 0 ? "T" : "B")).ToArray())]);
        var joint = new DenseCellMatrix(rna.CellCount, 2, Enumerable.Range(0, rna.CellCount * 2).Select(i => i / 10f).ToArray());
        return new MultiCellDataset([new("rna", rna), new("prot", prot)], obs,
            obsm: new Dictionary<string, DenseCellMatrix> { ["X_joint"] = joint },
            uns: new Dictionary<string, object> { ["study"] = "interop", ["n"] = 3L });
    }

    [TestCase(H5adCompression.None)]
    [TestCase(H5adCompression.Gzip)]
    public void PythonReadsWhatWeWrite(H5adCompression compression)
    {
        var data = TwoModalities();
        string path = Path.Combine(Temp, "ours.h5mu");
        H5muFile.Write(data, path, new H5adWriteOptions { Compression = compression });
        var theirs = H5muPeer.Read(path);
        H5muPeer.AssertSame(data, theirs);
        Assert.That((string)theirs.Root["header"]!, Does.StartWith("MuData (format-version=0.1.0;"), "mudata recognises h5mu files by this user block");
        Assert.That((string)theirs.Root["attrs"]!["encoding-type"]!, Is.EqualTo("MuData"));
        Assert.That((int)theirs.Root["attrs"]!["axis"]!, Is.EqualTo(0));
        Assert.That(theirs.Root["obsmap"]!["prot"]!.AsArray().Count(n => (int)n! == 0), Is.EqualTo(6), "the six cells without protein map to 0");
        Assert.That(theirs.Root["varm"]!["prot"]!.AsArray().Select(n => (bool)n!), Is.EqualTo(Enumerable.Repeat(false, 9).Concat(Enumerable.Repeat(true, 3))));
    }

    [Test]
    public void WeReadWhatPythonWrites()
    {
        string path = Path.Combine(Temp, "theirs.h5mu");
        H5muPeer.Write(path);
        var ours = H5muFile.Read(path);
        H5muPeer.AssertSame(ours, H5muPeer.Read(path));
        Assert.That(ours.ModalityNames, Is.EqualTo(new[] { "rna", "prot" }), "mod-order, not HDF5's alphabetical order");
        Assert.That(ours["prot"].CellCount, Is.EqualTo(25));
        Assert.That(ours.ObsMap["prot"].Count(v => v == 0), Is.EqualTo(5));
    }

    [Test]
    public void WhatWeReadFromPythonWritesBackIdentically()
    {
        string theirs = Path.Combine(Temp, "theirs.h5mu"), ours = Path.Combine(Temp, "again.h5mu");
        H5muPeer.Write(theirs);
        H5muFile.Write(H5muFile.Read(theirs), ours);
        H5muPeer.AssertSame(H5muFile.Read(ours), H5muPeer.Read(theirs));
    }
}
