using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Query;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Collections;

public sealed class CollectionQueryTests : TempDirectoryTest
{
    [TestCase(ShardLayout.H5ad)]
    [TestCase(ShardLayout.ParquetTahoe)]
    public void Group_by_counts_match_the_obs_counted_in_memory(ShardLayout layout)
    {
        var shards = CollectionFixtures.WriteShards(Temp, layout);
        var collection = CellCollection.Open(Path.GetDirectoryName(shards[0])!);
        var obs = collection.ReadObs();
        var expected = Enumerable.Range(0, obs.RowCount)
            .GroupBy(i => (obs["perturbation"].GetText(i), obs["cell_line"].GetText(i)))
            .OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Item1}|{g.Key.Item2}|{g.Count()}").ToArray();

        var frame = collection.Query("SELECT perturbation, cell_line, count(*) AS cells FROM obs GROUP BY ALL ORDER BY perturbation, cell_line");

        Assert.That(frame.Columns.Select(c => c.Name), Is.EqualTo(new[] { "perturbation", "cell_line", "cells" }));
        Assert.That(Enumerable.Range(0, (int)frame.Rows.Count).Select(r => $"{frame[r, 0]}|{frame[r, 1]}|{frame[r, 2]}"), Is.EqualTo(expected));
    }

    [Test]
    public void A_predicate_selects_the_cells_that_stream()
    {
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.H5ad);
        var expected = CollectionFixtures.Concatenated(shards);
        var collection = CellCollection.Open(Path.Combine(Temp, "h5ad"));
        var rows = Enumerable.Range(0, expected.CellCount)
            .Where(i => expected.Obs["perturbation"].GetText(i) == "control" && expected.Obs["cell_line"].GetText(i) == "CL01").ToArray();

        using var metadata = new CollectionMetadata(collection);
        var selection = metadata.SelectCells("perturbation = 'control' AND cell_line = 'CL01'");
        var positions = metadata.Query("SELECT shard, \"row\", cell FROM obs WHERE \"row\" = 5 ORDER BY shard_index");

        Assert.That(selection.Count, Is.EqualTo(rows.Length));
        CollectionFixtures.AssertSameMatrix(expected.X.SelectRows(rows), collection.ReadCells(selection).X);
        Assert.That(positions.Rows.Count, Is.EqualTo(3));
        Assert.That(positions[1, 0], Is.EqualTo("part-00001.h5ad"));
        Assert.That(positions[1, 2], Is.EqualTo(expected.CellNames[205]));
    }

    [Test]
    public void A_bad_query_is_one_error_naming_the_collection()
    {
        var shards = CollectionFixtures.WriteShards(Temp, ShardLayout.H5ad);
        var collection = CellCollection.Open(Path.Combine(Temp, "h5ad"));
        var error = Assert.Throws<DigitalCellException>(() => collection.Query("SELECT no_such_column FROM obs"));
        Assert.That(error!.Message, Does.Contain("query failed").And.Contain("no_such_column").And.Contain(collection.Location));
        Assert.That(shards, Has.Length.EqualTo(3));
    }
}
