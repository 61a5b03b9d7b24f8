using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

public class EmbeddedDatasetsTests
{
    private string _temp = "";

    [SetUp]
    public void SetUp() => _temp = RepoPaths.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_temp, recursive: true);

    [Test]
    public void ExtractedFileIsTheShippedDataFile()
    {
        string path = EmbeddedDatasets.Extract(EmbeddedDatasets.Papalexi2021Thp1, _temp);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(File.ReadAllBytes(RepoPaths.Data("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"))));
    }

    [Test]
    public void DamagedCopyIsReplaced()
    {
        string path = EmbeddedDatasets.Extract(EmbeddedDatasets.Papalexi2021Thp1, _temp);
        long length = new FileInfo(path).Length;
        File.WriteAllText(path, "truncated");
        Assert.That(EmbeddedDatasets.Extract(EmbeddedDatasets.Papalexi2021Thp1, _temp), Is.EqualTo(path));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(length));
    }

    [Test]
    public void UnknownNameListsTheAvailableOnes()
    {
        var e = Assert.Throws<DigitalCellException>(() => EmbeddedDatasets.Extract("norman.h5ad", _temp))!;
        Assert.That(e.Message, Does.Contain("norman.h5ad").And.Contain(EmbeddedDatasets.Papalexi2021Thp1));
    }
}
