using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Tests.Statistics;

/// <summary>Hand-checkable differential-expression cases: ties, zeros, tiny groups, bad input.</summary>
[TestFixture]
public class DifferentialExpressionTests
{
    private static CellDataset Dataset(float[,] x, params string[] labels)
    {
        var data = CellDataset.FromMatrix(DenseCellMatrix.From(x).ToSparse());
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("condition", labels)));
    }

    [Test]
    public void RankSumWithTiesAndZerosMatchesHandComputation()
    {
        // group {1, 2} vs reference {2, 3, 0}: union sorted 0,1,2,2,3 → ranks 1,2,3.5,3.5,5.
        // R1 = 2 + 3.5 = 5.5, U1 = 5.5 − 2·3/2 = 2.5, μ = 2·3/2 = 3, one tie block of 2 → Σ(t³−t) = 6,
        // σ² = 2·3/12·[(5+1) − 6/(5·4)] = 0.5·5.7 = 2.85, z = (2.5 − 3)/√2.85.
        var data = Dataset(new float[,] { { 1 }, { 2 }, { 2 }, { 3 }, { 0 } }, "g", "g", "ctrl", "ctrl", "ctrl");
        var r = data.DifferentialExpression("condition", "ctrl").For("g");
        double z = -0.5 / Math.Sqrt(2.85);
        Assert.That(r.Statistic[0], Is.EqualTo(z).Within(1e-15));
        // 2·Φ(−|z|) with Φ from MathNet's normal CDF (an independent route to the same number)
        Assert.That(r.PValue[0], Is.EqualTo(2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -Math.Abs(z))).Within(1e-12));

        var noTies = data.DifferentialExpression("condition", "ctrl", new DifferentialExpressionOptions { TieCorrection = false }).For("g");
        Assert.That(noTies.Statistic[0], Is.EqualTo(-0.5 / Math.Sqrt(2 * 3 * 6 / 12.0)).Within(1e-15), "σ² = n1·n2·(n+1)/12 without tie correction");

        // continuity: |U1 − μ| = 0.5 ≤ 0.5 → z = 0, p = 1 (scipy clips 2·Φ(+0) to 1)
        var cc = data.DifferentialExpression("condition", "ctrl", new DifferentialExpressionOptions { ContinuityCorrection = true }).For("g");
        Assert.That((cc.Statistic[0], cc.PValue[0]), Is.EqualTo((0.0, 1.0)));
    }

    [Test]
    public void NegativeValuesPutTheZeroBlockInTheMiddle()
    {
        // scaled data: group {−1, 0, 0} vs reference {0, 2, −3}: union sorted −3,−1,0,0,0,2 → ranks 1,2,4,4,4,6.
        // R1 = 2 + 4 + 4 = 10, U1 = 10 − 6 = 4, μ = 4.5, ties: one block of 3 → 24, σ² = 9/12·(7 − 24/30) = 4.65.
        var data = Dataset(new float[,] { { -1 }, { 0 }, { 0 }, { 0 }, { 2 }, { -3 } }, "g", "g", "g", "c", "c", "c");
        var r = data.DifferentialExpression("condition", "c").For("g");
        Assert.That(r.Statistic[0], Is.EqualTo(-0.5 / Math.Sqrt(4.65)).Within(1e-15));
    }

    [Test]
    public void AllZeroGeneHasNoEvidence()
    {
        var data = Dataset(new float[,] { { 0, 1 }, { 0, 2 }, { 0, 0 }, { 0, 5 } }, "g", "g", "c", "c");
        foreach (var method in Enum.GetValues<DifferentialExpressionMethod>())
        {
            var r = data.DifferentialExpression("condition", "c", new DifferentialExpressionOptions { Method = method }).For("g");
            Assert.That((r.Statistic[0], r.PValue[0], r.AdjustedPValue[0]), Is.EqualTo((0.0, 1.0, 1.0)), method.ToString());
            Assert.That(r.Log2FoldChange[0], Is.EqualTo(0.0), "log2((0 + 1e-9)/(0 + 1e-9))");
        }
    }

    [Test]
    public void GroupOfOneCell()
    {
        // one cell of value 3 against {1, 2}: rank 3 of 3 → R1 = 3, U1 = 2, μ = 1, σ² = 2·4/12, z = 1/√(2/3).
        var data = Dataset(new float[,] { { 3 }, { 1 }, { 2 } }, "one", "c", "c");
        var w = data.DifferentialExpression("condition", "c").For("one");
        Assert.That(w.Statistic[0], Is.EqualTo(1 / Math.Sqrt(2.0 / 3)).Within(1e-15));
        Assert.That(w.CellCount, Is.EqualTo(1));
        // Welch's t needs a variance of the group: undefined for one cell → t = 0, p = 1 (scanpy's NaN handling)
        var t = data.DifferentialExpression("condition", "c", new DifferentialExpressionOptions { Method = DifferentialExpressionMethod.TTest }).For("one");
        Assert.That((t.Statistic[0], t.PValue[0]), Is.EqualTo((0.0, 1.0)));
    }

    [Test]
    public void WelchTTestMatchesHandComputation()
    {
        // group {1, 2, 3}: mean 2, s² = 1; reference {4, 6}: mean 5, s² = 2. se² = 1/3 + 2/2 = 4/3, t = −3/√(4/3).
        // df = (4/3)² / ((1/3)²/2 + 1²/1) = (16/9)/(1/18 + 1) = 32/19.
        var data = Dataset(new float[,] { { 1 }, { 2 }, { 3 }, { 4 }, { 6 } }, "g", "g", "g", "c", "c");
        var r = data.DifferentialExpression("condition", "c", new DifferentialExpressionOptions { Method = DifferentialExpressionMethod.TTest }).For("g");
        double t = -3 / Math.Sqrt(4.0 / 3);
        Assert.That(r.Statistic[0], Is.EqualTo(t).Within(1e-14));
        Assert.That(r.PValue[0], Is.EqualTo(2 * MathNet.Numerics.Distributions.StudentT.CDF(0, 1, 32.0 / 19, t)).Within(1e-12));
    }

    [Test]
    public void MissingReferenceIsAClearError()
    {
        var data = Dataset(new float[,] { { 1 }, { 2 } }, "a", "b");
        var e = Assert.Throws<DigitalCellException>(() => data.DifferentialExpression("condition", "control"));
        Assert.That(e!.Message, Does.Contain("'control'").And.Contain("obs column 'condition'").And.Contain("a, b"));
        var missingGroup = Assert.Throws<DigitalCellException>(() =>
            data.DifferentialExpression("condition", "a", new DifferentialExpressionOptions { Groups = ["zz"] }));
        Assert.That(missingGroup!.Message, Does.Contain("'zz'"));
        Assert.Throws<DigitalCellException>(() => data.DifferentialExpression("nope", "a"));
    }

    [Test]
    public void BenjaminiHochbergByHand()
    {
        // sorted 0.01, 0.03, 0.04, 0.2 → ·4/i = 0.04, 0.06, 0.0533…, 0.2 → running minimum from the top
        var adj = MultipleTesting.BenjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
        Assert.That(adj, Is.EqualTo(new[] { 0.04, 0.16 / 3, 0.16 / 3, 0.2 }).Within(1e-15));
        Assert.That(MultipleTesting.BenjaminiHochberg([0.9, double.NaN, 0.9])[1], Is.NaN);
    }

    [TestCase(FoldChangeConvention.Pdex, 3.0, 1.0, 1.584962500721156)] // log2(3/1)
    [TestCase(FoldChangeConvention.Pdex, 0.0, 1.0, double.NegativeInfinity)]
    [TestCase(FoldChangeConvention.Pdex, 1.0, 0.0, double.PositiveInfinity)]
    [TestCase(FoldChangeConvention.Pdex, 0.0, 0.0, 0.0)]
    [TestCase(FoldChangeConvention.Vcc2025, 1.0, 0.0, 4.321928094887363)] // log2(20)
    [TestCase(FoldChangeConvention.Vcc2025, 0.0, 1.0, -4.321928094887363)]
    [TestCase(FoldChangeConvention.Vcc2025, 0.0, 0.0, 0.0)]
    [TestCase(FoldChangeConvention.Scanpy, 0.0, 1.0, -29.897352855428958)] // log2(1e-9) − log2(1 + 1e-9) = −29.897352853986263 − 1.4426950e-9
    public void FoldChangeConventions(FoldChangeConvention convention, double countGroup, double countReference, double expected)
    {
        // means are in log1p space: log1p(c) maps back to c through expm1
        double lfc = FoldChange.Log2(Math.Log(1 + countGroup), Math.Log(1 + countReference), convention);
        Assert.That(lfc, Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void SparseEngineAgreesWithFullRankingOnRandomData()
    {
        // A direct implementation (rank the whole union, average ties) checks the sparse block algorithm on data
        // with many ties, zeros and negative values, in several groups at once.
        var rng = new Random(7);
        int cells = 300, genes = 40;
        var x = new float[cells, genes];
        var labels = new string[cells];
        for (int i = 0; i < cells; i++)
        {
            labels[i] = i % 5 == 0 ? "c" : "g" + (i % 3);
            for (int j = 0; j < genes; j++)
                x[i, j] = rng.NextDouble() < 0.6 ? 0f : (float)Math.Round(rng.NextDouble() * 6 - (j % 2 == 0 ? 0 : 3), j % 3);
        }
        var de = Dataset(x, labels).DifferentialExpression("condition", "c", new DifferentialExpressionOptions { MaxDegreeOfParallelism = 2 });
        foreach (var g in de.Groups)
        {
            var r = de.For(g);
            var gi = Enumerable.Range(0, cells).Where(i => labels[i] == g).ToArray();
            var ri = Enumerable.Range(0, cells).Where(i => labels[i] == "c").ToArray();
            for (int j = 0; j < genes; j++)
            {
                var values = gi.Concat(ri).Select(i => (double)x[i, j]).ToArray();
                var ranks = AverageRanks(values);
                double n1 = gi.Length, n2 = ri.Length, n = n1 + n2;
                double ties = values.GroupBy(v => v).Sum(b => Math.Pow(b.Count(), 3) - b.Count());
                double z = (ranks.Take(gi.Length).Sum() - n1 * (n + 1) / 2) / Math.Sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))));
                Assert.That(r.Statistic[j], Is.EqualTo(z).Within(1e-12), $"{g} gene {j}");
            }
        }
    }

    private static double[] AverageRanks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int k = i;
            while (k < order.Length && values[order[k]] == values[order[i]]) k++;
            for (int m = i; m < k; m++) ranks[order[m]] = (i + k + 1) / 2.0;
            i = k;
        }
        return ranks;
    }

    [Test]
    public void LongTableHasTheAgreedColumnsAndWritesCsv()
    {
        var data = Dataset(new float[,] { { 1, 0 }, { 2, 3 }, { 0, 1 }, { 4, 1 } }, "g", "g", "c", "c");
        var de = data.DifferentialExpression("condition", "c");
        var frame = de.ToDataFrame();
        Assert.That(frame.Columns.Select(c => c.Name), Is.EqualTo(DifferentialExpressionResult.ColumnNames));
        Assert.That(frame.Rows.Count, Is.EqualTo(2));
        var path = Path.Combine(Path.GetTempPath(), $"de-{Guid.NewGuid():N}.csv");
        try
        {
            de.WriteCsv(path);
            var lines = File.ReadAllLines(path);
            Assert.That(lines[0], Is.EqualTo("group,gene,statistic,pvalue,padj,log2fc,mean_group,mean_reference"));
            Assert.That(lines[1], Does.StartWith("g,gene0,"));
            Assert.That(lines, Has.Length.EqualTo(3));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public async Task ParquetTableReadsBackWithTheSameValues()
    {
        var data = Dataset(new float[,] { { 1, 0 }, { 2, 3 }, { 0, 1 }, { 4, 1 }, { 5, 0 } }, "g", "g", "c", "c", "h");
        var de = data.DifferentialExpression("condition", "c");
        var path = Path.Combine(Path.GetTempPath(), $"de-{Guid.NewGuid():N}.parquet");
        try
        {
            de.WriteParquet(path);
            await using var stream = File.OpenRead(path);
            await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.GetDataFields();
            Assert.That(fields.Select(f => f.Name), Is.EqualTo(DifferentialExpressionResult.ColumnNames));
            using var group = reader.OpenRowGroupReader(0);
            Assert.That(group.RowCount, Is.EqualTo(4), "2 groups × 2 genes");
            var genes = new string?[4];
            await group.ReadAsync(fields[1], genes.AsMemory());
            Assert.That(genes, Is.EqualTo(new[] { "gene0", "gene1", "gene0", "gene1" }));
            var pvalues = new double[4];
            await group.ReadAsync(fields[3], pvalues.AsMemory());
            Assert.That(pvalues, Is.EqualTo(de.For("g").PValue.Concat(de.For("h").PValue).ToArray()));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void ProgressCountsEveryGeneInAboutAHundredReports()
    {
        const int genes = 1000;
        var x = new float[6, genes];
        for (int c = 0; c < 6; c++) for (int g = 0; g < genes; g++) x[c, g] = (c * 7 + g * 13) % 5;
        var data = Dataset(x, "g", "g", "g", "ctrl", "ctrl", "ctrl");
        var reports = new System.Collections.Concurrent.ConcurrentBag<WorkProgress>();
        data.DifferentialExpression("condition", "ctrl", progress: new Collect(reports));
        Assert.That(reports.Max(r => r.Completed), Is.EqualTo(genes));
        Assert.That(reports, Has.All.Matches<WorkProgress>(r => r!.Total == genes && r.Step == DifferentialExpressionAnalysis.ProgressStep));
        Assert.That(reports, Has.Count.InRange(100, 101), "one report per 1 % of the genes, not one per gene");
    }

    [Test]
    public void ACancelledTestStopsWithOperationCanceled()
    {
        var data = Dataset(new float[,] { { 1 }, { 2 }, { 2 }, { 3 } }, "g", "g", "ctrl", "ctrl");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => data.DifferentialExpression("condition", "ctrl", cancellationToken: cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>Collects reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class Collect(System.Collections.Concurrent.ConcurrentBag<WorkProgress> into) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => into.Add(value);
    }
}
