using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Statistics;
using DigitalCell.Sdk.Tests.TestSupport;
using Parquet;
using Parquet.Schema;

namespace DigitalCell.Sdk.Tests.Collections;

public sealed class CellCollectionTests : TempDirectoryTest
{
    [TestCase(ShardLayout.H5ad)]
    [TestCase(ShardLayout.ParquetWide)]
    [TestCase(ShardLayout.ParquetLong)]
    [TestCase(ShardLayout.ParquetTahoe)]
    public void Every_layout_reads_the_same_cells_as_the_single_file_reader(ShardLayout layout)
    {
        var shards = CollectionFixtures.WriteShards(Temp, layout);
        var expected = CollectionFixtures.Concatenated(Directory.GetFiles(Path.Combine(Temp, "h5ad")).Order(StringComparer.Ordinal));

        var collection = CellCollection.Open(Path.GetDirectoryName(shards[0])!);

        Assert.That(collection.Shards.Select(s => s.Layout), Is.All.EqualTo(layout));
        Assert.That(collection.CellCount, Is.EqualTo(expected.CellCount));
        Assert.That(collection.GeneNames, Is.EqualTo(expected.GeneNames));
        var all = collection.ReadCells(CellSelection.All(collection));
        CollectionFixtures.AssertSameMatrix(expected.X, all.X);
        Assert.That(all.CellNames, Is.EqualTo(expected.CellNames));
        if (layout == ShardLayout.ParquetLong) return; // the long layout stores no obs columns
        foreach (var column in new[] { SyntheticCollection.ContextColumn, SyntheticCollection.PerturbationColumn })
            Assert.That(Enumerable.Range(0, all.CellCount).Select(i => all.Obs[column].GetText(i)),
                Is.EqualTo(Enumerable.Range(0, expected.CellCount).Select(i => expected.Obs[column].GetText(i))), column);
    }

    [Test]
    public void Chunks_have_the_requested_size_across_shard_boundaries_so_moments_equal_the_in_memory_ones_exactly()
    {
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.ParquetTahoe);
        var expected = CollectionFixtures.Concatenated(Directory.GetFiles(Path.Combine(Temp, "h5ad")).Order(StringComparer.Ordinal));
        var collection = CellCollection.Open(Path.GetDirectoryName(shards[0])!);

        var sizes = collection.Matrix().ReadChunks(250).Select(c => (c.Start, c.Rows.RowCount)).ToArray();
        Assert.That(sizes, Is.EqualTo(new[] { (0, 250), (250, 250), (500, 100) }));

        var fromShards = GeneMoments.Compute(collection.Matrix());
        var inMemory = GeneMoments.Compute(expected.X);
        Assert.That(fromShards.Mean, Is.EqualTo(inMemory.Mean));
        Assert.That(fromShards.Variance, Is.EqualTo(inMemory.Variance));
    }

    [Test]
    public void Union_fills_genes_a_shard_lacks_with_zeros_and_intersection_keeps_the_shared_ones()
    {
        var (data, folder) = SourceAndFolder(cells: 40, genes: 6, seed: 3, "mixed");
        // shard a: genes 0..3; shard b: genes 5, 2, 4 (another order, two new genes)
        var a = data.SelectCells(Enumerable.Range(0, 20).ToArray()).SelectGenes([0, 1, 2, 3]);
        var b = data.SelectCells(Enumerable.Range(20, 20).ToArray()).SelectGenes([5, 2, 4]);
        H5adFile.Write(a, Path.Combine(folder, "a.h5ad"));
        H5adFile.Write(b, Path.Combine(folder, "b.h5ad"));

        var union = CellCollection.Open(folder);
        Assert.That(union.GeneNames, Is.EqualTo(new[] { "GENE00000", "GENE00001", "GENE00002", "GENE00003", "GENE00005", "GENE00004" }));
        var cells = union.ReadCells(CellSelection.All(union));
        for (int r = 0; r < 40; r++)
            for (int j = 0; j < 6; j++)
            {
                string gene = union.GeneNames[j];
                var source = r < 20 ? a : b;
                int local = source.Var.Index.ToList().IndexOf(gene);
                float expected = local < 0 ? 0f : source.X[r % 20, local];
                Assert.That(cells.X[r, j], Is.EqualTo(expected), $"cell {r}, {gene}");
            }

        var intersection = CellCollection.Open(folder, new CellCollectionOptions { GeneSpace = GeneSpace.Intersection });
        Assert.That(intersection.GeneNames, Is.EqualTo(new[] { "GENE00002" }));
        var shared = intersection.ReadCells(CellSelection.All(intersection));
        Assert.That(Enumerable.Range(0, 40).Select(r => shared.X[r, 0]),
            Is.EqualTo(Enumerable.Range(0, 40).Select(r => data.X[r, 2])));
    }

    [Test]
    public void Shards_with_the_same_genes_share_one_list_of_names_and_still_read_their_own_cells()
    {
        var (data, folder) = SourceAndFolder(cells: 60, genes: 5, seed: 4, "shared");
        H5adFile.Write(data.SelectCells(Enumerable.Range(0, 20).ToArray()), Path.Combine(folder, "a.h5ad"));
        H5adFile.Write(data.SelectCells(Enumerable.Range(20, 20).ToArray()).SelectGenes([4, 3, 2, 1, 0]), Path.Combine(folder, "b.h5ad"));
        H5adFile.Write(data.SelectCells(Enumerable.Range(40, 20).ToArray()), Path.Combine(folder, "c.h5ad"));

        var collection = CellCollection.Open(folder);
        Assert.That(collection.Shards[2].GeneNames, Is.SameAs(collection.Shards[0].GeneNames), "equal lists: one copy");
        Assert.That(collection.Shards[1].GeneNames, Is.Not.SameAs(collection.Shards[0].GeneNames), "another order is another list");
        CollectionFixtures.AssertSameMatrix(data.X, collection.ReadCells(CellSelection.All(collection)).X);
    }

    /// <summary>A simulated data set to cut shards from, and an empty folder for them.</summary>
    private (CellDataset Data, string Folder) SourceAndFolder(int cells, int genes, int seed, string folderName)
    {
        var data = H5adFile.Read(SyntheticCollection.Write(Path.Combine(Temp, "src"),
            new SyntheticCollectionOptions { Cells = cells, Genes = genes, Perturbations = 2, Shards = 1, Seed = seed })[0]);
        string folder = Path.Combine(Temp, folderName);
        Directory.CreateDirectory(folder);
        return (data, folder);
    }

    [Test]
    public void Tahoe_token_lists_out_of_vocabulary_order_are_sorted_into_gene_order()
    {
        // the vocabulary lists its tokens in reverse, so every cell's ascending token list is descending in gene order
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.ParquetTahoe);
        string folder = Path.GetDirectoryName(shards[0])!;
        var expected = CollectionFixtures.Concatenated(Directory.GetFiles(Path.Combine(Temp, "h5ad")).Order(StringComparer.Ordinal));
        int p = expected.GeneCount;
        var reversed = Enumerable.Range(0, p).Reverse().ToArray();
        var token = new DataField<long>("token_id");
        var symbol = new DataField<string>("gene_symbol");
        Task.Run(async () =>
        {
            await using var stream = File.Create(Path.Combine(folder, TahoeGeneTokens.FileName));
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(token, symbol), stream);
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync(token, (ReadOnlyMemory<long>)reversed.Select(j => j + 2L).ToArray());
            await rowGroup.WriteAsync(symbol, reversed.Select(j => expected.GeneNames[j]).ToArray());
        }).GetAwaiter().GetResult();

        var collection = CellCollection.Open(folder);

        Assert.That(collection.GeneNames, Is.EqualTo(reversed.Select(j => expected.GeneNames[j])));
        CollectionFixtures.AssertSameMatrix(expected.SelectGenes(reversed).X, collection.ReadCells(CellSelection.All(collection)).X);
    }

    [Test]
    public void Reading_obs_does_not_read_X()
    {
        // a Tahoe shard whose expression lists name a token missing from the vocabulary: X cannot be read, obs can
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.ParquetTahoe);
        string folder = Path.GetDirectoryName(shards[0])!;
        var genes = H5adFile.Read(Directory.GetFiles(Path.Combine(Temp, "h5ad"))[0]).GeneNames.ToArray();
        TahoeShardWriter.WriteVocabulary(Path.Combine(folder, TahoeGeneTokens.FileName), genes[..^1]);
        var collection = CellCollection.Open(folder);

        var obs = collection.ReadObs();
        Assert.That(obs.RowCount, Is.EqualTo(600));
        Assert.That(obs.ColumnNames, Does.Contain(SyntheticCollection.PerturbationColumn));
        var error = Assert.Throws<DigitalCellException>(() => collection.Matrix().ReadChunks().ToList());
        Assert.That(error!.Message, Does.Contain("is not in").And.Contain(TahoeGeneTokens.FileName));
    }

    [Test]
    public void A_selection_streams_only_the_selected_cells()
    {
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.H5ad);
        var expected = CollectionFixtures.Concatenated(shards);
        var collection = CellCollection.Open(Path.Combine(Temp, "h5ad", "part-*.h5ad"));
        int[] picked = [3, 199, 200, 201, 450, 599];
        var selection = CellSelection.FromRows(collection, picked.Select(i => (i / 200, i % 200)));

        var selected = collection.ReadCells(selection);
        CollectionFixtures.AssertSameMatrix(expected.X.SelectRows(picked), selected.X);
        Assert.That(selected.CellNames, Is.EqualTo(picked.Select(i => expected.CellNames[i])));
        Assert.That(collection.Matrix(selection).ReadChunks(4).Select(c => c.Rows.RowCount), Is.EqualTo(new[] { 4, 2 }));
    }

    [Test]
    public void A_manifest_lists_shards_relative_to_itself_in_its_own_order()
    {
        CollectionFixtures.WriteShards(Temp, ShardLayout.H5ad);
        string manifest = Path.Combine(Temp, "collection.json");
        File.WriteAllText(manifest, """{"shards": ["h5ad/part-00002.h5ad", "h5ad/part-00000.h5ad"]}""");
        var collection = CellCollection.Open(manifest);
        Assert.That(collection.Shards.Select(s => s.Name), Is.EqualTo(new[] { "part-00002.h5ad", "part-00000.h5ad" }));
        Assert.That(collection.CellCount, Is.EqualTo(400));

        string listing = Path.Combine(Temp, "collection.txt");
        File.WriteAllText(listing, "# shards\nh5ad/part-00001.h5ad\n");
        Assert.That(CellCollection.Open(listing).CellCount, Is.EqualTo(200));
    }

    [Test]
    public void Errors_name_what_is_wrong()
    {
        Assert.That(Assert.Throws<DigitalCellException>(() => CellCollection.Open(Path.Combine(Temp, "nothing-*.h5ad")))!.Message,
            Does.Contain("matches no"));
        File.WriteAllText(Path.Combine(Temp, "bad.json"), """{"shard": []}""");
        Assert.That(Assert.Throws<DigitalCellException>(() => CellCollection.Open(Path.Combine(Temp, "bad.json")))!.Message,
            Does.Contain("\"shards\" array"));
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.ParquetTahoe);
        File.Delete(Path.Combine(Path.GetDirectoryName(shards[0])!, TahoeGeneTokens.FileName));
        Assert.That(Assert.Throws<DigitalCellException>(() => CellCollection.Open(shards[0]))!.Message,
            Does.Contain("gene_metadata.parquet").And.Contain("--gene-metadata"));
    }
}
