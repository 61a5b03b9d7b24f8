using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.Parquet;
using DigitalCell.Sdk.IO.TenX;
using DigitalCell.Sdk.Tests.TestSupport;
using Parquet;
using Parquet.Schema;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.IO;

public class ParquetCellsTests : TempDirectoryTest
{
    /// <summary>The real 10x cells with obs columns of every kind (values derived from the counts so they differ per cell).</summary>
    private static CellDataset RealCellsWithAnnotations()
    {
        var data = TenXMatrix.Read(SharedData.File("tenx-v3-small"));
        int n = data.CellCount;
        var totals = new double[n];
        for (int c = 0; c < n; c++) totals[c] = data.X.ToSparse().RowValues(c).ToArray().Sum();
        var groups = Enumerable.Range(0, n).Select(c => c % 3 == 0 ? "control" : c % 3 == 1 ? "TP53" : null).ToArray();
        return data.WithObs(new AnnotationTable("obs", data.CellNames.ToArray(),
        [
            // Categories deliberately not sorted, to check their order survives.
            new CategoricalColumn("perturbation", groups.Select(g => g switch { "TP53" => 0, "control" => 1, _ => -1 }).ToArray(), ["TP53", "control"]),
            new NumericColumn<double>("total_counts", totals, totals.Select(t => t < 50).ToArray()),
            new NumericColumn<long>("n_genes", Enumerable.Range(0, n).Select(c => (long)data.X.ToSparse().RowIndices(c).Length).ToArray()),
            new BooleanColumn("high", totals.Select(t => t > 2000).ToArray()),
            new StringColumn("note", Enumerable.Range(0, n).Select(c => c % 7 == 0 ? null : $"cell {c}").ToArray()),
        ]));
    }

    [Test]
    public void WideRoundTripOfRealCellsKeepsXNamesAndObsColumns()
    {
        var data = RealCellsWithAnnotations();
        string path = Path.Combine(Temp, "cells.parquet");
        ParquetCells.WriteWide(data, path, new ParquetCellsOptions { CellsPerRowGroup = 100 });

        Assert.That(RowGroupCount(path), Is.EqualTo((data.CellCount + 99) / 100));
        var back = ParquetCells.ReadWide(path);
        TenXTests.AssertSameMatrix(back.X, data.X);
        Assert.That(back.CellNames, Is.EqualTo(data.CellNames));
        Assert.That(back.GeneNames, Is.EqualTo(data.GeneNames));
        Assert.That(back.Obs.ColumnNames, Is.EqualTo(data.Obs.ColumnNames));
        var perturbation = back.Obs.Categorical("perturbation");
        Assert.That(perturbation.Categories, Is.EqualTo(new[] { "TP53", "control" }));
        Assert.That(perturbation.Codes.ToArray(), Is.EqualTo(data.Obs.Categorical("perturbation").Codes.ToArray()));
        var totals = (NumericColumn<double>)back.Obs["total_counts"];
        Assert.That(totals.Missing, Is.EqualTo(((NumericColumn<double>)data.Obs["total_counts"]).Missing));
        Assert.That(totals.ToDoubles(), Is.EqualTo(((NumericColumn<double>)data.Obs["total_counts"]).ToDoubles()));
        Assert.That(((NumericColumn<long>)back.Obs["n_genes"]).Values.ToArray(), Is.EqualTo(((NumericColumn<long>)data.Obs["n_genes"]).Values.ToArray()));
        Assert.That(((BooleanColumn)back.Obs["high"]).Values.ToArray(), Is.EqualTo(((BooleanColumn)data.Obs["high"]).Values.ToArray()));
        Assert.That(((StringColumn)back.Obs["note"]).Values, Is.EqualTo(((StringColumn)data.Obs["note"]).Values));
    }

    [Test]
    public void WideFileHasTheDocumentedColumnsAndValues()
    {
        var x = DenseCellMatrix.From(new float[,] { { 0, 2.5f }, { 7, 0 } });
        var data = CellDataset.FromMatrix(x, ["AAA-1", "CCC-1"], ["TP53", "MYC"])
            .WithObs(new AnnotationTable("obs", ["AAA-1", "CCC-1"], [CategoricalColumn.FromLabels("perturbation", ["control", "TP53"])]));
        string path = Path.Combine(Temp, "small.parquet");
        data.Write(path);

        var (names, columns) = ReadRaw(path);
        Assert.That(names, Is.EqualTo(new[] { "cell", "perturbation", "TP53", "MYC" }));
        Assert.That(columns[0], Is.EqualTo(new object[] { "AAA-1", "CCC-1" }));
        Assert.That(columns[1], Is.EqualTo(new object[] { "control", "TP53" }));
        Assert.That(columns[2], Is.EqualTo(new object[] { 0f, 7f }));
        Assert.That(columns[3], Is.EqualTo(new object[] { 2.5f, 0f }));
    }

    [Test]
    public void LongRoundTripOfRealCellsStreamsRowGroups()
    {
        var data = TenXMatrix.Read(SharedData.File("tenx-v3-small"));
        string path = Path.Combine(Temp, "cells.long.parquet");
        ParquetCells.WriteLong(data, path, new ParquetCellsOptions { CellsPerRowGroup = 250 });

        Assert.That(RowGroupCount(path), Is.EqualTo(5));
        var (names, columns) = ReadRaw(path);
        Assert.That(names, Is.EqualTo(new[] { "cell", "gene", "value" }));
        Assert.That(columns[0], Has.Length.EqualTo(data.X.StoredCount), "one row per non-zero value");
        var back = CellDataset.Read(path);
        TenXTests.AssertSameMatrix(back.X, data.X);
        Assert.That(back.CellNames, Is.EqualTo(data.CellNames));
        Assert.That(back.GeneNames, Is.EqualTo(data.GeneNames), "all-zero genes survive through the footer's gene list");
    }

    [Test]
    public void LongFileWithoutFooterTakesNamesInOrderOfAppearanceAndSumsRepeats()
    {
        string path = Path.Combine(Temp, "hand.long.parquet");
        WriteRaw(path, null,
            (new DataField<string>("cell"), new[] { "b", "a", "b", "b" }),
            (new DataField<string>("gene"), new[] { "G2", "G1", "G1", "G2" }),
            (new DataField<double>("value"), new[] { 1.0, 2.0, 3.0, 0.5 }));
        var data = ParquetCells.ReadLong(path);
        Assert.That(data.CellNames, Is.EqualTo(new[] { "b", "a" }));
        Assert.That(data.GeneNames, Is.EqualTo(new[] { "G2", "G1" }));
        Assert.That(data.X.ToDense().Values.ToArray(), Is.EqualTo(new[] { 1.5f, 3f, 0f, 2f }));
    }

    [Test]
    public void WideFileFromAnotherToolTreatsFloatColumnsAsGenes()
    {
        string path = Path.Combine(Temp, "pandas.parquet");
        WriteRaw(path, null,
            (new DataField<string>("cell"), new[] { "c1", "c2" }),
            (new DataField<string>("perturbation"), new[] { "control", "KO" }),
            (new DataField<int>("batch"), new[] { 1, 2 }),
            (new DataField<double?>("GAPDH"), new double?[] { 3, 0 }),
            (new DataField<float>("ACTB"), new[] { 0f, 1.25f }));
        var data = ParquetCells.ReadWide(path);
        Assert.That(data.GeneNames, Is.EqualTo(new[] { "GAPDH", "ACTB" }));
        Assert.That(data.Obs.ColumnNames, Is.EqualTo(new[] { "perturbation", "batch" }));
        Assert.That(data.Obs["batch"].TypeName, Is.EqualTo("int32"));
        Assert.That(data.X.ToDense().Values.ToArray(), Is.EqualTo(new[] { 3f, 0f, 0f, 1.25f }));
    }

    [Test]
    public void MissingCellColumnIsAnErrorListingTheColumns()
    {
        string path = Path.Combine(Temp, "nocell.parquet");
        WriteRaw(path, null, (new DataField<string>("barcode"), new[] { "c1" }), (new DataField<float>("G1"), new[] { 1f }));
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadWide(path))!;
        Assert.That(e.Message, Does.Contain("nocell.parquet").And.Contain("no 'cell' column").And.Contain("barcode, G1"));
        e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadLong(path))!;
        Assert.That(e.Message, Does.Contain("no 'cell' column").And.Contain("long"));
    }

    [Test]
    public void UnknownGeneIsAnErrorNamingRowGroupAndRow()
    {
        string path = Path.Combine(Temp, "cells.long.parquet");
        WriteRaw(path, null,
            (new DataField<string>("cell"), new[] { "c1", "c1" }),
            (new DataField<string>("gene"), new[] { "G1", "NOPE" }),
            (new DataField<float>("value"), new[] { 1f, 2f }));
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadLong(path, genes: ["G1", "G2"]))!;
        Assert.That(e.Message, Does.Contain("row group 0, row 1").And.Contain("gene 'NOPE' is not among the 2 genes"));
    }

    [Test]
    public void UnknownGeneAgainstTheFootersGeneListIsAnError()
    {
        string path = Path.Combine(Temp, "cells.long.parquet");
        WriteRaw(path, new() { ["digitalcell.genes"] = "[\"G1\"]" },
            (new DataField<string>("cell"), new[] { "c1" }),
            (new DataField<string>("gene"), new[] { "G9" }),
            (new DataField<float>("value"), new[] { 1f }));
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadLong(path))!;
        Assert.That(e.Message, Does.Contain("gene 'G9' is not among the 1 genes the file declares"));
    }

    [Test]
    public void WrongValueTypeIsAnError()
    {
        string path = Path.Combine(Temp, "cells.long.parquet");
        WriteRaw(path, null,
            (new DataField<string>("cell"), new[] { "c1" }),
            (new DataField<string>("gene"), new[] { "G1" }),
            (new DataField<string>("value"), new[] { "high" }));
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadLong(path))!;
        Assert.That(e.Message, Does.Contain("column 'value'").And.Contain("expected numbers"));
    }

    [Test]
    public void DeclaredGeneColumnOfTextIsAnError()
    {
        string path = Path.Combine(Temp, "cells.parquet");
        WriteRaw(path, new() { ["digitalcell.obs_columns"] = "[]" },
            (new DataField<string>("cell"), new[] { "c1" }),
            (new DataField<string>("G1"), new[] { "3" }));
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadWide(path))!;
        Assert.That(e.Message, Does.Contain("column 'G1'").And.Contain("has type string").And.Contain("expected numbers"));
    }

    [Test]
    public void NullExpressionValueIsAnError()
    {
        string path = Path.Combine(Temp, "cells.parquet");
        WriteRaw(path, null, (new DataField<string>("cell"), new[] { "c1", "c2" }), (new DataField<float?>("G1"), new float?[] { 1f, null }));
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.ReadWide(path))!;
        Assert.That(e.Message, Does.Contain("column 'G1', row group 0, row 1").And.Contain("null"));
    }

    [Test]
    public void NotAParquetFileIsAnError()
    {
        string path = Path.Combine(Temp, "fake.parquet");
        File.WriteAllText(path, "cell,gene\n");
        var e = Assert.Throws<DigitalCellException>(() => CellDataset.Read(path))!;
        Assert.That(e.Message, Does.Contain("fake.parquet").And.Contain("not a readable Parquet file"));
    }

    [Test]
    public void GeneNamedLikeTheCellColumnCannotBeWrittenWide()
    {
        var data = CellDataset.FromMatrix(DenseCellMatrix.Zeros(1, 2), ["c"], ["cell", "G"]);
        var e = Assert.Throws<DigitalCellException>(() => ParquetCells.WriteWide(data, Path.Combine(Temp, "x.parquet")))!;
        Assert.That(e.Message, Does.Contain("the gene 'cell'"));
        Assert.That(File.Exists(Path.Combine(Temp, "x.parquet")), Is.False);
    }

    private static int RowGroupCount(string path) => Task.Run(async () =>
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        return reader.RowGroupCount;
    }).GetAwaiter().GetResult();

    /// <summary>Reads every column of every row group with Parquet.Net directly (independent of ParquetCells' reader).</summary>
    private static (string[] Names, object?[][] Columns) ReadRaw(string path) => Task.Run(async () =>
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.DataFields;
        var columns = fields.Select(_ => new List<object?>()).ToArray();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            int n = (int)rowGroup.RowCount;
            for (int f = 0; f < fields.Length; f++)
            {
                if (fields[f].ClrType == typeof(ReadOnlyMemory<char>) || fields[f].ClrType == typeof(string))
                {
                    var values = new string?[n];
                    await rowGroup.ReadAsync(fields[f], values.AsMemory());
                    columns[f].AddRange(values);
                }
                else
                {
                    Assert.That(fields[f].ClrType, Is.EqualTo(typeof(float)), fields[f].Name);
                    var values = new float[n];
                    await rowGroup.ReadAsync(fields[f], values.AsMemory());
                    columns[f].AddRange(values.Cast<object?>());
                }
            }
        }
        return (fields.Select(f => f.Name).ToArray(), columns.Select(c => c.ToArray()).ToArray());
    }).GetAwaiter().GetResult();

    /// <summary>Writes one row group with Parquet.Net directly, as another tool would.</summary>
    private static void WriteRaw(string path, Dictionary<string, string>? metadata, params (DataField Field, Array Values)[] columns) => Task.Run(async () =>
    {
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray()), stream);
        if (metadata is not null) writer.CustomMetadata = metadata;
        using var rowGroup = writer.CreateRowGroup();
        foreach (var (field, values) in columns)
        {
            switch (values)
            {
                case string[] v: await rowGroup.WriteAsync(field, v); break;
                case float[] v: await rowGroup.WriteAsync(field, (ReadOnlyMemory<float>)v); break;
                case float?[] v: await rowGroup.WriteAsync(field, (ReadOnlyMemory<float?>)v); break;
                case double[] v: await rowGroup.WriteAsync(field, (ReadOnlyMemory<double>)v); break;
                case double?[] v: await rowGroup.WriteAsync(field, (ReadOnlyMemory<double?>)v); break;
                case int[] v: await rowGroup.WriteAsync(field, (ReadOnlyMemory<int>)v); break;
                default: throw new ArgumentException(values.GetType().Name);
            }
        }
    }).GetAwaiter().GetResult();
}
