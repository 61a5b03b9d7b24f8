using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.Parquet;
using global::Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// The columns of a Tahoe-layout Parquet file: list columns <c>genes</c> (token ids) and <c>expressions</c> (counts),
/// and every other top-level column an obs column. The cell names come from <c>BARCODE_SUB_LIB_ID</c> (Tahoe's
/// per-cell barcode), else <c>cell_name</c> or <c>cell</c>, else the shard name and row number.
/// </summary>
internal sealed class TahoeColumns
{
    public const string GenesColumn = "genes";
    public const string ExpressionsColumn = "expressions";
    private static readonly string[] CellNameColumns = ["BARCODE_SUB_LIB_ID", "cell_name", "cell"];

    private readonly string _path;

    private TahoeColumns(string path, DataField genes, DataField expressions, DataField[] obs)
    {
        _path = path;
        Genes = genes;
        Expressions = expressions;
        Obs = obs;
    }

    public DataField Genes { get; }

    public DataField Expressions { get; }

    public DataField[] Obs { get; }

    /// <summary>Whether the schema has Tahoe's two list columns.</summary>
    public static bool Applies(ParquetSchema schema) =>
        schema.Fields.Any(f => f.Name == GenesColumn && f is ListField) && schema.Fields.Any(f => f.Name == ExpressionsColumn && f is ListField);

    public static TahoeColumns Describe(string path, ParquetReader reader)
    {
        DataField Item(string name) => reader.Schema.Fields.OfType<ListField>().FirstOrDefault(f => f.Name == name)?.Item as DataField
            ?? throw new DigitalCellException(path, name, "is not a list of numbers, which the Tahoe layout needs");
        var obs = reader.Schema.Fields.OfType<DataField>().ToArray();
        return new TahoeColumns(path, Item(GenesColumn), Item(ExpressionsColumn), obs);
    }

    /// <summary>Reads the obs columns of every row group; the gene and expression lists are not read.</summary>
    public async Task<AnnotationTable> ReadObsAsync(ParquetReader reader, string shardName)
    {
        var builders = Obs.Select(f => ObsColumnCodec.BuilderFor(_path, f)).ToList();
        int rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            foreach (var builder in builders) await builder.AppendAsync(rowGroup, (int)rowGroup.RowCount).ConfigureAwait(false);
            rows += (int)rowGroup.RowCount;
        }
        var columns = builders.Select(b => b.Build(null)).ToList();
        var nameColumn = CellNameColumns.Select(n => columns.FirstOrDefault(c => c.Name == n)).FirstOrDefault(c => c is not null);
        var names = new string[rows];
        for (int i = 0; i < rows; i++)
            names[i] = nameColumn?.GetValue(i) is { } v ? nameColumn.GetText(i) : $"{shardName}#{i}";
        return new AnnotationTable("obs", names, columns);
    }

    /// <summary>
    /// Row group <paramref name="group"/> as sparse rows over <paramref name="tokens"/>' genes. Entries with a negative
    /// expression are Tahoe's marker tokens (each list opens with a CLS token of expression −2) and are skipped.
    /// </summary>
    public async Task<SparseCellMatrix> ReadRowGroupAsync(ParquetReader reader, int group, TahoeGeneTokens tokens)
    {
        using var rowGroup = reader.OpenRowGroupReader(group);
        int rows = (int)rowGroup.RowCount;
        var (geneIds, geneStarts) = await ReadListAsync<long>(rowGroup, Genes, rows, group).ConfigureAwait(false);
        var (values, valueStarts) = await ReadExpressionsAsync(rowGroup, rows, group).ConfigureAwait(false);
        var builder = new SparseRowBuilder(tokens.Names.Length);
        var indices = new List<int>();
        var rowValues = new List<float>();
        var order = new List<(int Gene, float Value)>();
        for (int r = 0; r < rows; r++)
        {
            int start = geneStarts[r], length = geneStarts[r + 1] - start;
            if (valueStarts[r + 1] - valueStarts[r] != length)
                throw new DigitalCellException(_path, $"row group {group}, row {r}", $"has {length} genes but {valueStarts[r + 1] - valueStarts[r]} expressions");
            order.Clear();
            for (int k = 0; k < length; k++)
            {
                float value = values[valueStarts[r] + k];
                if (value < 0) continue;
                int gene = tokens.PositionOf(geneIds[start + k]);
                if (gene < 0)
                    throw new DigitalCellException(_path, $"row group {group}, row {r}", $"gene token {geneIds[start + k]} is not in {tokens.Path}");
                order.Add((gene, value));
            }
            order.Sort((a, b) => a.Gene.CompareTo(b.Gene));
            indices.Clear();
            rowValues.Clear();
            for (int k = 0; k < order.Count; k++)
            {
                if (k > 0 && order[k].Gene == order[k - 1].Gene)
                    throw new DigitalCellException(_path, $"row group {group}, row {r}", $"lists gene token of {tokens.Names[order[k].Gene]} twice");
                indices.Add(order[k].Gene);
                rowValues.Add(order[k].Value);
            }
            builder.AddRow(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(indices), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rowValues));
        }
        return builder.Build();
    }

    private async Task<(float[] Values, int[] RowStarts)> ReadExpressionsAsync(ParquetRowGroupReader rowGroup, int rows, int group)
    {
        var type = Expressions.ClrType;
        if (type == typeof(float)) return await ReadListAsync<float>(rowGroup, Expressions, rows, group).ConfigureAwait(false);
        if (type == typeof(double)) return Convert(await ReadListAsync<double>(rowGroup, Expressions, rows, group).ConfigureAwait(false), v => (float)v);
        if (type == typeof(int)) return Convert(await ReadListAsync<int>(rowGroup, Expressions, rows, group).ConfigureAwait(false), v => v);
        if (type == typeof(long)) return Convert(await ReadListAsync<long>(rowGroup, Expressions, rows, group).ConfigureAwait(false), v => v);
        throw new DigitalCellException(_path, ExpressionsColumn, $"holds {type.Name}; expected numbers");

        static (float[], int[]) Convert<T>((T[] Values, int[] Starts) list, Func<T, float> convert) => (Array.ConvertAll(list.Values, v => convert(v)), list.Starts);
    }

    /// <summary>A list column of one row group: the present values and, per row, where its values start (one extra entry at the end).</summary>
    private async Task<(T[] Values, int[] RowStarts)> ReadListAsync<T>(ParquetRowGroupReader rowGroup, DataField item, int rows, int group) where T : struct
    {
        if (item.ClrType != typeof(T)) throw new DigitalCellException(_path, item.Name, $"holds {item.ClrType.Name}; expected {typeof(T).Name}");
        using var raw = (global::Parquet.Data.RawColumnData<T>)await rowGroup.ReadRawColumnDataBaseAsync(item).ConfigureAwait(false);
        var values = raw.Values.ToArray();
        var repetition = raw.RepetitionLevels;
        var definition = item.MaxDefinitionLevel > 0 ? raw.DefinitionLevels : default;
        var starts = new int[rows + 1];
        int row = -1, present = 0;
        for (int i = 0; i < repetition.Length; i++)
        {
            if (repetition[i] == 0)
            {
                if (++row >= rows) break;
                starts[row] = present;
            }
            // a level below the maximum is an empty or null list (or a null element): no value
            if (definition.IsEmpty || definition[i] == item.MaxDefinitionLevel) present++;
        }
        if (row + 1 != rows || present != values.Length)
            throw new DigitalCellException(_path, $"column '{item.Name}', row group {group}", $"list levels describe {row + 1} rows and {present} values, but the row group has {rows} rows and {values.Length} values");
        starts[rows] = present;
        return (values, starts);
    }

    /// <summary>A non-list numeric column read whole; nulls are an error naming the row.</summary>
    public static async Task<T[]> ReadRequiredAsync<T>(string path, ParquetRowGroupReader rowGroup, DataField field, int group) where T : struct
    {
        int rows = (int)rowGroup.RowCount;
        if (!field.IsNullable)
        {
            var values = new T[rows];
            await rowGroup.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            return values;
        }
        var nullable = new T?[rows];
        await rowGroup.ReadAsync(field, nullable.AsMemory()).ConfigureAwait(false);
        var result = new T[rows];
        for (int i = 0; i < rows; i++)
            result[i] = nullable[i] ?? throw new DigitalCellException(path, $"column '{field.Name}', row group {group}, row {i}", "is null");
        return result;
    }
}
