using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.GeneKnowledge;

/// <summary>The six prior files read as PROVENANCE.md counts them (counts made there with Python/R on the same bytes).</summary>
public class GenePriorFilesTests
{
    internal static GenePriors Priors => GenePriors.FromDirectory(SharedData.File("gene-priors"));

    [Test]
    public void HallmarkHasFiftySetsOver4384Genes()
    {
        var h = Priors.Hallmark;
        Assert.That(h.Sets, Has.Count.EqualTo(50));
        Assert.That(h.Sets.Sum(s => s.Genes.Count), Is.EqualTo(7322));
        Assert.That(h.Sets.SelectMany(s => s.Genes).Distinct().Count(), Is.EqualTo(4384));
        Assert.That(h["HALLMARK_INTERFERON_GAMMA_RESPONSE"].Genes, Does.Contain("STAT1"));
    }

    [Test]
    public void GoBiologicalProcessHas6036TermsOver14937Genes()
    {
        var go = Priors.GoBiologicalProcess;
        Assert.That(go.Sets, Has.Count.EqualTo(6036));
        Assert.That(go.Sets.Sum(s => s.Genes.Count), Is.EqualTo(197596));
        Assert.That(go.Sets.SelectMany(s => s.Genes).Distinct().Count(), Is.EqualTo(14937));
    }

    [Test]
    public void ProgenyHas14PathwaysOf100Genes()
    {
        var p = Priors.Progeny;
        Assert.That(p.Pathways, Has.Count.EqualTo(14));
        Assert.That(p.Entries, Has.Count.EqualTo(1400));
        Assert.That(p.Entries.Select(e => e.Gene).Distinct().Count(), Is.EqualTo(1301));
        Assert.That(p.Of("JAK-STAT").All(e => e.Weight > 0), Is.True);
        Assert.That(p.Of("PI3K").Count(e => e.Weight < 0), Is.EqualTo(92));
    }

    [Test]
    public void DorotheaNonAcademicHas489552SignedEdges()
    {
        var d = Priors.Dorothea;
        Assert.That(d.Edges, Has.Count.EqualTo(489552));
        Assert.That(d.Edges.Select(e => e.Tf).Distinct().Count(), Is.EqualTo(1395));
        Assert.That(d.Edges.Select(e => e.Target).Distinct().Count(), Is.EqualTo(20241));
        Assert.That(d.WithConfidence("ABC").Edges, Has.Count.EqualTo(12416));
        Assert.That(d.Edges.Count(e => e.Mor == -1), Is.EqualTo(49342));
    }

    [Test]
    public void GeneformerTableHas42005GenesAnd20271Tokens()
    {
        var ids = Priors.Genes;
        Assert.That(ids.Records, Has.Count.EqualTo(42005));
        Assert.That(ids.Records.Count(r => r.TokenId is not null), Is.EqualTo(20271));
        Assert.That(ids.Records.Min(r => r.TokenId), Is.EqualTo(4));
    }

    [Test]
    public void ScGptVocabularyHas48292Symbols()
    {
        var v = Priors.ScGpt;
        Assert.That(v.Count, Is.EqualTo(48292));
        Assert.That(v.TokenId("ZZZ3"), Is.EqualTo(48291));
        Assert.That(v.TokenId("NOT_A_GENE"), Is.Null);
    }

    [Test]
    public void MissingFolderNamesIt()
    {
        var e = Assert.Throws<DigitalCellException>(() => GenePriors.FromDirectory("/nonexistent/priors"));
        Assert.That(e!.Message, Does.Contain("/nonexistent/priors").And.Contain("gene-priors"));
    }

    [Test]
    public void MalformedTsvNamesFileAndLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"progeny-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(path, "gene\tpathway\tweight\nSTAT1\tJAK-STAT\tnot-a-number\n");
        try
        {
            var e = Assert.Throws<DigitalCellException>(() => PathwayWeights.Read(path));
            Assert.That(e!.Message, Does.Contain(path).And.Contain("line 2").And.Contain("not-a-number"));
        }
        finally { File.Delete(path); }
    }
}

/// <summary>The catalog entry resolves through cache → mirror, with every file's SHA-256 checked.</summary>
public class GenePriorCatalogTests
{
    [Test]
    public async Task CatalogEntryResolvesFromTheMirrorIntoTheCache()
    {
        string cache = Path.Combine(Path.GetTempPath(), $"gene-priors-cache-{Guid.NewGuid():N}");
        try
        {
            var catalog = new DigitalCell.Sdk.Catalog.DatasetCatalog(new DigitalCell.Sdk.Catalog.CatalogOptions { CacheDirectory = cache, Mirror = SharedData.Mirror });
            var priors = await GenePriors.FromCatalogAsync(catalog);
            Assert.That(priors.Directory, Is.EqualTo(Path.Combine(SharedData.Mirror, GenePriors.CatalogId)).Or.StartWith(Path.GetFullPath(cache)), "read in place from the mirror, or from the cache");
            Assert.That(GenePriors.FileNames.All(f => File.Exists(Path.Combine(priors.Directory, f))), Is.True);
            Assert.That(priors.Hallmark.Sets, Has.Count.EqualTo(50));
        }
        finally { if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true); }
    }
}
