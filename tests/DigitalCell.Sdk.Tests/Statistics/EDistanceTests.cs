using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Tests.Statistics;

/// <summary>Hand-checkable E-distance, E-test, Holm–Šidák and LOESS cases.</summary>
[TestFixture]
public class EDistanceTests
{
    [Test]
    public void SquaredEDistanceByHand()
    {
        // X = {0, 2}, Y = {5} on a line: δ = (25 + 9)/2 = 17, σX = mean over i ≠ j of (0 − 2)² = 4, σY = 0 (one point)
        Assert.That(EnergyDistance.Between([0, 2], [5], 1), Is.EqualTo(2 * 17 - 4 - 0).Within(1e-12));
        // Euclidean: δ = (5 + 3)/2 = 4, σX = 2 → 2·4 − 2 = 6
        Assert.That(EnergyDistance.Between([0, 2], [5], 1, EDistanceMetric.Euclidean), Is.EqualTo(6).Within(1e-12));
    }

    [Test]
    public void ETestSeparatesShiftedGroupsAndNotIdenticalOnes()
    {
        var rng = new Random(5);
        int perGroup = 60;
        var labels = new string[3 * perGroup];
        var pca = new float[3 * perGroup * 2];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i < perGroup ? "control" : i < 2 * perGroup ? "same" : "shifted";
            double shift = labels[i] == "shifted" ? 1.5 : 0;
            pca[2 * i] = (float)(Gaussian(rng) + shift);
            pca[2 * i + 1] = (float)Gaussian(rng);
        }
        var data = CellDataset.FromMatrix(SparseCellMatrix.Empty(labels.Length, 1));
        data = data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("g", labels))).WithObsm("X_pca", new DenseCellMatrix(labels.Length, 2, pca));
        var test = data.ETest("g", "control", new EDistanceOptions { Permutations = 500, Seed = 1 });
        Assert.That(test.PValue![test.Groups.ToList().IndexOf("shifted")], Is.EqualTo(0));
        Assert.That(test.PValue![test.Groups.ToList().IndexOf("same")], Is.GreaterThan(0.05));
        Assert.That(test["shifted"], Is.GreaterThan(test["same"]));
        var again = data.ETest("g", "control", new EDistanceOptions { Permutations = 500, Seed = 1 });
        Assert.That(again.PValue, Is.EqualTo(test.PValue), "seeded: identical p-values");
        var ex = Assert.Throws<DigitalCellException>(() => data.EDistance("g", "control", new EDistanceOptions { Representation = "X_umap" }));
        Assert.That(ex!.Message, Does.Contain("X_umap").And.Contain("X_pca"));
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Test]
    public void HolmSidakByHand()
    {
        // m = 3, sorted 0.01, 0.02, 0.5: 1 − 0.99³, 1 − 0.98², 1 − 0.5¹, running maximum
        var adj = MultipleTesting.HolmSidak([0.5, 0.01, 0.02]);
        Assert.That(adj, Is.EqualTo(new[] { 0.5, 1 - Math.Pow(0.99, 3), 1 - Math.Pow(0.98, 2) }).Within(1e-15));
    }

    [Test]
    public void LoessOfDegreeTwoReproducesAQuadraticExactly()
    {
        var x = Enumerable.Range(0, 50).Select(i => i * 0.37 - 3).ToArray();
        var y = x.Select(v => 2 - v + 0.5 * v * v).ToArray();
        Assert.That(Loess.Fit(x, y, 0.3, 2), Is.EqualTo(y).Within(1e-9));
    }
}
