using System.Globalization;
using DigitalCell.Sdk.Screens;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Screens;

/// <summary>The validation statistics against scikit-learn (computed at test time) and hand-counted fixtures.</summary>
public class HitRecoveryTests
{
    private static readonly double[] Scores = [0.9, 0.8, 0.8, 0.7, 0.5, 0.5, 0.4, 0.3, 0.2, 0.2, 0.1, -0.3];
    private static readonly bool[] Known = [true, false, true, false, true, false, false, true, false, false, false, false];

    [Test]
    public void AurocEqualsSklearnRocAucScoreWithTies()
    {
        string scores = string.Join(",", Scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
        string labels = string.Join(",", Known.Select(k => k ? "1" : "0"));
        var r = PythonPeer.RunJson($"import json; from sklearn.metrics import roc_auc_score; print(json.dumps(roc_auc_score([{labels}], [{scores}])))");
        Assert.That(HitRecovery.Auroc(Scores, Known), Is.EqualTo(r.GetDouble()).Within(1e-12));
    }

    [Test]
    public void PrecisionAndRecallAtKCountTheTopK()
    {
        // Top 4 by score: 0.9 (hit), 0.8 (no), 0.8 (hit), 0.7 (no) → 2 of 4; 2 of the 4 hits.
        Assert.That(HitRecovery.PrecisionAtK(Scores, Known, 4), Is.EqualTo(0.5));
        Assert.That(HitRecovery.RecallAtK(Scores, Known, 4), Is.EqualTo(0.5));
        Assert.That(HitRecovery.RecallAtK(Scores, Known, 8), Is.EqualTo(1.0));
    }

    [Test]
    public void PermutationPOfAPerfectRankingApproachesTheExactCombinatorialValue()
    {
        // 2 hits among 6 ranked first: only 1 of C(6,2) = 15 labelings reaches AUROC 1, so p → 1/15.
        double[] scores = [6, 5, 4, 3, 2, 1];
        bool[] known = [true, true, false, false, false, false];
        double p = HitRecovery.PermutationP(scores, known, 20_000, seed: 1);
        Assert.That(p, Is.EqualTo(1.0 / 15).Within(0.006));
        Assert.That(HitRecovery.PermutationP(scores, known, 20_000, seed: 1), Is.EqualTo(p), "seeded");
    }

    [Test]
    public void MismatchedLengthsAreAClearError()
    {
        var e = Assert.Throws<DigitalCellException>(() => HitRecovery.Auroc([1, 2], [true]));
        Assert.That(e!.Message, Does.Contain("2 scores but 1 labels"));
    }
}
