namespace DigitalCell.Sdk.Tests.IO.H5ad;

using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

/// <summary>Files we write are read by Python anndata 0.8 with identical values, plain and gzip-compressed.</summary>
[TestFixture]
public class H5adToAnndataTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("dcell-h5ad-write-").FullName;

    [TearDown]
    public void Clean() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small dataset using every kind of element the writer supports.</summary>
    internal static CellDataset Everything()
    {
        var rng = new Random(11);
        int cells = 23, genes = 9;
        var dense = new float[cells, genes];
        for (int r = 0; r < cells; r++)
            for (int c = 0; c < genes; c++)
                dense[r, c] = rng.NextDouble() < 0.4 ? MathF.Round((float)rng.NextDouble() * 50, 3) : 0f;
        var x = DenseCellMatrix.From(dense).ToSparse();
        string[] pert = ["control", "KO_A", "KO_B", "KO_A+KO_B"];
        var obs = new AnnotationTable("obs", Enumerable.Range(0, cells).Select(i => $"cell_{i}_ü").ToArray(),
        [
            CategoricalColumn.FromLabels("perturbation", Enumerable.Range(0, cells).Select(i => pert[i % 4]).ToArray()),
            new CategoricalColumn("dose", Enumerable.Range(0, cells).Select(i => i % 4 - 1).ToArray(), ["low", "mid", "high"], ordered: true),
            new StringColumn("barcode", Enumerable.Range(0, cells).Select(i => $"BC{i}").ToArray()),
            new NumericColumn<double>("n_counts", Enumerable.Range(0, cells).Select(i => i * 1.5 + 0.1).ToArray()),
            new NumericColumn<float>("pct_mito", Enumerable.Range(0, cells).Select(i => i / 7f).ToArray()),
            new NumericColumn<long>("n_genes", Enumerable.Range(0, cells).Select(i => (long)i * 1_000_000_007).ToArray()),
            new NumericColumn<int>("i32", Enumerable.Range(0, cells).Select(i => -i).ToArray()),
            new NumericColumn<sbyte>("i8", Enumerable.Range(0, cells).Select(i => (sbyte)(i - 10)).ToArray()),
            new NumericColumn<byte>("u8", Enumerable.Range(0, cells).Select(i => (byte)(i * 5)).ToArray()),
            new BooleanColumn("is_control", Enumerable.Range(0, cells).Select(i => i % 4 == 0).ToArray()),
            new NumericColumn<long>("nullable_int", Enumerable.Range(0, cells).Select(i => (long)i).ToArray(), Enumerable.Range(0, cells).Select(i => i % 3 == 0).ToArray()),
            new BooleanColumn("nullable_bool", Enumerable.Range(0, cells).Select(i => i % 2 == 0).ToArray(), Enumerable.Range(0, cells).Select(i => i % 5 == 0).ToArray()),
        ]);
        var var = new AnnotationTable("var", Enumerable.Range(0, genes).Select(j => $"GENE{j}").ToArray(),
        [
            new BooleanColumn("highly_variable", Enumerable.Range(0, genes).Select(j => j % 2 == 1).ToArray()),
            new NumericColumn<double>("means", Enumerable.Range(0, genes).Select(j => Math.PI * j).ToArray()),
        ], indexName: "gene_symbol");
        var pca = new float[cells * 3];
        for (int i = 0; i < pca.Length; i++) pca[i] = (float)rng.NextDouble() - 0.5f;
        var loadings = new float[genes * 3];
        for (int i = 0; i < loadings.Length; i++) loadings[i] = (float)rng.NextDouble();
        var graph = SparseCellMatrix.FromCsc(cells, cells,
            [.. Enumerable.Range(0, cells + 1).Select(i => Math.Min(i, cells - 1))], [.. Enumerable.Range(0, cells - 1).Select(i => (i + 1) % cells)], [.. Enumerable.Range(0, cells - 1).Select(i => 0.5f + i)]);
        var uns = new Dictionary<string, object>
        {
            ["title"] = "written by DigitalCell.Sdk — ünïcode",
            ["n_top"] = 2000L,
            ["fraction"] = 0.25,
            ["log1p"] = true,
            ["colors"] = new[] { "#1f77b4", "#ff7f0e" },
            ["variance"] = new[] { 3.5, 2.25, 1.125 },
            ["neighbors"] = new Dictionary<string, object>
            {
                ["params"] = new Dictionary<string, object> { ["n_neighbors"] = 15L, ["method"] = "umap", ["ids"] = new[] { 1, 2, 3 } },
            },
        };
        return new CellDataset(x, obs, var,
            layers: new Dictionary<string, CellMatrix> { ["counts"] = x.MapStored(v => MathF.Round(v)), ["dense"] = x.ToDense() },
            obsm: new Dictionary<string, DenseCellMatrix> { ["X_pca"] = new(cells, 3, pca) },
            varm: new Dictionary<string, DenseCellMatrix> { ["PCs"] = new(genes, 3, loadings) },
            obsp: new Dictionary<string, CellMatrix> { ["connectivities"] = graph },
            uns: uns);
    }

    [TestCase(H5adCompression.None)]
    [TestCase(H5adCompression.Gzip)]
    public void AnndataReadsWhatWeWrite(H5adCompression compression)
    {
        AnndataPeer.RequireAnndata();
        var data = Everything();
        string path = Path.Combine(_dir, "ours.h5ad");
        H5adFile.Write(data, path, new H5adWriteOptions { Compression = compression });
        var theirs = AnndataPeer.Read(path);
        AnndataPeer.AssertSame(data, theirs);
        Assert.That((string)theirs.Json["var"]!["index"]![0]!, Is.EqualTo("GENE0"));
        AnndataPeer.AssertSame(H5adFile.Read(path), theirs);
    }

    [TestCase(H5adCompression.None)]
    [TestCase(H5adCompression.Gzip)]
    public void A_gene_major_X_is_a_csc_matrix_to_anndata_and_reads_by_gene_block(H5adCompression compression)
    {
        AnndataPeer.RequireAnndata();
        var data = Everything();
        string path = Path.Combine(_dir, "csc.h5ad");
        H5adFile.Write(data, path, new H5adWriteOptions { Compression = compression, GeneMajor = true });
        var theirs = AnndataPeer.Read(path);
        Assert.That((string)theirs.Json["matrices"]!["X"]!["format"]!, Is.EqualTo("csc"));
        AnndataPeer.AssertSame(data, theirs);
        AnndataPeer.AssertSame(H5adFile.Read(path), theirs);

        // genes 2..7 of every cell, from the file: each gene's non-zeros in cell order
        var x = data.X.ToSparse();
        using var matrix = GeneMajorMatrix.Open(path, "n/a");
        Assert.That((matrix.CellCount, matrix.GeneCount), Is.EqualTo((data.CellCount, data.GeneCount)));
        var (offsets, values) = matrix.ReadGenes(2, 7);
        for (int g = 2; g < 7; g++)
        {
            var expected = Enumerable.Range(0, x.RowCount).Select(r => x[r, g]).Where(v => v != 0f).ToArray();
            Assert.That(values[offsets[g - 2]..offsets[g - 1]], Is.EqualTo(expected), $"gene {g}");
        }
        var counts = new long[data.GeneCount];
        matrix.AddStoredPerGene(counts);
        Assert.That(counts, Is.EqualTo(Enumerable.Range(0, data.GeneCount).Select(g => (long)Enumerable.Range(0, x.RowCount).Count(r => x[r, g] != 0f))));
        Assert.Throws<DigitalCellException>(() => matrix.ReadGenes(3, data.GeneCount + 1));

        string rows = Path.Combine(_dir, "csr.h5ad");
        H5adFile.Write(data, rows);
        var error = Assert.Throws<DigitalCellException>(() => GeneMajorMatrix.Open(rows, "rerun the step"))!;
        Assert.That(error.Message, Does.Contain("csr.h5ad").And.Contain("csr_matrix").And.Contain("rerun the step"));
    }

    [Test]
    public void GzipIsRealCompression()
    {
        AnndataPeer.RequireAnndata();
        string path = Path.Combine(_dir, "gz.h5ad");
        Everything().WriteH5ad(path, new H5adWriteOptions { Compression = H5adCompression.Gzip });
        string output = AnndataPeer.RunPython("-c", $"import h5py; f = h5py.File('{path}'); print(f['X/data'].compression, f['obs/n_counts'].compression, f['obsm/X_pca'].compression)");
        Assert.That(output.Trim(), Is.EqualTo("gzip gzip gzip"));
    }

    [Test]
    public void WriteLeavesNoFileBehindWhenAValueCannotBeWritten()
    {
        string path = Path.Combine(_dir, "bad.h5ad");
        var data = Everything().WithUns("bad", new object());
        var error = Assert.Throws<DigitalCellException>(() => H5adFile.Write(data, path))!;
        Assert.That(error.Message, Does.Contain("uns entry 'bad'"));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }
}
