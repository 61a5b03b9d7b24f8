using DigitalCell.Sdk.GeneKnowledge;

namespace DigitalCell.Sdk.Tests.GeneKnowledge;

public class GeneIdentifierMapTests
{
    private static GeneIdentifierMap Map => GenePriorFilesTests.Priors.Genes;

    [TestCase("MARCH8", "MARCHF8")]
    [TestCase("KIAA1804", "MAP3K21")]
    [TestCase("SEPT7", "SEPTIN7")]
    [TestCase("stat1", "STAT1")]
    [TestCase("Ifngr1", "IFNGR1")]
    public void ResolvesRenamesAndAnyCase(string given, string canonical) =>
        Assert.That(Map.Resolve(given).Symbol, Is.EqualTo(canonical));

    [Test]
    public void MapsEnsemblIdsWithOrWithoutVersion()
    {
        Assert.That(Map.Resolve("ENSG00000000003").Symbol, Is.EqualTo("TSPAN6"));
        Assert.That(Map.Resolve("ENSG00000000003.15").Symbol, Is.EqualTo("TSPAN6"));
        Assert.That(Map.Resolve("TSPAN6").EnsemblId, Is.EqualTo("ENSG00000000003"));
    }

    [Test]
    public void UnmappedGeneIsAClearErrorOrWarning()
    {
        var e = Assert.Throws<DigitalCellException>(() => Map.Resolve("NOTAGENE1"));
        Assert.That(e!.Message, Does.Contain("'NOTAGENE1'"));
        var all = Map.ResolveAll(["STAT1", "NOTAGENE1", "march8"]);
        Assert.That(all.Unmapped, Is.EqualTo(new[] { "NOTAGENE1" }));
        Assert.That(all.Mapped["march8"].Symbol, Is.EqualTo("MARCHF8"));
        Assert.That(all.Warning, Does.Contain("NOTAGENE1"));
    }

    [Test]
    public void CanonicalKeepsUnknownSymbolsUpperCased() =>
        Assert.That(Map.Canonical("my-gene"), Is.EqualTo("MY-GENE"));
}
