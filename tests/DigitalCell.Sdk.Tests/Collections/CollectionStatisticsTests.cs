using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Query;
using DigitalCell.Sdk.Statistics;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Collections;

public sealed class CollectionStatisticsTests : TempDirectoryTest
{
    private static readonly string[] ContextAndPerturbation = [SyntheticCollection.ContextColumn, SyntheticCollection.PerturbationColumn];

    private (CellCollection Collection, CellDataset InMemory) Open(ShardLayout layout)
    {
        var shards = CollectionFixtures.WriteShards(Temp, layout);
        return (CellCollection.Open(Path.GetDirectoryName(shards[0])!),
            CollectionFixtures.Concatenated(Directory.GetFiles(Path.Combine(Temp, "h5ad")).Order(StringComparer.Ordinal)));
    }

    [Test]
    public void Pseudobulk_of_counts_per_context_and_perturbation_equals_the_in_memory_one_exactly()
    {
        var (collection, data) = Open(ShardLayout.ParquetTahoe);
        var streamed = collection.Pseudobulk(ContextAndPerturbation);
        var expected = data.Pseudobulk(ContextAndPerturbation);

        Assert.That(streamed.Groups, Is.EquivalentTo(expected.Groups));
        foreach (var group in expected.Groups)
        {
            Assert.That(streamed.CellCounts[streamed.IndexOf(group)], Is.EqualTo(expected.CellCounts[expected.IndexOf(group)]), group);
            Assert.That(streamed.Sums.Row(streamed.IndexOf(group)).ToArray(), Is.EqualTo(expected.Sums.Row(expected.IndexOf(group)).ToArray()), group);
            Assert.That(streamed.Profile(group).ToArray(), Is.EqualTo(expected.Profile(group).ToArray()), group);
        }
    }

    [Test]
    public void Pseudobulk_of_normalised_log1p_values_matches_the_in_memory_one_to_float_rounding()
    {
        var (collection, data) = Open(ShardLayout.H5ad);
        var streamed = collection.Pseudobulk(ContextAndPerturbation, new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true });
        var expected = data.NormalizeTotal(1e4).Log1p().Pseudobulk(ContextAndPerturbation);
        foreach (var group in expected.Groups)
            Assert.That(streamed.Profile(group).ToArray(), Is.EqualTo(expected.Profile(group).ToArray()).Within(1e-5).Percent, group);
    }

    [Test]
    public void Per_shard_partials_written_and_merged_equal_the_single_process_pseudobulk()
    {
        var (collection, _) = Open(ShardLayout.H5ad);
        var options = new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true };
        var files = Enumerable.Range(0, collection.Shards.Count).Select(s =>
        {
            string path = Path.Combine(Temp, $"partial-{s}.parquet");
            PseudobulkPartial.Compute(collection, s, ContextAndPerturbation, options).Write(path);
            return path;
        }).ToList();

        var merged = PseudobulkPartial.Merge(files.Select(PseudobulkPartial.Read)).ToProfiles();
        var single = collection.Pseudobulk(ContextAndPerturbation, options);

        Assert.That(merged.Groups, Is.EqualTo(single.Groups));
        Assert.That(merged.CellCounts, Is.EqualTo(single.CellCounts));
        Assert.That(merged.Sums.Values.ToArray(), Is.EqualTo(single.Sums.Values.ToArray()));
        Assert.That(merged.Means.Values.ToArray(), Is.EqualTo(single.Means.Values.ToArray()));
    }

    [Test]
    public void Pseudobulk_sums_agree_with_DuckDB_reading_the_Tahoe_shards_itself()
    {
        var (collection, _) = Open(ShardLayout.ParquetTahoe);
        var streamed = collection.Pseudobulk([SyntheticCollection.PerturbationColumn]);
        // DuckDB unnests the token lists independently of our reader; the CLS entry (expression −2) is left out.
        string glob = Path.Combine(Path.GetDirectoryName(collection.Shards[0].Path)!, "part-*.parquet").Replace("'", "''");
        using var metadata = new CollectionMetadata(collection);
        var frame = metadata.Query($"""
            SELECT perturbation, sum(e) AS total FROM (
              SELECT perturbation, unnest(expressions) AS e FROM read_parquet('{glob}')) WHERE e >= 0
            GROUP BY perturbation ORDER BY perturbation
            """);
        for (int r = 0; r < frame.Rows.Count; r++)
        {
            string group = (string)frame[r, 0];
            double ours = streamed.Sums.Row(streamed.IndexOf(group)).ToArray().Sum(v => (double)v);
            Assert.That(ours, Is.EqualTo(Convert.ToDouble(frame[r, 1])), group);
        }
        Assert.That(frame.Rows.Count, Is.EqualTo(streamed.Groups.Count));
    }

    [Test]
    public void Moments_and_both_HVG_flavours_equal_the_in_memory_ones_exactly()
    {
        var (collection, data) = Open(ShardLayout.ParquetWide);
        var logged = data.NormalizeTotal(1e4).Log1p();
        var options = new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true };

        var moments = collection.GeneMoments(options);
        var expectedMoments = GeneMoments.Compute(logged.X);
        Assert.That(moments.Mean, Is.EqualTo(expectedMoments.Mean));
        Assert.That(moments.Variance, Is.EqualTo(expectedMoments.Variance));

        var dispersion = collection.HighlyVariableGenes(10, HvgFlavor.Dispersion, options);
        var expectedDispersion = logged.HighlyVariableGenes(10, HvgFlavor.Dispersion).Var;
        foreach (var column in new[] { "highly_variable", "means", "dispersions", "dispersions_norm" })
            AssertSameColumn(expectedDispersion[column], dispersion[column]);

        var seurat = collection.HighlyVariableGenes(10, HvgFlavor.SeuratV3, options);
        var expectedSeurat = logged.HighlyVariableGenes(10, HvgFlavor.SeuratV3).Var; // reads the counts layer
        foreach (var column in new[] { "highly_variable", "means", "variances", "variances_norm", "highly_variable_rank" })
            AssertSameColumn(expectedSeurat[column], seurat[column]);
    }

    [Test]
    public void Wilcoxon_per_perturbation_from_the_partition_equals_the_in_memory_test_within_each_context()
    {
        var (collection, data) = Open(ShardLayout.H5ad);
        var partition = CellPartition.Write(collection, Path.Combine(Temp, "partition"), new PartitionOptions
        {
            ContextColumn = SyntheticCollection.ContextColumn,
            CellsPerFlush = 97, // several parts per group
            Stream = new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true },
        });
        var logged = data.NormalizeTotal(1e4).Log1p();
        var results = partition.DifferentialExpression(SyntheticCollection.Control).ToList();

        Assert.That(results, Has.Count.EqualTo(2 * 4));
        foreach (var context in results.GroupBy(r => r.Context))
        {
            var inContext = logged.SelectCells(Enumerable.Range(0, logged.CellCount).Select(i => logged.Obs["cell_line"].GetText(i) == context.Key).ToArray());
            var expected = inContext.DifferentialExpression(SyntheticCollection.PerturbationColumn, SyntheticCollection.Control);
            foreach (var r in context)
            {
                var e = expected.For(r.Perturbation);
                var a = r.Result.For(r.Perturbation);
                Assert.That(a.CellCount, Is.EqualTo(e.CellCount));
                Assert.That(r.Result.ReferenceCellCount, Is.EqualTo(expected.ReferenceCellCount));
                Assert.That(a.Statistic, Is.EqualTo(e.Statistic), $"{context.Key} {r.Perturbation}");
                Assert.That(a.PValue, Is.EqualTo(e.PValue));
                Assert.That(a.AdjustedPValue, Is.EqualTo(e.AdjustedPValue));
                Assert.That(a.Log2FoldChange, Is.EqualTo(e.Log2FoldChange));
                Assert.That(a.MeanGroup, Is.EqualTo(e.MeanGroup));
            }
        }
        string csv = Path.Combine(Temp, "de.csv");
        CellPartition.WriteCsv(results, csv);
        Assert.That(File.ReadLines(csv).First(), Is.EqualTo("context,group,gene,statistic,pvalue,padj,log2fc,mean_group,mean_reference"));
        Assert.That(File.ReadLines(csv).Count(), Is.EqualTo(1 + 8 * 40));
    }

    [TestCase(DifferentialExpressionMethod.Wilcoxon, FdrScope.PerGroup)]
    [TestCase(DifferentialExpressionMethod.TTest, FdrScope.Global)]
    public void Tests_in_gene_blocks_under_a_small_memory_budget_equal_the_in_memory_test(DifferentialExpressionMethod method, FdrScope fdr)
    {
        var (collection, data) = Open(ShardLayout.H5ad);
        var partition = CellPartition.Write(collection, Path.Combine(Temp, "partition"), new PartitionOptions
        {
            ContextColumn = SyntheticCollection.ContextColumn,
            CellsPerFlush = 97,
            Compression = H5adCompression.Gzip,
            Stream = new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true },
        });
        // the groups' cells come from every shard, in several parts each
        var parts = Directory.GetFiles(Path.Combine(partition.Folder, "CL00", "PERT0001"), "*.h5ad").Select(Path.GetFileName).ToArray();
        Assert.That(parts.Select(p => p![..6]).Distinct().Count(), Is.EqualTo(3));
        Assert.That(parts, Has.Length.GreaterThan(3));

        var logged = data.NormalizeTotal(1e4).Log1p();
        var options = new DifferentialExpressionOptions { Method = method, FdrScope = fdr };
        var cl00 = partition.Groups.Where(g => g.Context == "CL00").Select(g => partition.ReadGroup(g.Context, g.Perturbation).X.ToSparse()).ToList();
        long stored = cl00.Sum(x => x.StoredCount);
        long largest = Enumerable.Range(0, cl00[0].ColumnCount).Max(g => cl00.Sum(x => x.RawColumnIndices.Count(c => c == g)));
        // 1 byte: a gene per block; the rank-sum scratch and about a third of the values: three or four blocks; the default: one block
        foreach (long budget in new[] { 1, 8L * Environment.ProcessorCount * largest + 12 * stored / 3, CellPartition.DefaultMemoryBudget })
        {
            var results = partition.DifferentialExpression(SyntheticCollection.Control, options, budget).ToList();
            Assert.That(results, Has.Count.EqualTo(2 * 4));
            foreach (var context in results.GroupBy(r => r.Context))
            {
                var inContext = logged.SelectCells(Enumerable.Range(0, logged.CellCount).Select(i => logged.Obs["cell_line"].GetText(i) == context.Key).ToArray());
                var expected = inContext.DifferentialExpression(SyntheticCollection.PerturbationColumn, SyntheticCollection.Control, options);
                foreach (var r in context)
                {
                    var e = expected.For(r.Perturbation);
                    var a = r.Result.For(r.Perturbation);
                    Assert.That(a.Statistic, Is.EqualTo(e.Statistic), $"budget {budget}: {context.Key} {r.Perturbation}");
                    Assert.That(a.PValue, Is.EqualTo(e.PValue));
                    Assert.That(a.AdjustedPValue, Is.EqualTo(e.AdjustedPValue));
                    Assert.That(a.MeanGroup, Is.EqualTo(e.MeanGroup));
                    Assert.That(a.MeanReference, Is.EqualTo(e.MeanReference));
                    Assert.That(a.Log2FoldChange, Is.EqualTo(e.Log2FoldChange));
                }
            }
            var single = partition.DifferentialExpression("CL01", "PERT0002", SyntheticCollection.Control, options with { FdrScope = FdrScope.PerGroup }, budget);
            Assert.That(single.For("PERT0002").Statistic, Is.EqualTo(results.Single(r => r.Context == "CL01" && r.Perturbation == "PERT0002").Result.For("PERT0002").Statistic));
        }
        Assert.Throws<DigitalCellException>(() => partition.DifferentialExpression(SyntheticCollection.Control, options, 0).ToList());
    }

    [TestCase(H5adCompression.None)]
    [TestCase(H5adCompression.Gzip)]
    public void Partitioning_a_shard_again_gives_the_same_files_and_an_unfinished_shard_is_refused(H5adCompression compression)
    {
        var (collection, _) = Open(ShardLayout.H5ad);
        string folder = Path.Combine(Temp, "partition");
        var options = new PartitionOptions { ContextColumn = SyntheticCollection.ContextColumn, CellsPerFlush = 50, Compression = compression };
        CellPartition.Write(collection, folder, options);
        var before = Snapshot(folder);

        CellPartition.WriteShard(collection, 1, folder, options);
        Assert.That(Snapshot(folder), Is.EqualTo(before));

        // a run killed after writing some parts but before its marker: the parts must not be read as complete
        File.Delete(Path.Combine(folder, "_shards", "00001.json"));
        var error = Assert.Throws<DigitalCellException>(() => CellPartition.Open(folder));
        Assert.That(error!.Message, Does.Contain("shard 00001").And.Contain("rerun"));
        CellPartition.WriteShard(collection, 1, folder, options);
        Assert.That(Snapshot(folder), Is.EqualTo(before));
    }

    [Test]
    public void Peak_managed_memory_does_not_grow_with_the_number_of_shards()
    {
        long Peak(int shards)
        {
            string folder = Path.Combine(Temp, $"n{shards}");
            SyntheticCollection.Write(folder, new SyntheticCollectionOptions { Cells = 2_000 * shards, Genes = 400, Perturbations = 10, Shards = shards, Seed = 1 });
            var collection = CellCollection.Open(folder);
            long peak = 0;
            var probe = new SynchronousProgress(_ => peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true)));
            GC.Collect();
            long baseline = GC.GetTotalMemory(forceFullCollection: true);
            collection.Pseudobulk(ContextAndPerturbation, new CollectionAnalysisOptions { NormalizeTotal = 1e4, Log1p = true, RowsPerChunk = 512 }, shardsDone: probe);
            return peak - baseline;
        }

        long few = Peak(2), many = Peak(8);
        TestContext.Out.WriteLine($"live managed memory above baseline: 2 shards {few / 1024} KiB, 8 shards {many / 1024} KiB");
        // 4× the cells; holding cells would grow the peak ~4×; the partials and one chunk do not grow
        Assert.That(many, Is.LessThan(few * 1.5 + 256 * 1024));
    }

    private static Dictionary<string, string> Snapshot(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    private static void AssertSameColumn(AnnotationColumn expected, AnnotationColumn actual) =>
        Assert.That(Enumerable.Range(0, actual.Length).Select(actual.GetValue), Is.EqualTo(Enumerable.Range(0, expected.Length).Select(expected.GetValue)), expected.Name);

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and measure later).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
