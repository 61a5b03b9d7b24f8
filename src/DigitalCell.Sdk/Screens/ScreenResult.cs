using System.Globalization;
using System.Text;
using DigitalCell.Sdk.IO;

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

    /// <summary>The row of <paramref name="candidate"/> (case-insensitive), or null.</summary>
    public ScreenRow? Row(string candidate) => Rows.FirstOrDefault(r => string.Equals(r.Candidate, candidate, StringComparison.OrdinalIgnoreCase));

    /// <summary>The table as CSV: candidate, rank, effect, uncertainty, informed, known, top_genes (<c>GENE:change;…</c>), one effect column per ensemble member.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("candidate,rank,effect,uncertainty,informed,known,top_genes");
        for (int m = 0; m < Models.Count; m++) text.Append(CultureInfo.InvariantCulture, $",effect_member_{m + 1}");
        text.Append('\n');
        foreach (var r in Rows)
        {
            text.Append(Quote(r.Candidate)).Append(',').Append(r.Rank.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(r.Effect)).Append(',').Append(Number(r.Uncertainty)).Append(',')
                .Append(r.Informed ? "true" : "false").Append(',').Append(r.Known ? "true" : "false").Append(',')
                .Append(Quote(string.Join(';', r.TopGenes.Select(g => $"{g.Gene}:{Number(g.Change)}"))));
            foreach (var e in r.MemberEffects) text.Append(',').Append(Number(e));
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> atomically.</summary>
    public void WriteCsv(string path) => AtomicFile.WriteAllText(path, ToCsv());

    internal static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
