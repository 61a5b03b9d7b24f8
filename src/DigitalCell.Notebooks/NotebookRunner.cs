using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk;

namespace DigitalCell.Notebooks;

/// <summary>
/// Runs a notebook in the real .NET Interactive kernel, registered as a Jupyter kernel
/// (<c>dotnet tool install -g Microsoft.dotnet-interactive</c>, <c>dotnet interactive jupyter install</c>), driven
/// cell by cell by Jupyter's nbclient in a child Python process. The kernel runs out of process, so a cell that loops
/// forever is stopped by the per-cell timeout and a cell that kills the kernel (stack overflow, crash) is reported as
/// that cell's error; the executed notebook is written either way. Relative paths in cells (and a <c>nuget.config</c>
/// beside the notebook) resolve from the notebook's folder, as in VS Code and Jupyter.
/// </summary>
public sealed class NotebookRunner(NotebookRunOptions? options = null)
{
    private readonly NotebookRunOptions options = options ?? new NotebookRunOptions();

    /// <summary>Executes <paramref name="notebook"/> and writes the executed copy to <paramref name="target"/> (atomically).</summary>
    /// <returns>Whether every cell succeeded and, if not, which cell failed.</returns>
    /// <exception cref="DigitalCellException">Parameters do not match the parameters cell, or Python, nbclient or the kernel is missing.</exception>
    public async Task<NotebookRunResult> RunAsync(NotebookDocument notebook, string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentException.ThrowIfNullOrEmpty(target);
        var clock = Stopwatch.StartNew();
        NotebookParameters.Inject(notebook, options.Parameters);
        var work = Directory.CreateTempSubdirectory("dcell-notebook-");
        try
        {
            string input = Path.Combine(work.FullName, "input.ipynb"), executed = Path.Combine(work.FullName, "executed.ipynb");
            string driver = Path.Combine(work.FullName, "run_notebook.py");
            await File.WriteAllTextAsync(input, notebook.ToJson(), cancellationToken);
            await using (var script = typeof(NotebookRunner).Assembly.GetManifestResourceStream("DigitalCell.Notebooks.run_notebook.py")!)
            await using (var file = File.Create(driver)) await script.CopyToAsync(file, cancellationToken);

            string directory = Path.GetDirectoryName(Path.GetFullPath(notebook.Path))!;
            var (exitCode, stdout, stderr) = await RunDriverAsync(driver, input, executed, directory, $"{Path.GetFileName(notebook.Path)}: cells", cancellationToken);
            string last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !IsProgress(l)) ?? "";
            JsonNode? status = null;
            try { status = last.StartsWith('{') ? JsonNode.Parse(last) : null; } catch (JsonException) { }
            if (status?["startup_error"]?.GetValue<string>() is string startup)
                throw new DigitalCellException(notebook.Path, null, $"the '{options.KernelName}' kernel did not start ({FirstLine(startup)}); " + InstallHint);
            if (exitCode != 0 || status is null || !File.Exists(executed))
                throw new DigitalCellException(notebook.Path, null, $"the notebook driver failed (exit {exitCode}): {FirstLine(LastLines(stderr))}; " + InstallHint);

            var result = NotebookDocument.Parse(await File.ReadAllTextAsync(executed, cancellationToken), notebook.Path);
            // The kernel names files it loads ("Loading extensions from /home/me/.nuget/..."); a committed notebook must not
            // carry this machine's paths.
            result.ReplaceInOutputs(directory + Path.DirectorySeparatorChar, "");
            result.ReplaceInOutputs(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + Path.DirectorySeparatorChar, "~/");
            result.Save(target);
            var failure = status["failure"] is JsonObject f
                ? new NotebookCellFailure(f["cell"]!.GetValue<int>(), f["execution_count"]!.GetValue<int>(), f["ename"]!.GetValue<string>(),
                    FirstLine(f["evalue"]?.GetValue<string>() ?? ""))
                : null;
            return new NotebookRunResult(notebook.Path, status["executed"]!.GetValue<int>(), failure, clock.Elapsed);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private const string InstallHint =
        "notebook run needs /usr/bin/python3 with nbclient (apt-get install python3-nbclient python3-ipykernel) and the .NET Interactive kernel " +
        "(dotnet tool install -g Microsoft.dotnet-interactive; dotnet interactive jupyter install).";

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunDriverAsync(string driver, string input, string output, string directory,
        string progressStep, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Python())
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory,
        };
        foreach (var argument in new[]
                 {
                     driver, input, output, "--kernel", options.KernelName, "--cwd", directory,
                     "--timeout", options.CellTimeout.TotalSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                     "--startup-timeout", options.StartupTimeout.TotalSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(argument);
        // The kernelspec starts `dotnet interactive`, a global tool: make sure the tools folder is on PATH.
        string tools = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");
        start.Environment["PATH"] = $"{start.Environment["PATH"]}{Path.PathSeparator}{tools}";
        if (options.Mirror is string mirror) start.Environment["DIGITALCELL_MIRROR"] = Path.GetFullPath(mirror);
        using var process = Process.Start(start) ?? throw new DigitalCellException(start.FileName, null, "could not be started. " + InstallHint);
        // Both pipes are drained as they fill (a kernel's chatter cannot block the driver); the driver prints one status line.
        var stdout = ReadStdoutAsync(process.StandardOutput, progressStep);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Reads the driver's stdout to its end, reporting each <c>{"progress": n, "cells": N}</c> line as it comes.</summary>
    private async Task<string> ReadStdoutAsync(StreamReader reader, string progressStep)
    {
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(CancellationToken.None) is string line)
        {
            text.Append(line).Append('\n');
            if (options.Progress is { } progress && IsProgress(line))
            {
                var report = JsonNode.Parse(line)!;
                progress.Report(new WorkProgress(progressStep, report["progress"]!.GetValue<long>(), report["cells"]!.GetValue<long>()));
            }
        }
        return text.ToString();
    }

    private static bool IsProgress(string line) => line.StartsWith("{\"progress\"", StringComparison.Ordinal);

    /// <summary>Python with nbclient: <c>DIGITALCELL_PYTHON</c>, else Debian's /usr/bin/python3 (a pyenv or venv python on PATH rarely has nbclient), else python3.</summary>
    private static string Python() =>
        Environment.GetEnvironmentVariable("DIGITALCELL_PYTHON") is { Length: > 0 } configured ? configured
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";

    private static string LastLines(string text) => string.Join("\n", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(1));
}
