using System.CommandLine;
using DigitalCell.Sdk.Collections;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// The on-the-fly transform options of the out-of-core commands: <c>--normalize</c>, <c>--log1p</c>, <c>--where</c>,
/// <c>--shard</c>. <c>--where</c> is SQL run by embedded DuckDB, which lives in the dcell-query plug-in: without a
/// <paramref name="selectCells"/> (dcell itself) a command given <c>--where</c> runs in that plug-in.
/// </summary>
/// <param name="selectCells">Selects a collection's cells by an SQL predicate over obs; null forwards <c>--where</c> to the plug-in.</param>
internal sealed class StreamingArguments(Func<CellCollection, string, CellSelection>? selectCells)
{
    public Option<double?> Normalize { get; } = new("--normalize") { Description = "Scale each cell to this total as it streams (e.g. 1e4)." };

    public Option<bool> Log1p { get; } = new("--log1p") { Description = "log1p-transform values as they stream (after --normalize)." };

    public Option<string?> Where { get; } = new("--where") { Description = "SQL predicate over obs selecting the cells (embedded DuckDB), e.g. \"cell_line = 'CL01'\"." };

    public Option<int?> Shard { get; } = new("--shard") { Description = "Process only this shard (0-based position in the collection): the map step of a workflow." };

    public void AddTo(Command command)
    {
        command.Options.Add(Normalize);
        command.Options.Add(Log1p);
        command.Options.Add(Where);
        command.Options.Add(Shard);
    }

    public CollectionAnalysisOptions Options(ParseResult parse, CellCollection collection) => new()
    {
        NormalizeTotal = parse.GetValue(Normalize),
        Log1p = parse.GetValue(Log1p),
        Cells = parse.GetValue(Where) is { } predicate
            ? (selectCells ?? throw new InvalidOperationException("--where without a cell selector must be forwarded (SetAction does)"))(collection, predicate)
            : null,
    };

    /// <summary>Sets <paramref name="command"/>'s action to <paramref name="run"/>, or to forwarding the whole command line to dcell-query when <c>--where</c> needs DuckDB and this process has none.</summary>
    public void SetAction(Command command, Func<ParseResult, int> run) => command.SetAction((parse, cancellationToken) =>
        selectCells is null && parse.GetValue(Where) is not null
            ? ToolPlugin.Query.RunAsync(parse.Tokens.Select(t => t.Value).ToArray(), parse.InvocationConfiguration, cancellationToken)
            : Task.FromResult(run(parse)));

    /// <summary>The shard asked for, checked against the collection.</summary>
    public int? ShardOf(ParseResult parse, CellCollection collection) => parse.GetValue(Shard) is not { } s ? null
        : s >= 0 && s < collection.Shards.Count ? s
        : throw new Sdk.DigitalCellException($"--shard {s} is outside the collection's {collection.Shards.Count} shards (0..{collection.Shards.Count - 1}).");
}
