using DigitalCell.Sdk.Screens;

namespace DigitalCell.Sdk.Tests.Screens;

/// <summary>The leave-one-perturbation-out harness on the synthetic screen, where every number is known by hand.</summary>
public class ScreenValidationTests
{
    [Test]
    public async Task EachCandidateIsPredictedByModelsThatNeverSawItsCells()
    {
        var data = SyntheticScreen.Data();
        var result = await ScreenValidation.LeaveOnePerturbationOutAsync(data, SyntheticScreen.Schema, _ => new KnownEffectsModel(learn: true),
            ScreenObjective.Genes("P", ["P1", "P2", "P3"]), ["A", "E"], new ScreenValidationOptions(Permutations: 200, Parallelism: 1));
        // The learning model predicts an unseen label as the mean of the shifts it saw: (−2.0 − own shift) / 4.
        var expected = SyntheticScreen.Shift.ToDictionary(k => k.Key, k => (-2.0 - k.Value) / 4);
        foreach (var c in result.Candidates)
        {
            Assert.That(c.PredictedEffect, Is.EqualTo(expected[c.Candidate]).Within(1e-5), c.Candidate);
            Assert.That(c.MeasuredEffect, Is.EqualTo(SyntheticScreen.Shift[c.Candidate]).Within(1e-5), c.Candidate);
        }
        // Held out, the strongest hits look weakest: both known hits rank last → AUROC 0; measured effects rank them first.
        Assert.That(result.Auroc, Is.EqualTo(0));
        Assert.That(result.MeasuredAuroc, Is.EqualTo(1));
        Assert.That(result.PrecisionAtK, Is.EqualTo(0));
        Assert.That(result.K, Is.EqualTo(2));
        Assert.That(result.PermutationP, Is.EqualTo(1.0));
        Assert.That(result.ToJson(), Does.Contain("\"auroc\": 0").And.Contain("\"permutation_p\": 1").And.Contain("\"protocol\": \"leave-one-perturbation-out"));
    }

    [Test]
    public async Task NoFitSeesTheHeldOutCandidate()
    {
        var models = new System.Collections.Concurrent.ConcurrentBag<KnownEffectsModel>();
        await ScreenValidation.LeaveOnePerturbationOutAsync(SyntheticScreen.Data(), SyntheticScreen.Schema,
            _ => { var m = new KnownEffectsModel(learn: true); models.Add(m); return m; },
            ScreenObjective.Genes("P", ["P1"]), ["A"], new ScreenValidationOptions(Refits: 3, Permutations: 10, Parallelism: 1));
        Assert.That(models, Has.Count.EqualTo(15), "3 refits × 5 held-out candidates");
        Assert.That(models.Select(m => m.Trained.Count), Is.All.EqualTo(3), "80 % of the 4 remaining perturbations");
        Assert.That(models.GroupBy(m => string.Join(",", SyntheticScreen.Shift.Keys.Except(m.Trained))).Select(g => g.Count()), Is.All.GreaterThan(0));
    }
}
