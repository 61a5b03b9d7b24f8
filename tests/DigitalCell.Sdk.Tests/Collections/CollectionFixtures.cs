using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.IO.Parquet;

namespace DigitalCell.Sdk.Tests.Collections;

/// <summary>Synthetic shards in every layout, and the in-memory reference the collection must reproduce.</summary>
internal static class CollectionFixtures
{
    /// <summary>Writes synthetic h5ad shards, then the same cells in <paramref name="layout"/> through the existing single-file writers.</summary>
    public static string[] WriteShards(string folder, ShardLayout layout, SyntheticCollectionOptions? options = null)
    {
        options ??= new SyntheticCollectionOptions { Cells = 600, Genes = 40, Perturbations = 4, Contexts = 2, Shards = 3, Seed = 7 };
        var h5ad = SyntheticCollection.Write(Path.Combine(folder, "h5ad"), options with { Layout = ShardLayout.H5ad }).ToArray();
        if (layout == ShardLayout.H5ad) return h5ad;
        string target = Path.Combine(folder, layout.ToString());
        Directory.CreateDirectory(target);
        if (layout == ShardLayout.ParquetTahoe)
            TahoeShardWriter.WriteVocabulary(Path.Combine(target, TahoeGeneTokens.FileName), H5adFile.Read(h5ad[0]).GeneNames.ToArray());
        return h5ad.Select(p =>
        {
            var data = H5adFile.Read(p);
            string name = Path.GetFileNameWithoutExtension(p);
            switch (layout)
            {
                case ShardLayout.ParquetWide:
                    string wide = Path.Combine(target, name + ".parquet");
                    ParquetCells.WriteWide(data, wide, new ParquetCellsOptions { CellsPerRowGroup = 64 });
                    return wide;
                case ShardLayout.ParquetLong:
                    string longPath = Path.Combine(target, name + ".long.parquet");
                    ParquetCells.WriteLong(data, longPath, new ParquetCellsOptions { CellsPerRowGroup = 64 });
                    return longPath;
                default:
                    string tahoe = Path.Combine(target, name + ".parquet");
                    TahoeShardWriter.Write(data, tahoe);
                    return tahoe;
            }
        }).ToArray();
    }

    /// <summary>The shards read whole by the single-file reader and stacked: the reference for the collection.</summary>
    public static CellDataset Concatenated(IEnumerable<string> h5adShards)
    {
        var parts = h5adShards.Select(p => H5adFile.Read(p)).ToList();
        var genes = parts[0].GeneNames.ToArray();
        int rows = parts.Sum(p => p.CellCount);
        var indptr = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        foreach (var part in parts)
        {
            var x = part.X.ToSparse();
            for (int r = 0; r < x.RowCount; r++)
            {
                indices.AddRange(x.RowIndices(r).ToArray());
                values.AddRange(x.RowValues(r).ToArray());
                indptr.Add(indices.Count);
            }
        }
        var labels = (string column) => parts.SelectMany(p => Enumerable.Range(0, p.CellCount).Select(i => (string?)p.Obs[column].GetText(i))).ToArray();
        var obs = new AnnotationTable("obs", parts.SelectMany(p => p.CellNames).ToArray(),
            [CategoricalColumn.FromLabels(SyntheticCollection.ContextColumn, labels(SyntheticCollection.ContextColumn)),
             CategoricalColumn.FromLabels(SyntheticCollection.PerturbationColumn, labels(SyntheticCollection.PerturbationColumn))]);
        return new CellDataset(new SparseCellMatrix(rows, genes.Length, indptr.ToArray(), indices.ToArray(), values.ToArray()), obs,
            new AnnotationTable("var", genes));
    }

    public static void AssertSameMatrix(CellMatrix expected, CellMatrix actual)
    {
        Assert.That(actual.RowCount, Is.EqualTo(expected.RowCount), "rows");
        Assert.That(actual.ColumnCount, Is.EqualTo(expected.ColumnCount), "columns");
        var e = new float[expected.ColumnCount];
        var a = new float[actual.ColumnCount];
        for (int r = 0; r < expected.RowCount; r++)
        {
            expected.CopyRow(r, e);
            actual.CopyRow(r, a);
            Assert.That(a, Is.EqualTo(e), $"row {r}");
        }
    }
}
