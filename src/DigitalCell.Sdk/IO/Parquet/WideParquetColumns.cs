using DigitalCell.Sdk.Data;
using global::Parquet;
using global::Parquet.Schema;
using static DigitalCell.Sdk.IO.Parquet.ParquetSchemaInfo;

namespace DigitalCell.Sdk.IO.Parquet;

/// <summary>
/// The columns of a wide-layout file sorted into cell names, obs columns and gene columns, so that obs can be read
/// without touching a gene column and X one row group at a time (whole-file reads and sharded collections share it).
/// </summary>
internal sealed class WideParquetColumns
{
    private readonly string _path;
    private readonly Dictionary<string, ParquetCategories> _categories;

    private WideParquetColumns(string path, DataField cell, DataField[] obs, DataField[] genes, Dictionary<string, ParquetCategories> categories)
    {
        _path = path;
        Cell = cell;
        Obs = obs;
        Genes = genes;
        _categories = categories;
    }

    public DataField Cell { get; }

    public DataField[] Obs { get; }

    public DataField[] Genes { get; }

    /// <summary>Sorts the columns of an open file (footer metadata first; without it every float column is a gene).</summary>
    public static WideParquetColumns Describe(string path, ParquetReader reader)
    {
        var cellField = ParquetFile.Require(path, reader.Schema, CellColumn, "wide");
        var declaredObs = ParquetFile.ReadNames(path, reader.CustomMetadata, ObsColumnsKey);
        foreach (var name in declaredObs ?? [])
            ParquetFile.Require(path, reader.Schema, name, "wide file's declared obs");
        bool IsObs(DataField f) => declaredObs?.Contains(f.Name) ?? !(f.ClrType == typeof(float) || f.ClrType == typeof(double));
        var others = reader.Schema.DataFields.Where(f => f.Name != CellColumn).ToList();
        return new WideParquetColumns(path, cellField, others.Where(IsObs).ToArray(), others.Where(f => !IsObs(f)).ToArray(),
            ParquetCategories.Parse(path, reader.CustomMetadata.GetValueOrDefault(CategoriesKey)));
    }

    /// <summary>Reads the cell names and obs columns of every row group; gene columns are not read.</summary>
    public async Task<AnnotationTable> ReadObsAsync(ParquetReader reader, CancellationToken cancellationToken)
    {
        var builders = Obs.Select(f => ObsColumnCodec.BuilderFor(_path, f)).ToList();
        var cells = new List<string>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var rowGroup = reader.OpenRowGroupReader(g);
            cells.AddRange(await ParquetFile.ReadStringsAsync(_path, rowGroup, Cell, g).ConfigureAwait(false));
            foreach (var builder in builders) await builder.AppendAsync(rowGroup, (int)rowGroup.RowCount).ConfigureAwait(false);
        }
        return new AnnotationTable("obs", cells.ToArray(), builders.Select(b => b.Build(_categories.GetValueOrDefault(b.Field.Name))));
    }

    /// <summary>The gene columns of row group <paramref name="group"/> as sparse rows.</summary>
    public async Task<SparseCellMatrix> ReadRowGroupAsync(ParquetReader reader, int group)
    {
        using var rowGroup = reader.OpenRowGroupReader(group);
        int rows = (int)rowGroup.RowCount;
        var columns = new float[Genes.Length][];
        for (int j = 0; j < Genes.Length; j++)
            columns[j] = await ParquetFile.ReadValuesAsync(_path, rowGroup, Genes[j], group).ConfigureAwait(false);
        var builder = new SparseRowBuilder(Genes.Length);
        var indices = new int[Genes.Length];
        var values = new float[Genes.Length];
        for (int r = 0; r < rows; r++)
        {
            int n = 0;
            for (int j = 0; j < columns.Length; j++)
                if (columns[j][r] != 0f) { indices[n] = j; values[n++] = columns[j][r]; }
            builder.AddRow(indices.AsSpan(0, n), values.AsSpan(0, n));
        }
        return builder.Build();
    }
}
