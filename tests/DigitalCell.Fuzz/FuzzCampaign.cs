using System.Diagnostics;

namespace DigitalCell.Fuzz;

/// <summary>
/// Runs fuzz cases in child processes of this harness, in batches: the child announces each case before running it,
/// so a crash (a signal, a stack overflow, an out-of-memory kill) is attributed to that case, and the next child
/// resumes after it. Each child runs with <c>DOTNET_GCHeapHardLimit</c> so a memory bomb fails instead of swapping.
/// </summary>
public static class FuzzCampaign
{
    /// <summary>The managed heap ceiling of a child process: far above what the small fuzz inputs legitimately need.</summary>
    public const long HeapLimitBytes = 768L << 20;

    /// <summary>The longest one case may take.</summary>
    public static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(30);

    /// <summary>Generates cases <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/> of <paramref name="seed"/> under <paramref name="workDirectory"/>, runs them and judges each.</summary>
    public static List<FuzzOutcome> Run(string harnessDll, string workDirectory, int seed, int first, int count, int batchSize = 100)
    {
        var corpus = new FuzzCorpus(workDirectory);
        var cases = Enumerable.Range(first, count).Select(i => corpus.Case(seed, i)).ToList();
        var outcomes = new List<FuzzOutcome>();
        for (int start = 0; start < cases.Count;)
        {
            var batch = cases.Skip(start).Take(batchSize).ToList();
            var done = RunBatch(harnessDll, workDirectory, batch);
            outcomes.AddRange(done);
            start += Math.Max(1, done.Count);
        }
        return outcomes;
    }

    /// <summary>Runs one batch in one child; returns the outcomes up to and including a crashed case.</summary>
    private static List<FuzzOutcome> RunBatch(string harnessDll, string workDirectory, List<FuzzCase> batch)
    {
        string list = Path.Combine(workDirectory, "batch.tsv");
        File.WriteAllLines(list, batch.Select(c => c.ToLine()));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(harnessDll);
        info.ArgumentList.Add("batch");
        info.ArgumentList.Add(list);
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("X");
        info.Environment["DCELL_DEBUG"] = "0";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var outcomes = new List<FuzzOutcome>();
        var byId = batch.ToDictionary(c => c.Id);
        FuzzCase? running = null;
        var watch = Stopwatch.StartNew();
        var timeLimit = CaseTimeLimit * batch.Count;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            if (fields[0] == "BEGIN") running = byId[fields[1]];
            else if (fields[0] == "END" && running is not null)
            {
                int code = int.Parse(fields[2]);
                long ms = long.Parse(fields[3]);
                string error = Unescape(fields[4]);
                outcomes.Add(new FuzzOutcome(running, code, ms, error, Judge(running, code, ms, error)));
                running = null;
            }
            if (watch.Elapsed > timeLimit) break;
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(10))) process.Kill(entireProcessTree: true);
        if (running is not null)
            outcomes.Add(new FuzzOutcome(running, null, watch.ElapsedMilliseconds, stderr.Result.Length > 2000 ? stderr.Result[..2000] : stderr.Result,
                $"the process died (exit {(process.HasExited ? process.ExitCode : -1)})"));
        return outcomes;
    }

    /// <summary>Why an outcome is not a clean one, or null: exit 0, or exit 1 with one error line naming the input, no trace, no leftovers.</summary>
    private static string? Judge(FuzzCase c, int code, long milliseconds, string error)
    {
        if (milliseconds > CaseTimeLimit.TotalMilliseconds) return $"took {milliseconds} ms";
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string? outDir = c.Output is null ? null : Path.GetDirectoryName(c.Output);
        if (code == 0)
        {
            if (outDir is not null) foreach (var f in Directory.EnumerateFileSystemEntries(outDir)) Delete(f);
            return null;
        }
        if (code != 1) return $"exit code {code}, expected 0 or 1";
        var errors = lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        if (errors.Count != 1 || lines.Any(l => !l.StartsWith("error: ", StringComparison.Ordinal) && !l.StartsWith("warning: ", StringComparison.Ordinal)))
            return "stderr is not exactly one error line (plus warnings)";
        if (errors[0].Contains("internal error", StringComparison.Ordinal)) return "an internal error: an exception type escaped unhandled";
        if (!errors[0].Contains(c.Input, StringComparison.Ordinal)) return "the error does not name the input";
        if (errors[0].Any(ch => char.IsControl(ch) && ch != '\t')) return "the error line carries control characters to the terminal";
        if (outDir is not null && Directory.EnumerateFileSystemEntries(outDir).Any())
            return $"left {string.Join(", ", Directory.EnumerateFileSystemEntries(outDir).Select(Path.GetFileName))} behind";
        return null;
    }

    private static void Delete(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }

    /// <summary>Escapes text for one tab-separated field.</summary>
    public static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");

    private static string Unescape(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\\(.)", m => m.Groups[1].Value switch { "t" => "\t", "n" => "\n", "r" => "\r", var other => other });
}
