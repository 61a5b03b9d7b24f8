using DigitalCell.Notebooks;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Tests.Shared;
using static DigitalCell.Cli.Tests.Notebooks.TestNotebook;

namespace DigitalCell.Cli.Tests;

/// <summary>
/// Progress of the long steps (issue 11, item 8): the API reports through <see cref="IProgress{T}"/>; dcell shows it as a
/// bar on a terminal and, piped, as a plain line at most every 10 s, so a short run's stderr stays empty.
/// </summary>
[NonParallelizable] // sets DIGITALCELL_PYTHON
public class ProgressTests : TempDirectoryTest
{
    [Test]
    public void Piped_benchmark_and_preprocess_runs_keep_stderr_quiet()
    {
        var benchmark = Dcell.Run("benchmark", "papalexi2021-thp1-subset", "--mirror", SharedData.Mirror, "--models", "control-mean", "--bootstrap", "20",
            "--out", Path.Combine(Temp, "benchmark"));
        Assert.That(benchmark.ExitCode, Is.Zero, benchmark.Error);
        Assert.That(benchmark.Error, Is.Empty, "no bar and no line under 10 s when stderr is not a terminal");

        string input = Path.Combine(Temp, "in.h5ad");
        var random = new Random(1);
        var x = new float[30, 8];
        for (int c = 0; c < 30; c++) for (int g = 0; g < 8; g++) x[c, g] = random.Next(0, 20);
        CellDataset.FromMatrix(DenseCellMatrix.From(x), [.. Enumerable.Range(0, 30).Select(i => $"c{i}")], [.. Enumerable.Range(0, 8).Select(i => $"g{i}")]).Write(input);
        var preprocess = Dcell.Run("preprocess", input, "--out", Path.Combine(Temp, "out.h5ad"), "--normalize", "1e4", "--log1p", "--pca", "3");
        Assert.That((preprocess.ExitCode, preprocess.Error), Is.EqualTo((0, "")));
        Assert.That(preprocess.Output, Does.Contain("after normalize_total(10000), log1p, pca(3)"));
    }

    [Test]
    public async Task A_notebook_run_reports_each_code_cell_as_it_finishes()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("A shell script stands in for Python.");
        string path = Write(Markdown("# title"), Code("1"), Code("2"), Code("3"));
        using var python = new EnvironmentVariableScope("DIGITALCELL_PYTHON");
        python.Set(FakeDriver());
        var reports = new List<WorkProgress>();

        var result = await new NotebookRunner(new NotebookRunOptions { Progress = new Collect(reports) })
            .RunAsync(NotebookDocument.Load(path), Path.Combine(Temp, "executed.ipynb"));

        Assert.That(result.Succeeded, Is.True, result.Failure?.ToString());
        Assert.That(reports, Is.EqualTo(new[] { new WorkProgress("test.ipynb: cells", 1, 3), new WorkProgress("test.ipynb: cells", 2, 3), new WorkProgress("test.ipynb: cells", 3, 3) }));
        var cli = Dcell.Run("notebook", "run", path, "--out", Path.Combine(Temp, "executed"));
        Assert.That((cli.ExitCode, cli.Error), Is.EqualTo((0, "")), "piped: no progress line for a short run");
        Assert.That(cli.Output, Does.StartWith("ok ").And.Contain("3 cells"));
    }

    /// <summary>
    /// A stand-in for Python and the notebook driver, speaking the driver's protocol (run_notebook.py): a progress line
    /// per code cell, then the status line; the "executed" notebook is the input.
    /// </summary>
    private string FakeDriver()
    {
        string script = Path.Combine(Temp, "fake-python");
        File.WriteAllText(script, """
            #!/bin/sh
            # $1 is the driver, $2 the input notebook, $3 the executed one.
            cp "$2" "$3"
            for n in 1 2 3; do echo "{\"progress\": $n, \"cells\": 3}"; done
            echo '{"executed": 3, "failure": null}'
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>Collects reports on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class Collect(List<WorkProgress> into) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) { lock (into) into.Add(value); }
    }
}
