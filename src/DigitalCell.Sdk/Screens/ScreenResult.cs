using System.Globalization;
using System.Text;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.Screens;

/// <summary>A finished screen: the ranked table and what produced it.</summary>
/// <param name="Rows">One row per candidate, rank order.</param>
/// <param name="Objective">The objective's description.</param>
/// <param name="Direction">The wanted direction (rank 1 moves furthest that way).</param>
/// <param name="Models">The ensemble members' names.</param>
/// <param name="Context">The context value passed to the models, or null.</param>
/// <param name="MissingObjectiveGenes">Objective genes the models do not predict (they could not count).</param>
/// <param name="StartCells">Cells averaged into the start state.</param>
/// <param name="Resumed">Candidates restored from a checkpoint.</param>
/// <param name="Elapsed">Wall time of this run.</param>
public sealed record ScreenResult(
    IReadOnlyList<ScreenRow> Rows,
    string Objective,
    ScreenDirection Direction,
    IReadOnlyList<string> Models,
    string? Context,
    IReadOnlyList<string> MissingObjectiveGenes,
    int StartCells,
    int Resumed,
    TimeSpan Elapsed)
{
    /// <summary>The table's file name.</summary>
    public const string CsvFileName = "screen.csv";

    /// <summary>The table's file name as Parquet (<see cref="WriteParquet"/>).</summary>
    public const string ParquetFileName = "screen.parquet";

    /// <summary>The row of <paramref name="candidate"/> (case-insensitive), or null.</summary>
    public ScreenRow? Row(string candidate) => Rows.FirstOrDefault(r => string.Equals(r.Candidate, candidate, StringComparison.OrdinalIgnoreCase));

    /// <summary>The table's columns, in order: candidate, rank, effect, uncertainty, informed, known, top_genes, then effect_member_1… (one per ensemble member).</summary>
    public IReadOnlyList<string> ColumnNames =>
        ["candidate", "rank", "effect", "uncertainty", "informed", "known", "top_genes", .. Enumerable.Range(1, Models.Count).Select(m => $"effect_member_{m}")];

    /// <summary>The table as CSV (<see cref="ColumnNames"/>; top_genes as <c>GENE:change;…</c>).</summary>
    public string ToCsv()
    {
        var text = new StringBuilder(string.Join(',', ColumnNames)).Append('\n');
        foreach (var r in Rows)
        {
            text.Append(Quote(r.Candidate)).Append(',').Append(r.Rank.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(r.Effect)).Append(',').Append(Number(r.Uncertainty)).Append(',')
                .Append(r.Informed ? "true" : "false").Append(',').Append(r.Known ? "true" : "false").Append(',')
                .Append(Quote(TopGenes(r)));
            foreach (var e in r.MemberEffects) text.Append(',').Append(Number(e));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> atomically.</summary>
    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    /// <summary>Writes the table as Parquet, atomically: the CSV's columns (<see cref="ColumnNames"/>) at full precision, rank as int32, informed/known as booleans; the objective and direction in the footer metadata.</summary>
    public void WriteParquet(string path)
    {
        var names = ColumnNames;
        var (candidate, rank, informed, known, topGenes) = (new DataField<string>(names[0]), new DataField<int>(names[1]),
            new DataField<bool>(names[4]), new DataField<bool>(names[5]), new DataField<string>(names[6]));
        var (effect, uncertainty) = (new DataField<double>(names[2]), new DataField<double>(names[3]));
        var members = names.Skip(7).Select(n => new DataField<double>(n)).ToArray();
        var metadata = new Dictionary<string, string> { ["objective"] = Objective, ["direction"] = Direction.ToString().ToLowerInvariant(), ["models"] = string.Join(",", Models) };
        Task.Run(() => ParquetFile.WriteAsync(path, new ParquetSchema([candidate, rank, effect, uncertainty, informed, known, topGenes, .. members]), metadata, async writer =>
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(candidate, Rows.Select(r => r.Candidate).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(rank, (ReadOnlyMemory<int>)Rows.Select(r => r.Rank).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(effect, (ReadOnlyMemory<double>)Rows.Select(r => r.Effect).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(uncertainty, (ReadOnlyMemory<double>)Rows.Select(r => r.Uncertainty).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(informed, (ReadOnlyMemory<bool>)Rows.Select(r => r.Informed).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(known, (ReadOnlyMemory<bool>)Rows.Select(r => r.Known).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(topGenes, Rows.Select(TopGenes).ToArray()).ConfigureAwait(false);
            for (int m = 0; m < members.Length; m++)
                await group.WriteAsync(members[m], (ReadOnlyMemory<double>)Rows.Select(r => r.MemberEffects[m]).ToArray()).ConfigureAwait(false);
        }, CancellationToken.None)).GetAwaiter().GetResult();
    }

    private static string TopGenes(ScreenRow row) => string.Join(';', row.TopGenes.Select(g => $"{g.Gene}:{Number(g.Change)}"));

    internal static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
