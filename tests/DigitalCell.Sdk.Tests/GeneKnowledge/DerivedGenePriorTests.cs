using System.Text.Json;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.GeneKnowledge;

/// <summary>
/// The derived priors against peers/gene_priors_ref.py (scipy sparse products, eigsh, svds). The GO library is first
/// written with canonical symbols, so the reference and the SDK see the same gene names.
/// </summary>
public class DerivedGenePriorTests
{
    private static string Peer => Path.Combine(RepoPaths.Root, "tests", "DigitalCell.Sdk.Tests", "peers", "gene_priors_ref.py");
    private string _dir = "";
    private GoGraph _graph = null!;
    private JsonElement _goRef;

    [OneTimeSetUp]
    public void BuildGraphs()
    {
        _dir = RepoPaths.NewTempDirectory();
        var priors = GenePriorFilesTests.Priors;
        string gmt = Path.Combine(_dir, "go-canonical.gmt");
        File.WriteAllLines(gmt, priors.GoBiologicalProcess.Sets.Select(s =>
            s.Name + "\t\t" + string.Join("\t", s.Genes.Select(priors.Genes.Canonical).Distinct())));
        _graph = GoGraph.Build(GeneSetLibrary.ReadGmt(gmt), priors.Genes);
        string output = Path.Combine(_dir, "go.json");
        PythonPeer.Run(File.ReadAllText(Peer), "go-graph", gmt, "0.1", "20", "8", output);
        _goRef = JsonDocument.Parse(File.ReadAllText(output)).RootElement.Clone();
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void GoGraphMatchesGearsRecipe()
    {
        var genes = _goRef.GetProperty("genes").EnumerateArray().Select(g => g.GetString()!).ToArray();
        Assert.That(_graph.Genes, Is.EqualTo(genes));
        var neighbours = _goRef.GetProperty("neighbours");
        int compared = 0;
        foreach (var gene in genes)
        {
            var expected = neighbours.GetProperty(gene).EnumerateArray().Select(e => (e[0].GetString(), e[1].GetDouble())).ToArray();
            var actual = _graph.Of(gene);
            Assert.That(actual.Select(e => e.Gene), Is.EqualTo(expected.Select(e => e.Item1)), gene);
            Assert.That(actual.Select(e => e.Jaccard), Is.EqualTo(expected.Select(e => e.Item2)).Within(1e-12), gene);
            compared++;
        }
        Assert.That(compared, Is.GreaterThan(14000));
        Assert.That(_graph.Of("STAT1").Skip(1).Take(4).Select(e => e.Gene), Is.EquivalentTo(new[] { "IRF1", "IRF3", "IRF7", "JAK1" }));
    }

    [Test]
    public void SpectralEmbeddingIsTheNormalisedAdjacencysTopEigenvectors()
    {
        var (values, rows) = _graph.SpectralEmbedding(8, seed: 0, CancellationToken.None);
        var expected = _goRef.GetProperty("eigenvalues").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.That(values.Take(5), Is.EqualTo(expected.Take(5)).Within(1e-6));
        var component = _goRef.GetProperty("component").EnumerateArray().Select(g => _graph.IndexOf(g.GetString()!)).ToArray();
        var v1 = _goRef.GetProperty("vector1").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double dot = 0, norm = 0;
        for (int i = 0; i < component.Length; i++) { dot += rows[component[i]][0] * v1[i]; norm += rows[component[i]][0] * rows[component[i]][0]; }
        Assert.That(Math.Abs(dot) / Math.Sqrt(norm), Is.EqualTo(1).Within(1e-4), "cosine of the first non-trivial eigenvector with scipy's");
    }

    [Test]
    public void RegulonBlocksAreTheSignedMatrixsSingularVectors()
    {
        var priors = GenePriorFilesTests.Priors;
        var table = priors.Features();
        string output = Path.Combine(_dir, "regulons.json");
        PythonPeer.Run(File.ReadAllText(Peer), "regulons", SharedData.File("gene-priors/" + GenePriors.DorotheaFile), "ABCDE", "16", output);
        var r = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        var tfs = r.GetProperty("tfs").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var tfBlock = table.Layout.Single(b => b.Name == "regulon_tf");
        // Column c of the TF block is ±sqrt(#TFs)·U[:, c] (U·S scaled to unit RMS); the first three singular values are well separated.
        for (int c = 0; c < 3; c++)
        {
            var u = r.GetProperty("u")[c].EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double dot = 0, norm = 0;
            for (int i = 0; i < tfs.Length; i++)
            {
                double x = table.Vector(tfs[i])![tfBlock.Offset + c];
                dot += x * u[i];
                norm += x * x;
            }
            Assert.That(Math.Abs(dot) / Math.Sqrt(norm), Is.EqualTo(1).Within(1e-5), $"regulon_tf column {c}");
        }
    }

    [Test]
    public void FeatureTableHasTheDocumentedLayout()
    {
        var table = GenePriorFilesTests.Priors.Features();
        Assert.That(table.LayoutDescription, Is.EqualTo("go_spectral:32,regulon_tf:16,regulon_target:16,progeny:14,hallmark:50,geneformer_median:1,coverage:6"));
        Assert.That(table.Dimensions, Is.EqualTo(135));
        var stat1 = table.Vector("stat1")!;
        var progeny = table.Layout.Single(b => b.Name == "progeny");
        var hallmark = table.Layout.Single(b => b.Name == "hallmark");
        Assert.That(stat1[progeny.Offset + 2], Is.GreaterThan(0), "STAT1 is a JAK-STAT footprint gene");
        Assert.That(stat1.Skip(hallmark.Offset).Take(50).Count(v => v > 0), Is.GreaterThan(0));
        Assert.That(table.Vector("NOTAGENE1"), Is.Null);
        Assert.That(GenePriorFilesTests.Priors.Features(), Is.SameAs(table), "derived priors are cached per options");
        var ablated = GenePriorFilesTests.Priors.Features(new GeneFeatureOptions(Blocks: GenePriorBlocks.All & ~GenePriorBlocks.Hallmark));
        Assert.That(ablated.Layout.Select(b => b.Name), Does.Not.Contain("hallmark"));
    }
}
