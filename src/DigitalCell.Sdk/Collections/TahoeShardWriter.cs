using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using global::Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Writes cells in Tahoe-100M's Parquet layout (one row per cell: <c>genes</c> int64 token list opening with the CLS
/// token 1 at expression −2, then one token per non-zero gene; <c>expressions</c> int64 counts; string obs columns
/// and <c>BARCODE_SUB_LIB_ID</c> as the cell name) and the token vocabulary, for synthetic collections.
/// Tokens are 2 + the gene's position, so token 1 stays the CLS token.
/// </summary>
internal static class TahoeShardWriter
{
    private const long ClsToken = 1;
    private const long ClsExpression = -2;
    private const int CellsPerRowGroup = 4096;

    public static void WriteVocabulary(string path, string[] genes)
    {
        var token = new DataField<long>("token_id");
        var symbol = new DataField<string>("gene_symbol");
        AtomicFile.Write(path, temp => Task.Run(async () =>
        {
            await using var stream = File.Create(temp);
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(token, symbol), stream).ConfigureAwait(false);
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync(token, (ReadOnlyMemory<long>)Enumerable.Range(0, genes.Length).Select(j => j + 2L).ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(symbol, genes).ConfigureAwait(false);
        }).GetAwaiter().GetResult());
    }

    public static void Write(CellDataset data, string path)
    {
        var genes = new DataField<long>("element");
        var expressions = new DataField<long>("element");
        var genesList = new ListField(TahoeColumns.GenesColumn, genes);
        var expressionsList = new ListField(TahoeColumns.ExpressionsColumn, expressions);
        var obsFields = data.Obs.ColumnNames.Select(n => new DataField<string>(n)).ToArray();
        var barcode = new DataField<string>("BARCODE_SUB_LIB_ID");
        var schema = new ParquetSchema(new Field[] { genesList, expressionsList }.Concat(obsFields).Append(barcode));
        var x = data.X.ToSparse();
        AtomicFile.Write(path, temp => Task.Run(async () =>
        {
            await using var stream = File.Create(temp);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream).ConfigureAwait(false);
            for (int start = 0; start < data.CellCount; start += CellsPerRowGroup)
            {
                int count = Math.Min(CellsPerRowGroup, data.CellCount - start);
                var tokens = new List<long>();
                var counts = new List<long>();
                var repetition = new List<int>();
                for (int r = start; r < start + count; r++)
                {
                    tokens.Add(ClsToken);
                    counts.Add(ClsExpression);
                    repetition.Add(0);
                    var idx = x.RowIndices(r);
                    var val = x.RowValues(r);
                    for (int k = 0; k < idx.Length; k++)
                    {
                        tokens.Add(idx[k] + 2L);
                        counts.Add((long)val[k]);
                        repetition.Add(1);
                    }
                }
                var levels = (ReadOnlyMemory<int>)repetition.ToArray();
                // every list holds at least the CLS token and no nulls: each entry is fully defined
                var defined = (ReadOnlyMemory<int>)Enumerable.Repeat(genes.MaxDefinitionLevel, repetition.Count).ToArray();
                using var rowGroup = writer.CreateRowGroup();
                await rowGroup.WriteAllPartsAsync(genes, (ReadOnlyMemory<long>)tokens.ToArray(), defined, levels, CancellationToken.None).ConfigureAwait(false);
                await rowGroup.WriteAllPartsAsync(expressions, (ReadOnlyMemory<long>)counts.ToArray(), defined, levels, CancellationToken.None).ConfigureAwait(false);
                foreach (var field in obsFields)
                    await rowGroup.WriteAsync(field, Enumerable.Range(start, count).Select(i => data.Obs[field.Name].GetText(i)).ToArray()).ConfigureAwait(false);
                await rowGroup.WriteAsync(barcode, data.CellNames.Skip(start).Take(count).ToArray()).ConfigureAwait(false);
            }
        }).GetAwaiter().GetResult());
    }
}
