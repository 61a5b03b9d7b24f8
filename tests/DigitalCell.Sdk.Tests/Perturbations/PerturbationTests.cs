using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Tests.Perturbations;

public class PerturbationTests
{
    private static readonly PerturbationSchema Crispra = new("condition", ["ctrl", "non-targeting"], PerturbationMode.CRISPRa);

    [Test]
    public void ControlLabelsAndGearsCtrlAreControls()
    {
        Assert.That(Perturbation.Parse("non-targeting", Crispra).IsControl, Is.True);
        Assert.That(Perturbation.Parse("ctrl", Crispra).Mode, Is.EqualTo(PerturbationMode.Control));
        Assert.That(Perturbation.Parse("ctrl+ctrl", Crispra).IsControl, Is.True);
        Assert.That(Perturbation.Parse("KLF1", Crispra).IsControl, Is.False);
    }

    [Test]
    public void GearsSinglesEqualPlainSinglesAndCombinationOrderDoesNotMatter()
    {
        var single = Perturbation.Parse("KLF1+ctrl", Crispra);
        Assert.That(single.Targets, Is.EqualTo(new[] { "KLF1" }));
        Assert.That(single.IsCombination, Is.False);
        Assert.That(single, Is.EqualTo(Perturbation.Parse("ctrl+KLF1", Crispra)).And.EqualTo(Perturbation.Parse("KLF1", Crispra)));
        var combo = Perturbation.Parse("KLF1+MAP2K6", Crispra);
        Assert.That(combo.IsCombination, Is.True);
        Assert.That(combo.Mode, Is.EqualTo(PerturbationMode.CRISPRa));
        Assert.That(combo, Is.EqualTo(Perturbation.Parse("MAP2K6+KLF1", Crispra)));
        Assert.That(combo.Label, Is.EqualTo("KLF1+MAP2K6"));
    }

    [Test]
    public void CompoundLabelsCarryDoseAndTime()
    {
        var schema = new PerturbationSchema("drug", "DMSO", PerturbationMode.Compound);
        var p = Perturbation.Parse("dexamethasone_100nM_24h", schema);
        Assert.That(p.Targets, Is.EqualTo(new[] { "dexamethasone" }));
        Assert.That((p.Dose, p.DoseUnit, p.Time, p.TimeUnit), Is.EqualTo(((double?)100, "nM", (double?)24, "h")));
        Assert.That(Perturbation.Parse("BMS_345541", schema).Targets, Is.EqualTo(new[] { "BMS_345541" }), "underscores in names survive");
        Assert.That(Perturbation.Parse("drugX", schema, dose: 5).Dose, Is.EqualTo(5));
        Assert.That(Perturbation.Parse("DMSO", schema).IsControl, Is.True);
    }

    [Test]
    public void EmptyPartsAreRejected()
    {
        var ex = Assert.Throws<DigitalCellException>(() => Perturbation.Parse("A++B", Crispra));
        Assert.That(ex!.Message, Does.Contain("A++B").And.Contain("condition"));
        Assert.Throws<DigitalCellException>(() => Perturbation.Parse(" ", Crispra));
    }
}

public class PerturbationSplitTests
{
    private static readonly PerturbationSchema Schema = new("perturbation", "control", PerturbationMode.Knockout);
    private static readonly string[] Labels = ["control", "control", .. Enumerable.Range(0, 30).Select(i => $"G{i:00}"), "G00", "G01"];

    [Test]
    public void UnseenPerturbationsHoldOutTheFractionWithoutOverlap()
    {
        var split = PerturbationSplits.UnseenPerturbations(Labels, Schema, testFraction: 0.2, validationFraction: 0.1, seed: 0);
        Assert.That(split.Test, Has.Count.EqualTo(6));
        Assert.That(split.Validation, Has.Count.EqualTo(3));
        Assert.That(split.Train, Has.Count.EqualTo(21));
        Assert.That(split.Train.Concat(split.Validation).Concat(split.Test), Is.Unique);
        Assert.That(split.Controls, Is.EqualTo(new[] { "control" }));
        Assert.That(split.Train, Does.Not.Contain("control"));
    }

    [Test]
    public void TheSameSeedGivesTheSameSplitAndAnotherSeedAnother()
    {
        var a = PerturbationSplits.UnseenPerturbations(Labels, Schema, 0.2, seed: 4);
        var b = PerturbationSplits.UnseenPerturbations(Labels.Reverse(), Schema, 0.2, seed: 4);
        var c = PerturbationSplits.UnseenPerturbations(Labels, Schema, 0.2, seed: 5);
        Assert.That(b.Test, Is.EqualTo(a.Test), "input order must not matter");
        Assert.That(c.Test, Is.Not.EqualTo(a.Test));
    }

    [Test]
    public void SplitsRoundTripThroughJson()
    {
        var split = PerturbationSplits.UnseenPerturbations(Labels, Schema, 0.2, 0.1, seed: 2);
        string path = Path.Combine(Path.GetTempPath(), "split-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            split.Save(path);
            Assert.That(File.ReadAllText(path), Does.Contain("\"test\"").And.Contain("\"seed\": 2"));
            var back = PerturbationSplit.Load(path);
            Assert.That((back.Strategy, back.Seed, back.Train, back.Validation, back.Test, back.Controls),
                Is.EqualTo((split.Strategy, split.Seed, split.Train, split.Validation, split.Test, split.Controls)));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void ASplitFileWithATrainTestOverlapIsRejected()
    {
        var ex = Assert.Throws<DigitalCellException>(() => PerturbationSplit.FromJson(
            """{"strategy":"x","seed":0,"train":["A","B"],"validation":[],"test":["B"],"controls":["ctrl"]}"""));
        Assert.That(ex!.Message, Does.Contain("both in train and test").And.Contain("B"));
    }

    [Test]
    public void GearsSimulationGroupsCombinationsBySeenSingles()
    {
        var schema = new PerturbationSchema("condition", "ctrl", PerturbationMode.CRISPRa);
        var singles = Enumerable.Range(0, 12).Select(i => $"S{i:00}+ctrl").ToArray();
        var combos = Enumerable.Range(0, 12).Select(i => $"S{i:00}+S{(i + 1) % 12:00}").ToArray();
        var split = PerturbationSplits.GearsSimulation(singles.Concat(combos).Append("ctrl"), schema, seed: 1);
        var seen = split.Train.Concat(split.Validation).Where(l => l.EndsWith("+ctrl", StringComparison.Ordinal)).Select(l => l[..3]).ToHashSet();
        Assert.That(seen, Has.Count.EqualTo(9), "75% of 12 genes are seen");
        foreach (var (group, labels) in split.TestGroups!)
            foreach (var label in labels)
            {
                var p = Perturbation.Parse(label, schema);
                int nSeen = p.Targets.Count(seen.Contains);
                Assert.That(group, Is.EqualTo(p.IsCombination ? $"combo_seen{nSeen}" : "unseen_single"), label);
            }
        Assert.That(split.TestGroups!.Values.Sum(g => g.Count), Is.EqualTo(split.Test.Count));
    }
}
