using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using MathNet.Numerics.Distributions;

namespace DigitalCell.Sdk.Tests.Collections;

public sealed class SyntheticCollectionTests
{
    [Test]
    public void The_depth_option_sets_the_average_counts_per_cell()
    {
        var options = new SyntheticCollectionOptions { Cells = 4_000, Genes = 500, Perturbations = 4, Contexts = 2, Shards = 1, Seed = 3 };
        double MeanTotal(SyntheticCollectionOptions o) => SyntheticCollection.Shards(o).Single().X.ToSparse().RawValues.Sum(v => (double)v) / o.Cells;
        double Density(SyntheticCollectionOptions o) => (double)SyntheticCollection.Shards(o).Single().X.ToSparse().StoredCount / o.Cells / o.Genes;

        // the context factors (log-normal, σ 0.3) and library factors (σ 0.25) average exp(σ²/2): 1.046 × 1.032
        foreach (double depth in new[] { 150.0, 2_000.0 })
            Assert.That(MeanTotal(options with { UmisPerCell = depth }), Is.EqualTo(depth * 1.046 * 1.032).Within(8).Percent, $"depth {depth}");
        Assert.That(Density(options with { UmisPerCell = 150 }), Is.LessThan(Density(options) / 2));
        Assert.Throws<DigitalCellException>(() => SyntheticCollection.Shards(options with { UmisPerCell = 0 }).ToList());
    }

    [Test]
    public void The_cells_are_the_same_for_any_number_of_threads()
    {
        // 2,500 cells per shard: two full blocks of 1,024 and a partial one, so blocks really run side by side
        var options = new SyntheticCollectionOptions { Cells = 5_000, Genes = 60, Perturbations = 6, Contexts = 2, Shards = 2, Seed = 11 };
        var one = SyntheticCollection.Shards(options with { Threads = 1 }).ToArray();
        var four = SyntheticCollection.Shards(options with { Threads = 4 }).ToArray();
        var all = SyntheticCollection.Shards(options).ToArray();

        foreach (var other in new[] { four, all })
            for (int s = 0; s < one.Length; s++)
            {
                var (a, b) = ((SparseCellMatrix)one[s].X, (SparseCellMatrix)other[s].X);
                Assert.That(b.RowPointers.ToArray(), Is.EqualTo(a.RowPointers.ToArray()));
                Assert.That(b.ColumnIndices.ToArray(), Is.EqualTo(a.ColumnIndices.ToArray()));
                Assert.That(b.StoredValues.ToArray(), Is.EqualTo(a.StoredValues.ToArray()));
                Assert.That(other[s].CellNames, Is.EqualTo(one[s].CellNames));
                foreach (var column in new[] { SyntheticCollection.ContextColumn, SyntheticCollection.PerturbationColumn })
                    Assert.That(Enumerable.Range(0, one[s].CellCount).Select(i => other[s].Obs[column].GetText(i)),
                        Is.EqualTo(Enumerable.Range(0, one[s].CellCount).Select(i => one[s].Obs[column].GetText(i))));
            }
        Assert.That(one[0].CellNames[0], Is.EqualTo("sim000000000"));
        Assert.That(one[1].CellNames[0], Is.EqualTo("sim000002500"));
        Assert.That(((SparseCellMatrix)one[0].X).StoredValues.ToArray(), Is.Not.EqualTo(((SparseCellMatrix)one[1].X).StoredValues.ToArray()), "shards draw from different streams");
    }

    [TestCase(0.05)]
    [TestCase(0.8)]
    [TestCase(6.0)]
    [TestCase(40.0)]
    [TestCase(300.0)] // gamma–Poisson branch
    public void Counts_follow_the_negative_binomial_of_shape_two(double mean)
    {
        const int draws = 200_000;
        var rng = new Random(5);
        var counts = new int[draws];
        for (int i = 0; i < draws; i++) counts[i] = NegativeBinomialCounts.Draw(rng, mean);

        // MathNet's NegativeBinomial(r, p) counts failures before the r-th success, mean r(1-p)/p: p = r / (r + m)
        var reference = new NegativeBinomial(NegativeBinomialCounts.Shape, NegativeBinomialCounts.Shape / (NegativeBinomialCounts.Shape + mean));
        double sampleMean = counts.Average(), sampleVariance = counts.Select(c => (c - sampleMean) * (c - sampleMean)).Sum() / (draws - 1);
        Assert.That(sampleMean, Is.EqualTo(reference.Mean).Within(5 * reference.StdDev / Math.Sqrt(draws)), "mean");
        Assert.That(sampleVariance / reference.Variance, Is.EqualTo(1).Within(0.05), "variance");
        // probabilities of the most frequent counts, each within 5 standard errors of its binomial frequency
        int mode = (int)reference.Mode;
        foreach (int k in Enumerable.Range(Math.Max(0, mode - 3), 7).Append(0).Distinct())
        {
            double p = reference.Probability(k), frequency = counts.Count(c => c == k) / (double)draws;
            Assert.That(frequency, Is.EqualTo(p).Within(5 * Math.Sqrt(p * (1 - p) / draws) + 1e-9), $"P({k})");
        }
    }
}
