using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Screens;
using DigitalCell.Sdk.Tests.GeneKnowledge;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Screens;

/// <summary>The screen on synthetic data whose effects are known by construction.</summary>
public class ScreenTests : TempDirectoryTest
{
    private static readonly ScreenObjective Program = ScreenObjective.Genes("P", ["P1", "P2", "P3"]);
    private static IReadOnlyList<Perturbation> Candidates(params string[] genes) => ScreenCandidates.Genes(PerturbationMode.Knockout, genes);

    private static Task<ScreenResult> Run(ScreenObjective objective, IReadOnlyList<Perturbation> candidates, ScreenOptions? options = null, params KnownEffectsModel[] models) =>
        new Screen(models.Length == 0 ? [new KnownEffectsModel()] : models, SyntheticScreen.Controls(SyntheticScreen.Data()), objective, options).RunAsync(candidates);

    [Test]
    public async Task RanksCandidatesByTheProgramChangeInTheChosenDirection()
    {
        var down = await Run(Program, Candidates("C", "A", "B", "D", "E"), new ScreenOptions(KnownHits: ["A", "E"]));
        Assert.That(down.Rows.Select(r => r.Candidate), Is.EqualTo(new[] { "A", "E", "B", "D", "C" }));
        Assert.That(down.Rows.Select(r => r.Effect), Is.EqualTo(new[] { -1.0, -0.8, -0.5, 0.0, 0.3 }).Within(1e-6));
        Assert.That(down.Rows.Where(r => r.Known).Select(r => r.Rank), Is.EqualTo(new[] { 1, 2 }));
        var up = await Run(Program, Candidates("C", "A", "B", "D", "E"), new ScreenOptions(ScreenDirection.Up));
        Assert.That(up.Rows[0].Candidate, Is.EqualTo("C"));
    }

    [Test]
    public async Task ATargetInsideTheProgramIsHeldAtControlSoSilencingItselfEarnsNothing()
    {
        var result = await Run(Program, Candidates("P1", "A"));
        Assert.That(result.Row("P1")!.Effect, Is.EqualTo(0).Within(1e-9), "the model zeroes P1 but that is the knockout, not a program change");
        Assert.That(result.Row("A")!.TopGenes.Select(g => g.Gene), Is.EquivalentTo(new[] { "P1", "P2", "P3" }));
        Assert.That(result.Row("A")!.TopGenes.Select(g => g.Gene), Does.Not.Contain("A"), "targets are not listed as moved genes");
    }

    [Test]
    public async Task UncertaintyIsTheEnsembleStandardDeviation()
    {
        var result = await Run(Program, Candidates("A"), null, new KnownEffectsModel(1), new KnownEffectsModel(0.5));
        var a = result.Row("A")!;
        Assert.That(a.MemberEffects, Is.EqualTo(new[] { -1.0, -0.5 }).Within(1e-6));
        Assert.That(a.Effect, Is.EqualTo(-0.75).Within(1e-6));
        Assert.That(a.Uncertainty, Is.EqualTo(Math.Sqrt(0.125)).Within(1e-6), "numpy.std([-1, -0.5], ddof=1)");
    }

    [Test]
    public async Task TowardReferenceIsTheEuclideanDistanceChangeToTheReferenceCentroid()
    {
        var data = SyntheticScreen.Data();
        var reference = data.SelectCells(Enumerable.Range(0, data.CellCount).Where(i => data.Obs["perturbation"].GetValue(i)?.ToString() == "A").ToArray());
        var objective = ScreenObjective.TowardReference("perturbation=A", reference, new ReferenceSpace(VariableGenes: 0));
        var result = await Run(objective, Candidates("E", "A", "C"));
        // Start (controls) vs A's centroid: P genes differ by 1, gene A by 2 → √7. E closes P to 0.2; A's own target is held at control.
        Assert.That(result.Row("E")!.Effect, Is.EqualTo(Math.Sqrt(3 * 0.04 + 4) - Math.Sqrt(7)).Within(1e-5));
        Assert.That(result.Row("A")!.Effect, Is.EqualTo(2 - Math.Sqrt(7)).Within(1e-5));
        Assert.That(result.Row("C")!.Effect, Is.EqualTo(Math.Sqrt(3 * 1.69 + 4) - Math.Sqrt(7)).Within(1e-5));
        Assert.That(result.Rows[0].Candidate, Is.EqualTo("A"));
    }

    [Test]
    public async Task ACancelledScreenResumesFromItsCheckpointToTheSameTable()
    {
        var candidates = Candidates("A", "B", "C", "D", "E");
        var complete = await Run(Program, candidates);
        using var cancel = new CancellationTokenSource();
        var options = new ScreenOptions(BatchSize: 1, Parallelism: 1, CheckpointDirectory: Temp);
        var screen = new Screen([new KnownEffectsModel()], SyntheticScreen.Controls(SyntheticScreen.Data()), Program, options);
        var stopAfterTwo = new Inline(p => { if (p.Completed >= 2) cancel.Cancel(); });
        await Assert.CatchAsync<OperationCanceledException>(() => screen.RunAsync(candidates, stopAfterTwo, cancel.Token));
        File.AppendAllText(Path.Combine(Temp, "screen-checkpoint.jsonl"), "{\"candidate\":\"C\",\"eff"); // a torn line, as a kill mid-write leaves
        var resumed = await screen.RunAsync(candidates);
        Assert.That(resumed.Resumed, Is.EqualTo(2));
        Assert.That(resumed.ToCsv(), Is.EqualTo(complete.ToCsv()));
    }

    [Test]
    public async Task ACheckpointOfAnotherScreenIsRefused()
    {
        var options = new ScreenOptions(CheckpointDirectory: Temp);
        var start = SyntheticScreen.Controls(SyntheticScreen.Data());
        await new Screen([new KnownEffectsModel()], start, Program, options).RunAsync(Candidates("A"));
        var e = await Assert.ThrowsAsync<DigitalCellException>(() => new Screen([new KnownEffectsModel()], start, ScreenObjective.Genes("Q", ["O1"]), options).RunAsync(Candidates("A")));
        Assert.That(e!.Message, Does.Contain("belongs to a different screen"));
    }

    [Test]
    public void AnUnknownCandidateNamesTheClosestGenes()
    {
        var e = Assert.Throws<DigitalCellException>(() => ScreenCandidates.Genes(PerturbationMode.Knockout, ["STAT1", "STAT"], ["STAT1", "STAT2", "IRF1"]));
        Assert.That(e!.Message, Does.Contain("'STAT'").And.Contain("Did you mean STAT1, STAT2"));
    }

    [Test]
    public void AnUnknownGeneSetNamesTheClosestSets()
    {
        var e = Assert.Throws<DigitalCellException>(() => ScreenObjective.Parse("program:INTERFERON_GAMA_RESPONSE", () => GenePriorFilesTests.Priors));
        Assert.That(e!.Message, Does.Contain("Unknown Hallmark set 'INTERFERON_GAMA_RESPONSE'").And.Contain("HALLMARK_INTERFERON_GAMMA_RESPONSE"));
        var p = Assert.Throws<DigitalCellException>(() => ScreenObjective.Parse("program:progeny/JAKSTAT", () => GenePriorFilesTests.Priors));
        Assert.That(p!.Message, Does.Contain("JAK-STAT"));
        Assert.That(ScreenObjective.Parse("program:INTERFERON_GAMMA_RESPONSE", () => GenePriorFilesTests.Priors).Description, Does.Contain("HALLMARK_INTERFERON_GAMMA_RESPONSE (200 genes)"));
    }

    [Test]
    public async Task AnObjectiveTheModelCannotSeeIsRefused()
    {
        var e = await Assert.ThrowsAsync<DigitalCellException>(() => Run(ScreenObjective.Genes("Z", ["ZZZ1"]), Candidates("A")));
        Assert.That(e!.Message, Does.Contain("none of its genes"));
    }

    [Test]
    public void HitCardsListTheTopInformedCandidatesWithTheirEvidence()
    {
        var result = Run(Program, Candidates("A", "B", "E"), new ScreenOptions(KnownHits: ["E"])).GetAwaiter().GetResult();
        var cards = HitCard.Top(result, 2);
        Assert.That(cards.Select(c => (c.Candidate, c.KnownEvidence)), Is.EqualTo(new[] { ("A", false), ("E", true) }));
        Assert.That(HitCard.ToJson(result, cards), Does.Contain("\"known_evidence\": true").And.Contain("\"supporting_genes\""));
        Assert.That(HitCard.ToMarkdown(result, cards), Does.Contain("## 2. E"));
    }

    [Test]
    public async Task TheParquetTableReadsBackAsTheCsvRows()
    {
        var result = await Run(Program, Candidates("C", "A", "B", "D", "E"), new ScreenOptions(KnownHits: ["A"]), new KnownEffectsModel(1), new KnownEffectsModel(0.5));
        var path = Path.Combine(Temp, ScreenResult.ParquetFileName);
        result.WriteParquet(path);
        var csv = result.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();
        await using var reader = await Parquet.ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        Assert.That(fields.Select(f => f.Name), Is.EqualTo(csv[0]), "the CSV's columns, in its order");
        Assert.That(reader.CustomMetadata["objective"], Is.EqualTo(result.Objective));
        using var group = reader.OpenRowGroupReader(0);
        Assert.That(group.RowCount, Is.EqualTo(5));
        var n = (int)group.RowCount;
        async Task<T[]> Read<T>(int column) where T : struct
        {
            var values = new T[n];
            await group.ReadAsync(fields[column], values.AsMemory());
            return values;
        }
        async Task<string?[]> ReadStrings(int column)
        {
            var values = new string?[n];
            await group.ReadAsync(fields[column], values.AsMemory());
            return values;
        }
        var candidates = await ReadStrings(0);
        var ranks = await Read<int>(1);
        var effects = await Read<double>(2);
        var uncertainties = await Read<double>(3);
        var informed = await Read<bool>(4);
        var known = await Read<bool>(5);
        var topGenes = await ReadStrings(6);
        var members = new[] { await Read<double>(7), await Read<double>(8) };
        for (int r = 0; r < n; r++)
        {
            string?[] row = [candidates[r], ranks[r].ToString(System.Globalization.CultureInfo.InvariantCulture), ScreenResult.Number(effects[r]),
                ScreenResult.Number(uncertainties[r]), informed[r] ? "true" : "false", known[r] ? "true" : "false", topGenes[r],
                ScreenResult.Number(members[0][r]), ScreenResult.Number(members[1][r])];
            Assert.That(row, Is.EqualTo(csv[r + 1]), $"row {r + 1}");
        }
        Assert.That(effects, Is.EqualTo(result.Rows.Select(r => r.Effect).ToArray()), "full precision, not the CSV's 6 digits");
    }

    private sealed class Inline(Action<ScreenProgress> report) : IProgress<ScreenProgress>
    {
        public void Report(ScreenProgress value) => report(value);
    }
}
