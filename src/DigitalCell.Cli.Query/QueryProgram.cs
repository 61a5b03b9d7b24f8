using System.CommandLine;

namespace DigitalCell.Cli.Query;

/// <summary>
/// The <c>dcell-query</c> entry point: dcell's whole command tree with <c>query</c> made real (embedded DuckDB). A tool
/// package of its own, so that dcell installs without DuckDB's native library; dcell forwards <c>query</c> here.
/// </summary>
public static class QueryProgram
{
    /// <summary>Runs dcell-query against the real console (Ctrl-C and SIGTERM cancel the command, exit 130 / 143).</summary>
    public static int Main(string[] args) => Program.RunOnConsole(CreateRootCommand(), args);

    /// <summary>Parses and runs <paramref name="args"/> as <see cref="Program.Run(string[], TextWriter, TextWriter)"/> does.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Program.Run(CreateRootCommand(), args, output, error);

    /// <summary>dcell's command tree with the real query command and <c>--where</c>.</summary>
    public static RootCommand CreateRootCommand() =>
        Program.CreateRootCommand(query: new QueryExtension(QueryCommand.Create(), Sdk.Query.CollectionQueries.SelectCells));
}
