using System.Text.Json;
using DigitalCell.Sdk.Data;
using global::Parquet;
using global::Parquet.Schema;
using static DigitalCell.Sdk.IO.Parquet.ParquetSchemaInfo;

namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>
/// Cells in Apache Parquet, for data frames and SQL engines (pandas, Polars, DuckDB, Spark). Two layouts:
/// <list type="bullet">
/// <item><b>Long</b> (<c>.long.parquet</c>): one row per non-zero value, columns <c>cell</c> (string), <c>gene</c>
/// (string), <c>value</c> (float). Compact for sparse counts; obs/var annotations are not stored.</item>
/// <item><b>Wide</b> (<c>.parquet</c>): one row per cell, columns <c>cell</c> (string), then the obs columns
/// (categorical and string columns as strings, numbers and booleans in their own type, nullable where values are
/// missing), then one float column per gene, named by the gene.</item>
/// </list>
/// Both are written one row group per block of cells (<see cref="ParquetCellsOptions.CellsPerRowGroup"/>) and read one
/// row group at a time, so memory stays near the size of the result plus one row group. The footer's key-value
/// metadata records what Parquet columns cannot: <c>digitalcell.layout</c>, <c>digitalcell.genes</c> and
/// <c>digitalcell.cells</c> (JSON name arrays; long layout, so all-zero genes and cells survive),
/// <c>digitalcell.obs_columns</c> (wide: which columns are obs, the rest are genes) and <c>digitalcell.categories</c>
/// (category order of categorical obs columns). Files from other tools need none of it: without it, long files
/// take cells and genes in order of first appearance, and in wide files every float column is a gene and every
/// other column (besides <c>cell</c>) an obs column.
/// </summary>
public static class ParquetCells
{
    /// <summary>Reads a long-layout file. <paramref name="genes"/>, when given, fixes the gene order and rejects other genes.</summary>
    /// <exception cref="DigitalCellException">A column is missing or of the wrong type, a name is null, or a gene is not in <paramref name="genes"/>.</exception>
    public static CellDataset ReadLong(string path, IReadOnlyList<string>? genes = null) =>
        Task.Run(() => ReadLongAsync(path, genes)).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadLong"/>
    public static Task<CellDataset> ReadLongAsync(string path, IReadOnlyList<string>? genes = null, CancellationToken cancellationToken = default) =>
        ParquetFile.GuardAsync(path, () => ReadLongCoreAsync(path, genes, cancellationToken));

    private static async Task<CellDataset> ReadLongCoreAsync(string path, IReadOnlyList<string>? genes, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var schema = reader.Schema;
        var cellField = ParquetFile.Require(path, schema, CellColumn, "long");
        var geneField = ParquetFile.Require(path, schema, GeneColumn, "long");
        var valueField = ParquetFile.Require(path, schema, ValueColumn, "long");
        var geneNames = genes?.ToList() ?? ParquetFile.ReadNames(path, reader.CustomMetadata, GenesKey)?.ToList();
        var cellNames = ParquetFile.ReadNames(path, reader.CustomMetadata, CellsKey)?.ToList();
        var geneLookup = ParquetFile.Lookup(path, "gene", geneNames ?? []);
        var cellLookup = ParquetFile.Lookup(path, "cell", cellNames ?? []);

        var cellOf = new List<int>();
        var geneOf = new List<int>();
        var values = new List<float>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var rowGroup = reader.OpenRowGroupReader(g);
            var cells = await ParquetFile.ReadStringsAsync(path, rowGroup, cellField, g).ConfigureAwait(false);
            var genesInGroup = await ParquetFile.ReadStringsAsync(path, rowGroup, geneField, g).ConfigureAwait(false);
            var groupValues = await ParquetFile.ReadValuesAsync(path, rowGroup, valueField, g).ConfigureAwait(false);
            for (int i = 0; i < cells.Length; i++)
            {
                cellOf.Add(Position(cellLookup, cellNames, cells[i], "cell", g, i));
                geneOf.Add(Position(geneLookup, geneNames, genesInGroup[i], "gene", g, i));
            }
            values.AddRange(groupValues);
        }
        int Position(Dictionary<string, int> lookup, List<string>? declared, string name, string what, int group, int row)
        {
            if (lookup.TryGetValue(name, out int index)) return index;
            if (declared is not null)
                throw new DigitalCellException(path, $"row group {group}, row {row}",
                    $"{what} '{name}' is not among the {lookup.Count} {what}s the file{(what == "gene" && genes is not null ? "'s reader was given" : " declares")}");
            return lookup[name] = lookup.Count;
        }

        var cellIndex = cellNames?.ToArray() ?? cellLookup.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
        var geneIndex = geneNames?.ToArray() ?? geneLookup.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
        var x = CoordinateMatrix.ToCsr(cellIndex.Length, geneIndex.Length,
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(cellOf),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(geneOf),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
        return new CellDataset(x, new AnnotationTable("obs", cellIndex), new AnnotationTable("var", geneIndex), source: Path.GetFullPath(path));
    }

    /// <summary>Writes X as a long-layout file (one row per non-zero value), atomically. Annotations, layers and embeddings are not stored.</summary>
    public static void WriteLong(CellDataset data, string path, ParquetCellsOptions? options = null) =>
        Task.Run(() => WriteLongAsync(data, path, options)).GetAwaiter().GetResult();

    /// <inheritdoc cref="WriteLong"/>
    public static Task WriteLongAsync(CellDataset data, string path, ParquetCellsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ParquetCellsOptions();
        var cellField = new DataField<string>(CellColumn);
        var geneField = new DataField<string>(GeneColumn);
        var valueField = new DataField<float>(ValueColumn);
        var metadata = new Dictionary<string, string>
        {
            [LayoutKey] = "long-v1",
            [GenesKey] = JsonSerializer.Serialize(data.GeneNames),
            [CellsKey] = JsonSerializer.Serialize(data.CellNames),
        };
        var x = data.X;
        // Size row groups by the average number of stored values per cell.
        int cellsPerGroup = options.RowGroupSize(Math.Max(1, x.StoredCount / Math.Max(1, x.RowCount)));
        return ParquetFile.WriteAsync(path, new ParquetSchema(cellField, geneField, valueField), metadata, async writer =>
        {
            for (int start = 0; start < x.RowCount; start += cellsPerGroup)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var block = x.SliceRows(start, Math.Min(cellsPerGroup, x.RowCount - start)).ToSparse();
                var cells = new List<string>();
                var genes = new List<string>();
                var values = new List<float>();
                for (int r = 0; r < block.RowCount; r++)
                {
                    var idx = block.RowIndices(r);
                    var val = block.RowValues(r);
                    for (int k = 0; k < idx.Length; k++)
                    {
                        if (val[k] == 0f) continue;
                        cells.Add(data.CellNames[start + r]);
                        genes.Add(data.GeneNames[idx[k]]);
                        values.Add(val[k]);
                    }
                }
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync(cellField, cells).ConfigureAwait(false);
                await rowGroup.WriteAsync(geneField, genes).ConfigureAwait(false);
                await rowGroup.WriteAsync(valueField, (ReadOnlyMemory<float>)values.ToArray()).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>Reads a wide-layout file: obs from the annotation columns, X (sparse) from the gene columns.</summary>
    /// <exception cref="DigitalCellException">The <c>cell</c> column is missing, a gene column is not numeric or holds nulls, or the footer is inconsistent.</exception>
    public static CellDataset ReadWide(string path) => Task.Run(() => ReadWideAsync(path)).GetAwaiter().GetResult();

    /// <inheritdoc cref="ReadWide"/>
    public static Task<CellDataset> ReadWideAsync(string path, CancellationToken cancellationToken = default) =>
        ParquetFile.GuardAsync(path, () => ReadWideCoreAsync(path, cancellationToken));

    private static async Task<CellDataset> ReadWideCoreAsync(string path, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var columns = WideParquetColumns.Describe(path, reader);
        var obs = await columns.ReadObsAsync(reader, cancellationToken).ConfigureAwait(false);
        var builder = new SparseRowBuilder(columns.Genes.Length);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var block = await columns.ReadRowGroupAsync(reader, g).ConfigureAwait(false);
            for (int r = 0; r < block.RowCount; r++) builder.AddRow(block.RowIndices(r), block.RowValues(r));
        }
        return new CellDataset(builder.Build(), obs, new AnnotationTable("var", columns.Genes.Select(f => f.Name).ToArray()), source: Path.GetFullPath(path));
    }

    /// <summary>Writes a wide-layout file (one row per cell: name, obs columns, one float column per gene), atomically.</summary>
    /// <exception cref="DigitalCellException">A gene is named like the <c>cell</c> column or an obs column.</exception>
    public static void WriteWide(CellDataset data, string path, ParquetCellsOptions? options = null) =>
        Task.Run(() => WriteWideAsync(data, path, options)).GetAwaiter().GetResult();

    /// <inheritdoc cref="WriteWide"/>
    public static Task WriteWideAsync(CellDataset data, string path, ParquetCellsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ParquetCellsOptions();
        var taken = new HashSet<string>(data.Obs.ColumnNames.Append(CellColumn), StringComparer.Ordinal);
        foreach (var gene in data.GeneNames)
            if (taken.Contains(gene))
                throw new DigitalCellException(path, null, $"the gene '{gene}' has the same name as the cell column or an obs column; rename one before writing the wide layout");
        var cellField = new DataField<string>(CellColumn);
        var obsFields = data.Obs.Columns.Select(ObsColumnCodec.FieldFor).ToArray();
        var geneFields = data.GeneNames.Select(g => new DataField<float>(g)).ToArray();
        var metadata = new Dictionary<string, string>
        {
            [LayoutKey] = "wide-v1",
            [ObsColumnsKey] = JsonSerializer.Serialize(data.Obs.ColumnNames),
            [CategoriesKey] = ParquetCategories.Serialise(data.Obs.Columns.OfType<CategoricalColumn>()),
        };
        var schema = new ParquetSchema(new Field[] { cellField }.Concat(obsFields).Concat(geneFields));
        int cellsPerGroup = options.RowGroupSize(data.GeneCount + obsFields.Length + 1);
        return ParquetFile.WriteAsync(path, schema, metadata, async writer =>
        {
            for (int start = 0; start < data.CellCount; start += cellsPerGroup)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(cellsPerGroup, data.CellCount - start);
                var block = data.X.SliceRows(start, count).ToDense().RawValues;
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAsync(cellField, data.CellNames.Skip(start).Take(count).ToArray()).ConfigureAwait(false);
                for (int c = 0; c < obsFields.Length; c++)
                    await ObsColumnCodec.WriteAsync(rowGroup, obsFields[c], data.Obs.Columns[c], start, count).ConfigureAwait(false);
                var column = new float[count];
                for (int j = 0; j < geneFields.Length; j++)
                {
                    for (int r = 0; r < count; r++) column[r] = block[(long)r * geneFields.Length + j];
                    await rowGroup.WriteAsync(geneFields[j], (ReadOnlyMemory<float>)column).ConfigureAwait(false);
                }
            }
        }, cancellationToken);
    }
}
