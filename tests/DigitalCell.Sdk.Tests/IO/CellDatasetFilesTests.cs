using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.IO;

public class CellDatasetFilesTests
{
    [TestCase("pbmc.h5ad", CellDataFormat.H5ad)]
    [TestCase("PBMC.H5AD", CellDataFormat.H5ad)]
    [TestCase("cells.parquet", CellDataFormat.ParquetWide)]
    [TestCase("cells.long.parquet", CellDataFormat.ParquetLong)]
    [TestCase("run/filtered_feature_bc_matrix.h5", CellDataFormat.TenXH5)]
    [TestCase("run/matrix.mtx.gz", CellDataFormat.TenXDirectory)]
    [TestCase("run/matrix.mtx", CellDataFormat.TenXDirectory)]
    public void ReadingPicksTheFormatFromTheName(string path, CellDataFormat expected) =>
        Assert.That(CellDatasetFiles.DetectForReading(path), Is.EqualTo(expected));

    [Test]
    public void AnExistingDirectoryIsRead10x() =>
        Assert.That(CellDatasetFiles.DetectForReading(SharedData.File("tenx-v3-small")), Is.EqualTo(CellDataFormat.TenXDirectory));

    [TestCase("out/pbmc.h5ad", CellDataFormat.H5ad)]
    [TestCase("out/cells.long.parquet", CellDataFormat.ParquetLong)]
    [TestCase("out/tenx", CellDataFormat.TenXDirectory)]
    [TestCase("out/tenx.v3/", CellDataFormat.TenXDirectory)]
    public void WritingPicksTheFormatFromTheName(string path, CellDataFormat expected) =>
        Assert.That(CellDatasetFiles.DetectForWriting(path), Is.EqualTo(expected));

    [Test]
    public void UnknownExtensionErrorListsTheSupportedFormats()
    {
        var e = Assert.Throws<DigitalCellException>(() => CellDataset.Read("cells.csv"))!;
        Assert.That(e.Message, Does.StartWith("cells.csv: cannot tell which format to read"));
        Assert.That(e.Message, Does.Contain(".h5ad").And.Contain(".parquet").And.Contain(".long.parquet").And.Contain("10x"));
    }

    [Test]
    public void TenXHdf5IsReadOnly()
    {
        var data = CellDataset.FromMatrix(DenseCellMatrix.Zeros(1, 1));
        Assert.That(Assert.Throws<DigitalCellException>(() => data.Write("out.h5"))!.Message, Does.Contain("can be read but not written"));
        Assert.That(Assert.Throws<DigitalCellException>(() => data.Write("dir/matrix.mtx.gz"))!.Message, Does.Contain("give the 10x directory"));
    }

    [Test]
    public void DroppedPartsAreListedPerFormat()
    {
        var data = CellDataset.FromMatrix(DenseCellMatrix.Zeros(2, 2), ["a", "b"], ["g1", "g2"])
            .WithObs(new AnnotationTable("obs", ["a", "b"], [new StringColumn("perturbation", ["x", "y"])]))
            .WithVar(new AnnotationTable("var", ["g1", "g2"], [new StringColumn("gene_ids", ["E1", "E2"]), new StringColumn("chrom", ["1", "2"])]))
            .WithLayer("counts", DenseCellMatrix.Zeros(2, 2))
            .WithUns("title", "t");

        Assert.That(CellDatasetFiles.WhatWouldBeDropped(data, CellDataFormat.H5ad), Is.Empty);
        Assert.That(CellDatasetFiles.WhatWouldBeDropped(data, CellDataFormat.TenXDirectory),
            Is.EqualTo(new[] { "obs columns perturbation", "var columns chrom", "layers counts", "uns title" }));
        Assert.That(CellDatasetFiles.WhatWouldBeDropped(data, CellDataFormat.ParquetWide),
            Is.EqualTo(new[] { "var columns gene_ids, chrom", "layers counts", "uns title" }));
    }
}
