using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.Parquet;
using global::Parquet;
using static DigitalCell.Sdk.IO.Parquet.ParquetSchemaInfo;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// A long-layout Parquet shard (one row per non-zero value). To stream it in row groups, each cell's values must be
/// contiguous and cells must come in the order of the footer's cell list (as <see cref="ParquetCells.WriteLong"/>
/// writes them); obs holds only the cell names, as the layout stores no annotations.
/// </summary>
internal sealed class LongParquetShard : CellShard
{
    private readonly string[] _cells;

    private LongParquetShard(string path, string[] cells, string[] genes) : base(path, cells.Length, genes) => _cells = cells;

    public override ShardLayout Layout => ShardLayout.ParquetLong;

    public static LongParquetShard Open(string path) => ParquetShardFile.Use(path, async reader =>
    {
        ParquetFile.Require(path, reader.Schema, ValueColumn, "long");
        var genes = ParquetFile.ReadNames(path, reader.CustomMetadata, GenesKey)
            ?? throw new DigitalCellException(path, GenesKey, "is missing; a long-layout shard needs its gene list in the footer (write it with ParquetCells.WriteLong or dcell convert)");
        // Without the footer's cell list the cells are the names in order of first appearance (the cell column only).
        var cells = ParquetFile.ReadNames(path, reader.CustomMetadata, CellsKey) ?? await FirstAppearanceAsync(path, reader).ConfigureAwait(false);
        return new LongParquetShard(System.IO.Path.GetFullPath(path), cells, genes);
    });

    public override AnnotationTable ReadObs() => new("obs", (string[])_cells.Clone());

    internal override IEnumerable<CellMatrix> ReadBlocks(int rowsPerBlock)
    {
        var cellPosition = ParquetFile.Lookup(Path, "cell", _cells);
        var genePosition = ParquetFile.Lookup(Path, "gene", GeneNames);
        int open = -1; // the cell whose values are being collected; cells before it are in the builder
        var builder = new SparseRowBuilder(GeneNames.Count);
        var row = new List<(int Gene, float Value)>();
        foreach (var group in ParquetShardFile.RowGroups<LongRowGroup>(Path, reader => g => ReadGroupAsync(reader, g)))
        {
            for (int i = 0; i < group.Cells.Length; i++)
            {
                int cell = cellPosition.TryGetValue(group.Cells[i], out int c) ? c
                    : throw new DigitalCellException(Path, $"row group {group.Index}, row {i}", $"cell '{group.Cells[i]}' is not among the {_cells.Length} cells the footer lists");
                if (cell < open) throw Unsorted(group.Cells[i], group.Index, i);
                if (cell > open)
                {
                    Flush(row, builder);
                    for (int empty = open + 1; empty < cell; empty++) builder.AddRow([], []);
                    open = cell;
                }
                int gene = genePosition.TryGetValue(group.Genes[i], out int j) ? j
                    : throw new DigitalCellException(Path, $"row group {group.Index}, row {i}", $"gene '{group.Genes[i]}' is not among the {GeneNames.Count} genes the footer lists");
                row.Add((gene, group.Values[i]));
            }
            // the open cell may continue in the next row group: emit only the finished ones
            if (builder.RowCount > 0) yield return builder.Build();
        }
        Flush(row, builder);
        for (int empty = open + 1; empty < _cells.Length; empty++) builder.AddRow([], []);
        if (builder.RowCount > 0) yield return builder.Build();
    }

    private DigitalCellException Unsorted(string cell, int group, int row) =>
        new(Path, $"row group {group}, row {row}", $"cell '{cell}' appears again after other cells; a long-layout shard must keep each cell's values together in the footer's cell order (rewrite it with dcell convert)");

    private void Flush(List<(int Gene, float Value)> row, SparseRowBuilder builder)
    {
        if (row.Count == 0) return;
        row.Sort((a, b) => a.Gene.CompareTo(b.Gene));
        for (int k = 1; k < row.Count; k++)
            if (row[k].Gene == row[k - 1].Gene) throw new DigitalCellException(Path, null, $"a cell lists gene '{GeneNames[row[k].Gene]}' twice");
        builder.AddRow(row.Select(e => e.Gene).ToArray(), row.Select(e => e.Value).ToArray());
        row.Clear();
    }

    private async Task<LongRowGroup> ReadGroupAsync(ParquetReader reader, int g)
    {
        using var rowGroup = reader.OpenRowGroupReader(g);
        return new LongRowGroup(g,
            await ParquetFile.ReadStringsAsync(Path, rowGroup, ParquetFile.Require(Path, reader.Schema, CellColumn, "long"), g).ConfigureAwait(false),
            await ParquetFile.ReadStringsAsync(Path, rowGroup, ParquetFile.Require(Path, reader.Schema, GeneColumn, "long"), g).ConfigureAwait(false),
            await ParquetFile.ReadValuesAsync(Path, rowGroup, ParquetFile.Require(Path, reader.Schema, ValueColumn, "long"), g).ConfigureAwait(false));
    }

    private static async Task<string[]> FirstAppearanceAsync(string path, ParquetReader reader)
    {
        var cellField = ParquetFile.Require(path, reader.Schema, CellColumn, "long");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            foreach (var cell in await ParquetFile.ReadStringsAsync(path, rowGroup, cellField, g).ConfigureAwait(false))
                if (seen.Add(cell)) order.Add(cell);
        }
        return order.ToArray();
    }

    private sealed record LongRowGroup(int Index, string[] Cells, string[] Genes, float[] Values);
}
