using System.CommandLine;
using System.Globalization;
using DigitalCell.Sdk;
using DigitalCell.Sdk.IO;
using DigitalCell.Cli.Commands;
using DigitalCell.Sdk.Query;

namespace DigitalCell.Cli.Query;

/// <summary>
/// <c>dcell query &lt;collection&gt; "&lt;sql&gt;" [--out f.csv]</c>: SQL over the obs of every shard with embedded DuckDB
/// (table <c>obs</c>: shard, shard_index, row, cell, then the obs columns); the result as CSV on stdout or in a file.
/// </summary>
internal static class QueryCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var collection = new CollectionArguments();
        var sql = new Argument<string>("sql") { Description = "DuckDB SQL over the table obs, e.g. \"SELECT perturbation, cell_line, count(*) FROM obs GROUP BY ALL\"." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the result to this .csv file instead of stdout." };
        var command = new Command("query", "Run SQL over a sharded collection's cell metadata (embedded DuckDB; X is not read).");
        collection.AddTo(command);
        command.Arguments.Add(sql);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            var frame = collection.Open(parse).Query(parse.GetRequiredValue(sql));
            string? to = parse.GetValue(output);
            if (to is null)
            {
                using var buffer = new MemoryStream();
                Microsoft.Data.Analysis.DataFrame.SaveCsv(frame, buffer, cultureInfo: CultureInfo.InvariantCulture);
                parse.InvocationConfiguration.Output.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
                return 0;
            }
            if (!to.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) throw new DigitalCellException($"--out must end in .csv, got '{to}'.");
            AtomicFile.Write(to, temp => Microsoft.Data.Analysis.DataFrame.SaveCsv(frame, temp, cultureInfo: CultureInfo.InvariantCulture));
            parse.InvocationConfiguration.Output.WriteLine($"Wrote {frame.Rows.Count} rows × {frame.Columns.Count} columns to {to}.");
            return 0;
        });
        return command;
    }
}
