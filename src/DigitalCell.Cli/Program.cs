using System.CommandLine;
using DigitalCell.Cli.Commands;
using DigitalCell.Sdk;

namespace DigitalCell.Cli;

/// <summary>The <c>dcell</c> entry point: the command tree and the one place errors become exit codes.</summary>
public static class Program
{
    /// <summary>Exit code for a failure the user can fix (bad file, unknown name, unreadable path).</summary>
    public const int ErrorExitCode = 1;

    /// <summary>Exit code for a command line that does not parse (unknown command or option, missing argument).</summary>
    public const int UsageExitCode = 2;

    /// <summary>Runs dcell against the real console; Ctrl-C and SIGTERM cancel the command (exit 130 / 143).</summary>
    public static int Main(string[] args) => RunOnConsole(CreateRootCommand(), args);

    /// <summary>Runs <paramref name="args"/> against <paramref name="root"/> on the real console, Ctrl-C and SIGTERM cancelling the command (exit 130 / 143).</summary>
    public static int RunOnConsole(RootCommand root, string[] args)
    {
        using var interruption = new Interruption(Console.Error);
        int code = Run(root, args, Console.Out, Console.Error, interruption.Token);
        return interruption.ExitCode ?? code;
    }

    /// <summary>
    /// Builds the command tree. Each command lives in its own file under Commands/ and is registered here with one line.
    /// <paramref name="neural"/> supplies the neural commands and models; by default they forward to the dcell-neural plug-in.
    /// <paramref name="query"/> supplies <c>query</c> and <c>--where</c> (DuckDB); by default they forward to the dcell-query plug-in.
    /// </summary>
    public static RootCommand CreateRootCommand(NeuralExtension? neural = null, QueryExtension? query = null)
    {
        neural ??= NeuralPlugin.Forwarding;
        query ??= QueryExtension.Forwarding;
        var root = new RootCommand("dcell: build, fine-tune and score digital AI cells.");
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(DemoCommand.Create(neural.CreateModel, ToolPlugin.Neural));
        root.Subcommands.Add(DatasetsCommand.Create());
        root.Subcommands.Add(NotebookCommand.Create());
        root.Subcommands.Add(PreprocessCommand.Create());
        root.Subcommands.Add(DeCommand.Create());
        root.Subcommands.Add(EDistanceCommand.Create());
        root.Subcommands.Add(BenchmarkCommand.Create(neural.CreateModel));
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(ScreenCommand.Create(forwardNeural: neural.CreateModel is null));
        foreach (var command in neural.Commands) root.Subcommands.Add(command);
        root.Subcommands.Add(query.Query);
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(PseudobulkCommand.Create(query.SelectCells));
        root.Subcommands.Add(PseudobulkMergeCommand.Create());
        root.Subcommands.Add(PartitionCommand.Create(query.SelectCells));
        root.Subcommands.Add(PartitionDeCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ReproduceCommand.Create((args, output, error, cancellationToken) => Run(CreateRootCommand(neural, query), args, output, error, cancellationToken)));
        root.Subcommands.Add(ExportCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>, writing to the given streams (tests pass string writers). Usage errors
    /// print <c>error: …</c> lines and return 2; SDK and file-system errors print one <c>error: …</c> line and return 1.
    /// Stack traces are printed only when the environment variable <c>DCELL_DEBUG=1</c>.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(CreateRootCommand(), args, output, error, CancellationToken.None);

    /// <summary>Runs <paramref name="args"/> against <paramref name="root"/> with dcell's error handling (see <see cref="Run(string[], TextWriter, TextWriter)"/>).</summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error) => Run(root, args, output, error, CancellationToken.None);

    /// <summary>Like <see cref="Run(RootCommand, string[], TextWriter, TextWriter)"/>; <paramref name="cancellationToken"/> reaches every command that takes one.</summary>
    public static int Run(RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        // Response files off: '@' starts ordinary values here (perturbation labels, '@file' lists read by the commands themselves).
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) error.WriteLine(ErrorLine(e.Message));
            error.WriteLine("Run 'dcell --help' for usage.");
            return UsageExitCode;
        }
        try
        {
            // Signals are handled by Main (Interruption), not by System.CommandLine's own handler.
            return parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellationToken)
                .GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine(ErrorLine("interrupted; stopped before finishing, nothing was written."));
            return ErrorExitCode;
        }
        catch (Exception e) when (e is DigitalCellException or IOException or UnauthorizedAccessException)
        {
            return Fail(error, e.Message, e);
        }
        catch (Exception e)
        {
            // Anything else is a bug in dcell, not in the user's input: say so, still in one line.
            return Fail(error, $"internal error ({e.GetType().Name}): {e.Message}. Set DCELL_DEBUG=1 for details.", e);
        }
    }

    private static int Fail(TextWriter error, string message, Exception e)
    {
        error.WriteLine(ErrorLine(message));
        if (Environment.GetEnvironmentVariable("DCELL_DEBUG") == "1") error.WriteLine(e.ToString());
        return ErrorExitCode;
    }

    /// <summary>The one <c>error:</c> line for <paramref name="message"/> (see <see cref="TerminalLine"/>).</summary>
    public static string ErrorLine(string message) => "error: " + TerminalLine(message);

    /// <summary>
    /// <paramref name="text"/> made safe to print as one line: line breaks joined, and every other control or format
    /// character (escape sequences, bidi overrides) shown as <c>?</c>, since errors, warnings and notes quote file
    /// contents and a terminal would otherwise obey them. Every such line dcell prints goes through here.
    /// </summary>
    public static string TerminalLine(string text)
    {
        var oneLine = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return string.Create(oneLine.Length, oneLine, (span, line) =>
        {
            for (int i = 0; i < line.Length; i++)
                span[i] = char.IsControl(line[i]) || char.GetUnicodeCategory(line[i]) == System.Globalization.UnicodeCategory.Format ? '?' : line[i];
        });
    }
}
