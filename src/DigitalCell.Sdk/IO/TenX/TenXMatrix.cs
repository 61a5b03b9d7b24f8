using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.IO.TenX;

/// <summary>
/// Reads and writes 10x Genomics Cell Ranger matrices: the Matrix Market directory (<c>matrix.mtx.gz</c>,
/// <c>features.tsv.gz</c>, <c>barcodes.tsv.gz</c>; or the Cell Ranger 2 layout <c>matrix.mtx</c>, <c>genes.tsv</c>,
/// <c>barcodes.tsv</c>) and the HDF5 file <c>filtered_feature_bc_matrix.h5</c> (read only).
/// </summary>
/// <remarks>
/// Names follow <c>scanpy.read_10x_mtx</c>/<c>read_10x_h5</c> defaults: the var index is the gene symbol (second
/// column of <c>features.tsv</c>) made unique like <c>var_names_make_unique</c>, with the Ensembl id in var column
/// <c>gene_ids</c> and the feature type in <c>feature_types</c>; the obs index is the barcode. X holds the counts.
/// </remarks>
public static class TenXMatrix
{
    /// <summary>Var column holding the feature id (first column of <c>features.tsv</c>).</summary>
    public const string GeneIdsColumn = "gene_ids";

    /// <summary>Var column holding the feature type (third column of <c>features.tsv</c>, e.g. <c>Gene Expression</c>).</summary>
    public const string FeatureTypesColumn = "feature_types";

    private const string DefaultFeatureType = "Gene Expression";

    /// <summary>
    /// Reads a 10x Matrix Market directory; <paramref name="path"/> may also be the <c>matrix.mtx[.gz]</c> file inside it.
    /// </summary>
    /// <exception cref="DigitalCellException">A file is missing or malformed, or the files disagree on sizes.</exception>
    public static CellDataset Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string directory = Directory.Exists(path) ? path
            : File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))!
            : throw new DigitalCellException(path, null, "no such 10x directory or matrix file");
        string matrixPath = File.Exists(path) ? path : Find(directory, "matrix.mtx");
        string featuresPath = FindOptional(directory, "features.tsv") ?? FindOptional(directory, "genes.tsv")
            ?? throw new DigitalCellException(directory, null, "no features.tsv[.gz] or genes.tsv[.gz] next to the matrix");
        string barcodesPath = Find(directory, "barcodes.tsv");

        var features = TabSeparated.Read(featuresPath, minimumFields: 2);
        var barcodes = TabSeparated.Read(barcodesPath, minimumFields: 1);
        // The size line is checked against the side files before the matrix allocates anything by it.
        var x = MatrixMarket.ReadCellsByGenes(matrixPath, (genes, cells) =>
        {
            if (features.Count != genes)
                throw new DigitalCellException(featuresPath, null, $"lists {features.Count} features but {Path.GetFileName(matrixPath)} has {genes} rows");
            if (barcodes.Count != cells)
                throw new DigitalCellException(barcodesPath, null, $"lists {barcodes.Count} barcodes but {Path.GetFileName(matrixPath)} has {cells} columns");
        });

        var columns = new List<AnnotationColumn> { new StringColumn(GeneIdsColumn, features.Select(f => (string?)f[0]).ToArray()) };
        // Cell Ranger 2's genes.tsv has no type column; scanpy then adds no feature_types either.
        if (features.All(f => f.Length >= 3))
            columns.Add(new StringColumn(FeatureTypesColumn, features.Select(f => (string?)f[2]).ToArray()));
        var var = new AnnotationTable("var", IndexNames.MakeUnique(features.Select(f => f[1]).ToArray()), columns);
        var obs = new AnnotationTable("obs", barcodes.Select(b => b[0]).ToArray());
        return new CellDataset(x, obs, var, source: Path.GetFullPath(directory));
    }

    /// <summary>
    /// Writes X as a Cell Ranger 3 directory (<c>matrix.mtx.gz</c>, <c>features.tsv.gz</c>, <c>barcodes.tsv.gz</c>),
    /// atomically: the directory appears complete or not at all. Feature ids come from var column
    /// <c>gene_ids</c> when present (else the var index), types from <c>feature_types</c> (else <c>Gene Expression</c>).
    /// Other annotations, layers and embeddings have no place in this format and are not written.
    /// </summary>
    /// <param name="data">The dataset.</param>
    /// <param name="directory">The folder to write; an existing one is replaced only when an earlier run wrote it.</param>
    /// <param name="force">Replace an existing folder even when it holds files this SDK did not write.</param>
    public static void Write(CellDataset data, string directory, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var ids = TextColumnOrIndex(data.Var, GeneIdsColumn);
        var types = data.Var.Contains(FeatureTypesColumn) ? TextColumnOrIndex(data.Var, FeatureTypesColumn) : null;
        string features = Path.Combine(directory, "features.tsv.gz");
        foreach (var column in new[] { ids, data.GeneNames, types ?? [] }) TabSeparated.CheckFields(features, column);
        TabSeparated.CheckFields(Path.Combine(directory, "barcodes.tsv.gz"), data.CellNames);
        AtomicFile.WriteDirectory(directory, temp =>
        {
            MatrixMarket.WriteGenesByCells(data.X, Path.Combine(temp, "matrix.mtx.gz"));
            TabSeparated.WriteGzip(Path.Combine(temp, "features.tsv.gz"), data.GeneCount,
                g => [ids[g], data.GeneNames[g], types?[g] ?? DefaultFeatureType]);
            TabSeparated.WriteGzip(Path.Combine(temp, "barcodes.tsv.gz"), data.CellCount, c => [data.CellNames[c]]);
        }, force);
    }

    /// <summary>Reads a Cell Ranger HDF5 matrix (<c>filtered_feature_bc_matrix.h5</c>, Cell Ranger 3+ or the Cell Ranger 2 per-genome layout).</summary>
    /// <exception cref="DigitalCellException">The file is not a 10x HDF5 matrix or is inconsistent.</exception>
    public static CellDataset ReadH5(string path) => TenXH5.Read(path);

    /// <summary>The var column as text, or the var index when the column is absent.</summary>
    private static string[] TextColumnOrIndex(AnnotationTable table, string column)
    {
        if (!table.Contains(column)) return table.Index.ToArray();
        var c = table[column];
        return Enumerable.Range(0, c.Length).Select(c.GetText).ToArray();
    }

    private static string Find(string directory, string name) => FindOptional(directory, name)
        ?? throw new DigitalCellException(directory, null, $"no {name}.gz or {name} in this 10x directory");

    private static string? FindOptional(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            string p = Path.Combine(directory, candidate);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
