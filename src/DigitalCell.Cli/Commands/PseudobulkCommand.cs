using System.CommandLine;
using System.Globalization;
using System.Text;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell pseudobulk &lt;collection&gt; --groupby c1,c2 [--normalize 1e4] [--log1p] [--where sql] [--shard i] --out f</c>:
/// out-of-core pseudobulk. With <c>--shard</c> it writes that shard's mergeable partial (.parquet, the map step);
/// without, the profiles of the whole collection (.csv: group, n_cells, one mean column per gene; or .h5ad).
/// </summary>
public static class PseudobulkCommand
{
    /// <summary>Creates the command; <paramref name="selectCells"/> runs <c>--where</c> (null: forwarded to the dcell-query plug-in).</summary>
    public static Command Create(Func<CellCollection, string, CellSelection>? selectCells)
    {
        var collection = new CollectionArguments();
        var streaming = new StreamingArguments(selectCells);
        var groupBy = new Option<string>("--groupby") { Description = "Comma-separated obs columns, e.g. cell_line,perturbation.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "With --shard: the partial (.parquet); otherwise the profiles (.csv or .h5ad).", Required = true };
        var command = new Command("pseudobulk", "Per-group mean and sum profiles of a sharded collection, streamed (memory independent of the number of cells).")
            { groupBy, output };
        collection.AddTo(command);
        streaming.AddTo(command);
        streaming.SetAction(command, parse =>
        {
            var cells = collection.Open(parse);
            var columns = parse.GetRequiredValue(groupBy).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var options = streaming.Options(parse, cells);
            string to = parse.GetRequiredValue(output);
            if (streaming.ShardOf(parse, cells) is { } shard)
            {
                if (!to.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) throw new DigitalCellException($"--out of a shard's partial must end in .parquet, got '{to}'.");
                var partial = PseudobulkPartial.Compute(cells, shard, columns, options);
                partial.Write(to);
                parse.InvocationConfiguration.Output.WriteLine($"Shard {cells.Shards[shard].Name}: {partial.Groups.Count} groups, {partial.CellCounts.Sum()} cells; wrote {to}.");
                return 0;
            }
            var profiles = cells.Pseudobulk(columns, options);
            Write(profiles, to);
            parse.InvocationConfiguration.Output.WriteLine($"{profiles.Groups.Count} groups × {profiles.Genes.Count} genes over {cells.Shards.Count} shards; wrote {to}.");
            return 0;
        });
        return command;
    }

    /// <summary>Writes profiles as .csv (group, n_cells, one float32 mean column per gene, shortest round-trip text) or .h5ad.</summary>
    internal static void Write(PseudobulkProfiles profiles, string path)
    {
        if (path.EndsWith(".h5ad", StringComparison.OrdinalIgnoreCase))
        {
            H5adFile.Write(profiles.ToDataset(), path);
            return;
        }
        if (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) throw new DigitalCellException($"--out must end in .csv or .h5ad, got '{path}'.");
        AtomicFile.Write(path, temp =>
        {
            using var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16);
            writer.WriteLine("group,n_cells," + string.Join(",", profiles.Genes.Select(Quote)));
            for (int g = 0; g < profiles.Groups.Count; g++)
            {
                writer.Write(Quote(profiles.Groups[g]));
                writer.Write(',');
                writer.Write(profiles.CellCounts[g].ToString(CultureInfo.InvariantCulture));
                foreach (var v in profiles.Means.Row(g))
                {
                    writer.Write(',');
                    writer.Write(v.ToString("R", CultureInfo.InvariantCulture));
                }
                writer.WriteLine();
            }
        });
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
