using DigitalCell.Sdk.Catalog;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.GeneKnowledge;

/// <summary>Program scores on 300 real Papalexi cells (log1p of normalize_total 1e4) against peers/program_scores_ref.py.</summary>
public class GeneProgramScoreTests
{
    private static string Peer => File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "DigitalCell.Sdk.Tests", "peers", "program_scores_ref.py"));
    private string _dir = "";
    private string _h5ad = "";
    private CellDataset _cells = null!;

    [OneTimeSetUp]
    public void Prepare()
    {
        _dir = RepoPaths.NewTempDirectory();
        var all = CellDataset.Read(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")).NormalizeTotal(1e4).Log1p();
        _cells = all.SelectCells(Enumerable.Range(0, all.CellCount).Where(i => i % 69 == 0).Take(300).ToArray());
        _h5ad = Path.Combine(_dir, "cells.h5ad");
        _cells.Write(_h5ad);
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_dir, recursive: true);

    private static string[] IfnGamma => GenePriorFilesTests.Priors.Hallmark["HALLMARK_INTERFERON_GAMMA_RESPONSE"].Genes.ToArray();

    [Test]
    public void ScoreGenesMatchesScanpyWhenWholeBinsAreTaken()
    {
        var score = _cells.ScoreGenes(IfnGamma, new ScoreGenesOptions(ControlSize: 1000));
        string output = Path.Combine(_dir, "score.json");
        PythonPeer.Run(Peer, "score-genes", _h5ad, string.Join(",", IfnGamma), "1000", "25", output);
        var r = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.That(score.ControlGenes.Order(StringComparer.Ordinal), Is.EqualTo(r.GetProperty("control").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal)));
        Assert.That(score.Scores, Is.EqualTo(r.GetProperty("score").EnumerateArray().Select(e => e.GetDouble())).Within(1e-6));
        Assert.That(score.Genes, Has.Count.GreaterThan(5));
        Assert.That(score.IgnoredGenes, Has.Count.EqualTo(IfnGamma.Length - score.Genes.Count));
    }

    [Test]
    public void SampledControlsComeFromTheSetsBinsAtMostControlSizeEach()
    {
        var score = _cells.ScoreGenes(IfnGamma, new ScoreGenesOptions(ControlSize: 3, Seed: 7));
        string output = Path.Combine(_dir, "score-bins.json");
        PythonPeer.Run(Peer, "score-genes", _h5ad, string.Join(",", IfnGamma), "1000", "25", output);
        var cut = JsonDocument.Parse(File.ReadAllText(output)).RootElement.GetProperty("cut");
        var setBins = score.Genes.Select(g => cut.GetProperty(g).GetInt32()).ToHashSet();
        var controlBins = score.ControlGenes.Select(g => cut.GetProperty(g).GetInt32()).ToArray();
        Assert.That(controlBins.Distinct(), Is.SubsetOf(setBins));
        Assert.That(controlBins.GroupBy(b => b).Max(g => g.Count()), Is.LessThanOrEqualTo(3));
        Assert.That(score.ControlGenes, Has.None.AnyOf(score.Genes.ToArray()));
        Assert.That(_cells.ScoreGenes(IfnGamma, new ScoreGenesOptions(ControlSize: 3, Seed: 7)).ControlGenes, Is.EqualTo(score.ControlGenes), "reproducible for a seed");
    }

    [Test]
    public void ScoreGenesWithNoMeasuredGeneIsAClearError()
    {
        var e = Assert.Throws<DigitalCellException>(() => _cells.ScoreGenes(["NOTAGENE1", "NOTAGENE2"]));
        Assert.That(e!.Message, Does.Contain("NOTAGENE1"));
    }

    [TestCase("progeny")]
    [TestCase("dorothea")]
    public void UlmMatchesPerCellLinearRegressionTValues(string prior)
    {
        var priors = GenePriorFilesTests.Priors;
        var network = prior == "progeny" ? priors.Progeny.Entries : priors.Dorothea.WithConfidence("ABC").AsWeights();
        var activity = _cells.Ulm(network, minimumTargets: 5);
        string net = Path.Combine(_dir, prior + ".tsv"), output = Path.Combine(_dir, prior + "-ulm.json");
        File.WriteAllLines(net, network.Select(e => $"{e.Source}\t{e.Gene}\t{e.Weight.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}").Prepend("source\ttarget\tweight"));
        PythonPeer.Run(Peer, "ulm", _h5ad, net, "5", output);
        var r = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        var sources = r.GetProperty("sources").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.That(activity.Sources.Order(StringComparer.Ordinal), Is.EqualTo(sources.Order(StringComparer.Ordinal)));
        var t = r.GetProperty("t");
        for (int s = 0; s < sources.Length; s++)
        {
            var expected = Enumerable.Range(0, _cells.CellCount).Select(c => t[c][s].GetDouble()).ToArray();
            Assert.That(activity.Of(sources[s]), Is.EqualTo(expected).Within(1e-6), sources[s]);
        }
    }

    [Test]
    public void IfnGammaPathwaysAreActiveInPapalexiCells()
    {
        var priors = GenePriorFilesTests.Priors;
        var jakStat = _cells.PathwayActivity(priors).Of("JAK-STAT");
        var hallmark = _cells.HallmarkActivity(priors).Of("HALLMARK_INTERFERON_GAMMA_RESPONSE");
        // THP-1 cells stimulated with IFN-γ: the JAK-STAT footprint and the IFN-γ set score above zero in most cells.
        Assert.That(jakStat.Count(v => v > 0), Is.GreaterThan(_cells.CellCount / 2));
        Assert.That(hallmark.Count(v => v > 0), Is.GreaterThan(_cells.CellCount / 2));
        Assert.That(_cells.TfActivity(priors).Sources, Does.Contain("STAT1"));
    }
}
