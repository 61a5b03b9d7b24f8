using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

public class EmbeddedDatasetsTests : TempDirectoryTest
{
    [Test]
    public void ExtractedFileIsTheShippedDataFile()
    {
        string path = EmbeddedDatasets.Extract(EmbeddedDatasets.Papalexi2021Thp1, Temp);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(RepoPaths.Data("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"))));
    }

    [Test]
    public void DamagedCopyIsReplaced()
    {
        string path = EmbeddedDatasets.Extract(EmbeddedDatasets.Papalexi2021Thp1, Temp);
        long length = new FileInfo(path).Length;
        File.WriteAllText(path, "truncated");
        Assert.That(EmbeddedDatasets.Extract(EmbeddedDatasets.Papalexi2021Thp1, Temp), Is.EqualTo(path));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(length));
    }

    [Test]
    public void UnknownNameListsTheAvailableOnes()
    {
        var e = Assert.Throws<DigitalCellException>(() => EmbeddedDatasets.Extract("norman.h5ad", Temp))!;
        Assert.That(e.Message, Does.Contain("norman.h5ad").And.Contain(EmbeddedDatasets.Papalexi2021Thp1));
    }

    [TestCase(EmbeddedDatasets.PerturbenchDevel, "norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")]
    [TestCase(EmbeddedDatasets.Kang2018PbmcIfnb, "kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad")]
    public void EveryEmbeddedCatalogFileExtracts(string name, string shipped)
    {
        Assert.That(EmbeddedDatasets.Names, Has.Member(name));
        Assert.That(File.ReadAllBytes(EmbeddedDatasets.Extract(name, Temp)), Is.EqualTo(File.ReadAllBytes(RepoPaths.Data(shipped))));
    }
}
