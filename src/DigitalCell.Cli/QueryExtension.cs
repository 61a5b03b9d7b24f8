using System.CommandLine;
using DigitalCell.Sdk.Collections;

namespace DigitalCell.Cli;

/// <summary>
/// What needs embedded DuckDB: the <c>query</c> command and the <c>--where</c> cell selection of the out-of-core
/// commands. dcell carries no DuckDB and forwards both to the <c>dcell-query</c> plug-in (<see cref="ToolPlugin.Query"/>);
/// dcell-query builds the same tree with the real ones.
/// </summary>
/// <param name="Query">The <c>query</c> command to register.</param>
/// <param name="SelectCells">Selects a collection's cells by an SQL predicate over obs; null when <c>--where</c> must be forwarded.</param>
public sealed record QueryExtension(Command Query, Func<CellCollection, string, CellSelection>? SelectCells)
{
    /// <summary>dcell's extension: a forwarding <c>query</c> and no cell selector.</summary>
    internal static QueryExtension Forwarding { get; } = new(
        ToolPlugin.Query.Forward("query", "Run SQL over a sharded collection's cell metadata (embedded DuckDB; X is not read)."), SelectCells: null);
}
