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
    /// Decoding goes through <paramref name="buffers"/>, which one shard read reuses for all its row groups.
    /// </summary>
    public async Task<SparseCellMatrix> ReadRowGroupAsync(ParquetReader reader, int group, TahoeGeneTokens tokens, RowGroupBuffers buffers)
    {
        using var rowGroup = reader.OpenRowGroupReader(group);
        int rows = (int)rowGroup.RowCount;
        int[] geneStarts = await ReadGenesAsync(rowGroup, rows, group, tokens, buffers).ConfigureAwait(false);
        int[] valueStarts = await ReadExpressionsAsync(rowGroup, rows, group, buffers).ConfigureAwait(false);
        return Assemble(group, rows, tokens, buffers, geneStarts, valueStarts);
    }

    // Synchronous (spans cannot live in the async method): turns the decoded lists into CSR rows.
    private SparseCellMatrix Assemble(int group, int rows, TahoeGeneTokens tokens, RowGroupBuffers buffers, int[] geneStarts, int[] valueStarts)
    {
        var builder = buffers.Builder;
        for (int r = 0; r < rows; r++)
        {
            int start = geneStarts[r], length = geneStarts[r + 1] - start;
            if (valueStarts[r + 1] - valueStarts[r] != length)
                throw new DigitalCellException(_path, $"row group {group}, row {r}", $"has {length} genes but {valueStarts[r + 1] - valueStarts[r]} expressions");
            var rowGenes = buffers.RowGenes(length);
            var rowValues = buffers.RowValues(length);
            int n = 0;
            bool increasing = true;
            for (int k = 0; k < length; k++)
            {
                float value = buffers.Values[valueStarts[r] + k];
                if (value < 0) continue;
                int gene = buffers.Genes[start + k];
                if (gene < 0)
                    throw new DigitalCellException(_path, $"row group {group}, row {r}", $"gene token {buffers.Tokens[start + k]} is not in {tokens.Path}");
                increasing &= n == 0 || gene > rowGenes[n - 1];
                rowGenes[n] = gene;
                rowValues[n++] = value;
            }
            // Writers that list each cell's genes in vocabulary order (ours, and CSR-derived files) need no sort.
            if (!increasing)
            {
                rowGenes[..n].Sort(rowValues[..n]);
                for (int k = 1; k < n; k++)
                    if (rowGenes[k] == rowGenes[k - 1])
                        throw new DigitalCellException(_path, $"row group {group}, row {r}", $"lists gene token of {tokens.Names[rowGenes[k]]} twice");
            }
            builder.AddRow(rowGenes[..n], rowValues[..n]);
        }
        return builder.Build();
    }

    /// <summary>The gene list column of one row group, decoded into <see cref="RowGroupBuffers.Genes"/> (gene positions, −1 for an unknown token) and <see cref="RowGroupBuffers.Tokens"/>.</summary>
    private async Task<int[]> ReadGenesAsync(ParquetRowGroupReader rowGroup, int rows, int group, TahoeGeneTokens tokens, RowGroupBuffers buffers)
    {
        if (Genes.ClrType != typeof(long)) throw new DigitalCellException(_path, Genes.Name, $"holds {Genes.ClrType.Name}; expected Int64");
        using var raw = (global::Parquet.Data.RawColumnData<long>)await rowGroup.ReadRawColumnDataBaseAsync(Genes).ConfigureAwait(false);
        var starts = RowStarts(raw, Genes, rows, group, buffers.GeneStarts(rows));
        var values = raw.Values;
        var genes = buffers.Genes = RowGroupBuffers.Grow(buffers.Genes, values.Length);
        var tokenCopy = buffers.Tokens = RowGroupBuffers.Grow(buffers.Tokens, values.Length);
        values.CopyTo(tokenCopy);
        for (int i = 0; i < values.Length; i++) genes[i] = tokens.PositionOf(values[i]);
        return starts;
    }

    /// <summary>The expression list column of one row group, converted to float32 into <see cref="RowGroupBuffers.Values"/>.</summary>
    private async Task<int[]> ReadExpressionsAsync(ParquetRowGroupReader rowGroup, int rows, int group, RowGroupBuffers buffers)
    {
        var type = Expressions.ClrType;
        if (type == typeof(float)) return await ReadValuesAsync<float>(rowGroup, rows, group, buffers, v => v).ConfigureAwait(false);
        if (type == typeof(double)) return await ReadValuesAsync<double>(rowGroup, rows, group, buffers, v => (float)v).ConfigureAwait(false);
        if (type == typeof(int)) return await ReadValuesAsync<int>(rowGroup, rows, group, buffers, v => v).ConfigureAwait(false);
        if (type == typeof(long)) return await ReadValuesAsync<long>(rowGroup, rows, group, buffers, v => v).ConfigureAwait(false);
        throw new DigitalCellException(_path, ExpressionsColumn, $"holds {type.Name}; expected numbers");
    }

    private async Task<int[]> ReadValuesAsync<T>(ParquetRowGroupReader rowGroup, int rows, int group, RowGroupBuffers buffers, Func<T, float> convert) where T : struct
    {
        using var raw = (global::Parquet.Data.RawColumnData<T>)await rowGroup.ReadRawColumnDataBaseAsync(Expressions).ConfigureAwait(false);
        var starts = RowStarts(raw, Expressions, rows, group, buffers.ValueStarts(rows));
        var values = raw.Values;
        var result = buffers.Values = RowGroupBuffers.Grow(buffers.Values, values.Length);
        for (int i = 0; i < values.Length; i++) result[i] = convert(values[i]);
        return starts;
    }

    /// <summary>Fills <paramref name="starts"/> with where each row's present values start (one extra entry at the end) from a list column's levels.</summary>
    private int[] RowStarts<T>(global::Parquet.Data.RawColumnData<T> raw, DataField item, int rows, int group, int[] starts) where T : struct
    {
        var repetition = raw.RepetitionLevels;
        var definition = item.MaxDefinitionLevel > 0 ? raw.DefinitionLevels : default;
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
        if (row + 1 != rows || present != raw.Values.Length)
            throw new DigitalCellException(_path, $"column '{item.Name}', row group {group}", $"list levels describe {row + 1} rows and {present} values, but the row group has {rows} rows and {raw.Values.Length} values");
        starts[rows] = present;
        return starts;
    }

    /// <summary>
    /// Decoding buffers of one shard read, grown to the largest row group and reused for the next: without them every
    /// row group allocated fresh arrays of its full length, which land on the large-object heap and made the process's
    /// peak memory grow with the number of row groups read rather than with the largest one.
    /// </summary>
    public sealed class RowGroupBuffers(int geneCount)
    {
        private int[] _geneStarts = [], _valueStarts = [], _rowGenes = [];
        private float[] _rowValues = [];

        /// <summary>Collects the row group's CSR rows; its lists keep their capacity between row groups.</summary>
        public SparseRowBuilder Builder { get; } = new(geneCount);

        /// <summary>Gene positions of the row group's list entries.</summary>
        public int[] Genes { get; set; } = [];

        /// <summary>The tokens behind <see cref="Genes"/> (to name an unknown one).</summary>
        public long[] Tokens { get; set; } = [];

        /// <summary>Expressions of the row group's list entries, as float32.</summary>
        public float[] Values { get; set; } = [];

        /// <summary>Room for where each of <paramref name="rows"/> rows starts in the gene list, plus the end.</summary>
        public int[] GeneStarts(int rows) => _geneStarts = Grow(_geneStarts, rows + 1);

        /// <summary>Room for where each of <paramref name="rows"/> rows starts in the expression list, plus the end.</summary>
        public int[] ValueStarts(int rows) => _valueStarts = Grow(_valueStarts, rows + 1);

        /// <summary>Room for one cell's gene positions (at least <paramref name="length"/>).</summary>
        public Span<int> RowGenes(int length) => _rowGenes = Grow(_rowGenes, length);

        /// <summary>Room for one cell's expressions (at least <paramref name="length"/>).</summary>
        public Span<float> RowValues(int length) => _rowValues = Grow(_rowValues, length);

        /// <summary><paramref name="buffer"/> when it holds <paramref name="length"/> items, else a new array with room to spare.</summary>
        public static T[] Grow<T>(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[Math.Max(length, buffer.Length + buffer.Length / 2)];
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
