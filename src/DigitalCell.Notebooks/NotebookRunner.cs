using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Display;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive.Formatting;

namespace DigitalCell.Notebooks;

/// <summary>
/// Runs the C# cells of a .NET Interactive notebook in order, with shared state, on Roslyn scripting: the same
/// semantics as the kernel (each cell a script submission continuing the previous one, top-level <c>await</c>, the
/// last expression as the cell's result, <c>display(x)</c> and <c>x.Display()</c>), without the kernel, which is not
/// on the package mirror. Outputs are written into the notebook as nbformat outputs with execution counts; the run
/// stops at the first failing cell, whose error output says what failed.
/// </summary>
public sealed class NotebookRunner
{
    // Console, the current directory and the Formatter's display subscription are process-wide, so notebooks in
    // one process run one at a time.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    // The C# kernel's default usings, so notebook code compiles identically in both.
    private static readonly string[] KernelImports =
        ["System", "System.Collections.Generic", "System.Linq", "System.Text", "System.Threading.Tasks", "Microsoft.DotNet.Interactive.Formatting"];

    private readonly NotebookRunOptions options;
    private readonly HostPackages packages;

    /// <summary>Creates a runner; the host's packages are read once, here.</summary>
    public NotebookRunner(NotebookRunOptions? options = null)
    {
        this.options = options ?? new NotebookRunOptions();
        packages = HostPackages.ForCurrentProcess(this.options.HostPackages);
    }

    /// <summary>Executes <paramref name="notebook"/>, replacing the outputs of its C# cells; markdown cells are left untouched.</summary>
    /// <returns>Whether every cell succeeded and, if not, which cell failed. The notebook holds the outputs either way.</returns>
    /// <exception cref="DigitalCellException">Parameters were given but the notebook has no cell tagged <c>parameters</c>.</exception>
    public async Task<NotebookRunResult> RunAsync(NotebookDocument notebook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        await OneAtATime.WaitAsync(cancellationToken);
        var outputs = new CellOutputs();
        var (stdout, stderr, directory) = (Console.Out, Console.Error, Environment.CurrentDirectory);
        try
        {
            Console.SetOut(outputs.Writer("stdout"));
            Console.SetError(outputs.Writer("stderr"));
            using var subscription = Formatter.SubscribeToDisplayedValues(outputs.Display);
            // Relative paths in a notebook mean what they mean in the kernel: relative to the notebook's folder.
            string notebookDirectory = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
            if (Directory.Exists(notebookDirectory)) Environment.CurrentDirectory = notebookDirectory;
            NotebookDisplay.BeginNotebook();
            return await ExecuteAsync(notebook, outputs, notebookDirectory, cancellationToken);
        }
        finally
        {
            outputs.Begin(null);
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Environment.CurrentDirectory = directory;
            OneAtATime.Release();
        }
    }

    private async Task<NotebookRunResult> ExecuteAsync(NotebookDocument notebook, CellOutputs outputs, string directory, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cells = notebook.Cells;
        NotebookParameters.RemoveInjected(cells);
        int parametersCell = cells.ToList().FindIndex(c => NotebookParameters.HasTag(c, NotebookParameters.ParametersTag));
        if (options.Parameters.Count > 0 && parametersCell < 0)
            throw new DigitalCellException(notebook.Path, "parameters",
                $"--param {options.Parameters.First().Key} was given, but no cell is tagged '{NotebookParameters.ParametersTag}' to declare it.");
        string defaultLanguage = notebook.Root["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>() ?? "csharp";
        foreach (var cell in cells.OfType<JsonObject>().Where(c => IsCode(c) && !CellCode.IsMarkdown(Language(c, defaultLanguage))))
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }

        var session = new Session(BaseOptions(directory));
        int executed = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell || !IsCode(cell)) continue;
            string language = Language(cell, defaultLanguage);
            if (CellCode.IsMarkdown(language)) continue;
            var cellOutputs = new JsonArray();
            cell["outputs"] = cellOutputs;
            cell["execution_count"] = ++executed;
            outputs.Begin(cellOutputs);
            var error = await RunCellAsync(session, NotebookDocument.TextOf(cell["source"]), language, executed, outputs, cancellationToken);
            if (error is null && i == parametersCell && options.Parameters.Count > 0)
            {
                try
                {
                    cells.Insert(i + 1, NotebookParameters.InjectedCell(session.State, options.Parameters, notebook.Path));
                }
                catch (DigitalCellException e)
                {
                    error = ("ParameterError", e.Message, [e.Message]);
                }
            }
            if (error is { } failed)
            {
                var failure = new NotebookCellFailure(i + 1, executed, failed.Name, failed.Message);
                outputs.Error(failed.Name, failed.Message, [$"Failed {failure}", .. failed.Trace]);
                return new NotebookRunResult(notebook.Path, executed, failure, clock.Elapsed);
            }
        }
        return new NotebookRunResult(notebook.Path, executed, null, clock.Elapsed);
    }

    private async Task<(string Name, string Message, string[] Trace)?> RunCellAsync(
        Session session, string source, string language, int executionCount, CellOutputs outputs, CancellationToken cancellationToken)
    {
        CellCode code;
        try
        {
            code = CellCode.Parse(source, language);
            foreach (var package in code.Packages)
                session.Options = session.Options.AddReferences(Resolve(package));
        }
        catch (NotSupportedException e)
        {
            return ("NotSupported", e.Message, []);
        }
        if (code.IsEmpty) return null;

        var state = session.State;
        var options = session.Options;
        var run = Task.Run(() => state is null
            ? CSharpScript.Create(code.Code, options, typeof(NotebookGlobals)).RunAsync(session.Globals, _ => true, cancellationToken)
            : state.ContinueWithAsync(code.Code, options, _ => true, cancellationToken), cancellationToken);
        ScriptState<object> next;
        try
        {
            next = this.options.CellTimeout is { } timeout ? await run.WaitAsync(timeout, cancellationToken) : await run;
        }
        catch (CompilationErrorException e)
        {
            return ("CompilationError", e.Diagnostics.FirstOrDefault()?.ToString() ?? e.Message, [.. e.Diagnostics.Select(d => d.ToString())]);
        }
        catch (TimeoutException)
        {
            // The cell's thread cannot be aborted; it is abandoned, and the run stops here.
            return ("Timeout", $"the cell ran longer than the {this.options.CellTimeout!.Value.TotalSeconds:0.###} s limit.", []);
        }
        if (next.Exception is { } exception)
            return (exception.GetType().Name, exception.Message, exception.ToString().Split('\n'));
        session.State = next;
        if (next.ReturnValue is { } value and not DisplayedValue) outputs.Result(value, executionCount);
        return null;
    }

    private IReadOnlyList<Assembly> Resolve(NuGetDirective package)
    {
        try
        {
            return packages.Resolve(package.Id, package.Version);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"line {package.Line}: #r \"nuget: {package.Id}\": {e.Message}", e);
        }
    }

    private static bool IsCode(JsonObject cell) => (string?)cell["cell_type"] == "code";

    // Polyglot Notebooks records each cell's kernel in its metadata (older files: dotnet_interactive.language).
    private static string Language(JsonObject cell, string defaultLanguage) =>
        cell["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
        ?? cell["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>()
        ?? defaultLanguage;

    private static ScriptOptions BaseOptions(string directory)
    {
        // The kernel compiles against the whole shared framework; so do we.
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var framework = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetDirectoryName(p) + Path.DirectorySeparatorChar == runtime || Path.GetDirectoryName(p) == runtime)
            .Select(p => MetadataReference.CreateFromFile(p));
        return ScriptOptions.Default
            .AddReferences(framework)
            .AddReferences(typeof(Formatter).Assembly, typeof(NotebookGlobals).Assembly)
            .WithImports(KernelImports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(directory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(directory))
            .WithOptimizationLevel(OptimizationLevel.Release);
    }

    private sealed class Session(ScriptOptions options)
    {
        public ScriptOptions Options { get; set; } = options;

        public ScriptState<object>? State { get; set; }

        public NotebookGlobals Globals { get; } = new();
    }
}
