using System.CommandLine;
using DigitalCell.Notebooks;
using DigitalCell.Sdk;

namespace DigitalCell.Cli.Commands;

/// <summary><c>dcell notebook run</c>: executes .NET Interactive notebooks headless in the real .NET Interactive kernel
/// (for CI and to refresh the committed outputs) and writes the executed notebooks, stopping each at its first failing cell.</summary>
public static class NotebookCommand
{
    /// <summary>Builds the <c>notebook</c> command and its <c>run</c> subcommand.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks (.ipynb) to run, in order.", Arity = ArgumentArity.OneOrMore };
        var parameters = new Option<string[]>("--param")
        {
            Description = "name=value for a variable of the cell tagged 'parameters' (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string?>("--out", "-o") { Description = "Directory to write the executed notebooks to." };
        var inplace = new Option<bool>("--inplace") { Description = "Overwrite each notebook with its executed version." };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Longest time in seconds one cell may run; a cell that runs over is stopped and fails the notebook.",
            DefaultValueFactory = _ => NotebookRunOptions.DefaultCellTimeout.TotalSeconds,
        };
        var mirror = new Option<string?>("--mirror") { Description = "Local mirror of the data catalog, given to the kernel as DIGITALCELL_MIRROR." };
        var run = new Command("run", "Execute notebooks in the .NET Interactive kernel (Jupyter kernel .net-csharp) and save them with their outputs.")
        {
            paths, parameters, output, inplace, timeout, mirror,
        };
        run.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(paths)!, parse.GetValue(parameters) ?? [], parse.GetValue(output), parse.GetValue(inplace),
            parse.GetValue(timeout), parse.GetValue(mirror), parse.InvocationConfiguration, cancellationToken));
        return new Command("notebook", "Work with .NET Interactive notebooks.") { run };
    }

    private static async Task<int> RunAsync(string[] paths, string[] parameters, string? output, bool inplace, double timeout,
        string? mirror, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        if ((output is null) == !inplace)
            throw new DigitalCellException("notebook run: choose where executed notebooks go: --out <dir> or --inplace (one of them).");
        if (!(timeout > 0) || double.IsInfinity(timeout))
            throw new DigitalCellException($"notebook run: --timeout must be a positive number of seconds, not {timeout}.");
        if (mirror is not null && !Directory.Exists(mirror))
            throw new DigitalCellException(mirror, null, "--mirror is not a directory.");
        var options = new NotebookRunOptions
        {
            Parameters = ParseParameters(parameters),
            CellTimeout = TimeSpan.FromSeconds(timeout),
            Mirror = mirror,
        };
        int failed = 0;
        foreach (var path in paths)
        {
            var notebook = NotebookDocument.Load(path);
            // The executed notebook is written even when a cell failed: its error output is the diagnosis.
            string target = inplace ? path : Path.Combine(output!, Path.GetFileName(path));
            // The cells run show as a bar on a terminal; the ok/FAILED line follows once the bar is gone.
            var result = await TerminalProgress.RunAsync(console.Error, "notebook",
                progress => new NotebookRunner(options with { Progress = progress }).RunAsync(notebook, target, cancellationToken));
            if (result.Succeeded)
            {
                console.Output.WriteLine($"ok      {path}: {result.ExecutedCells} cells in {result.Elapsed.TotalSeconds:0.0} s -> {target}");
            }
            else
            {
                failed++;
                console.Error.WriteLine(Program.TerminalLine($"FAILED  {path}: {result.Failure} (executed notebook: {target})"));
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static Dictionary<string, string> ParseParameters(string[] parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            int equals = parameter.IndexOf('=');
            if (equals <= 0) throw new DigitalCellException($"notebook run: --param '{parameter}' is not name=value.");
            values[parameter[..equals].Trim()] = parameter[(equals + 1)..];
        }
        return values;
    }
}
