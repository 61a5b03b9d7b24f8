using System.Diagnostics;
using DigitalCell.Sdk;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// Shows a long step's <see cref="WorkProgress"/>: a Spectre.Console bar on stderr when stderr is a terminal; otherwise
/// (piped, a log, a test's writer) a plain <c>step: n/N (p %)</c> line at most every <see cref="PlainInterval"/>, so a
/// short step prints nothing and a long one a handful of lines.
/// </summary>
internal static class TerminalProgress
{
    /// <summary>The least time between two plain progress lines.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="work"/>, showing what it reports on <paramref name="error"/>.</summary>
    public static T Run<T>(TextWriter error, string description, Func<IProgress<WorkProgress>, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(error, description, progress => Task.FromResult(work(progress))).GetAwaiter().GetResult();
    }

    /// <summary>Runs the asynchronous <paramref name="work"/> (e.g. a notebook), showing what it reports on <paramref name="error"/>.</summary>
    public static async Task<T> RunAsync<T>(TextWriter error, string description, Func<IProgress<WorkProgress>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Console.IsErrorRedirected || !ReferenceEquals(error, Console.Error))
            return await work(new PlainReporter(error));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var reporter = new BarReporter(context, description);
                result = await work(reporter);
                reporter.Finish();
            });
        return result;
    }

    /// <summary>
    /// One bar per reported step (e.g. DE, then the anchors); reports from parallel workers may arrive out of order, so
    /// a bar only moves forward.
    /// </summary>
    private sealed class BarReporter(ProgressContext context, string description) : IProgress<WorkProgress>
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void Report(WorkProgress value)
        {
            lock (_gate)
            {
                if (!_tasks.TryGetValue(value.Step, out var task))
                    _tasks[value.Step] = task = context.AddTask(Markup.Escape($"{description}: {value.Step}"), maxValue: Math.Max(1, value.Total));
                task.MaxValue = Math.Max(task.MaxValue, value.Total); // a download of unknown size grows its total
                task.Value = Math.Max(task.Value, value.Completed);
                if (value.Detail is not null) task.Description = Markup.Escape(Program.TerminalLine($"{description}: {value.Step} ({value.Detail})"));
            }
        }

        public void Finish()
        {
            lock (_gate)
                foreach (var task in _tasks.Values) task.Value = task.MaxValue;
        }
    }

    private sealed class PlainReporter(TextWriter error) : IProgress<WorkProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();
        private TimeSpan _last;

        public void Report(WorkProgress value)
        {
            lock (_gate)
            {
                if (_clock.Elapsed - _last < PlainInterval) return;
                _last = _clock.Elapsed;
                error.WriteLine(Program.TerminalLine($"{value.Step}: {value.Completed}/{value.Total} ({100.0 * value.Completed / Math.Max(1, value.Total):F0} %)" +
                                                     (value.Detail is null ? "" : $", {value.Detail}")));
            }
        }
    }
}
