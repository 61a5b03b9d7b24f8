using System.Runtime.InteropServices;

namespace DigitalCell.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the whole process: the first signal cancels <see cref="Token"/>, which every long
/// command takes, so work stops at its next check and outputs still being written are discarded (they live in
/// temporaries until complete). A command that does not stop within <see cref="Grace"/> is ended anyway with the
/// same exit code, 130 or 143 (128 + the signal number, as shells report it); its temporaries are removed by the next run.
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>How long a cancelled command gets to unwind.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly TextWriter _error;

    public Interruption(TextWriter error)
    {
        _error = error;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>128 + the signal number once a signal arrived (130 for SIGINT, 143 for SIGTERM), else null.</summary>
    public int? ExitCode { get; private set; }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // keep the process alive long enough to clean up
        if (ExitCode is not null) return;
        int code = ExitCode ??= context.Signal == PosixSignal.SIGINT ? 130 : 143;
        _cancel.Cancel();
        Task.Delay(Grace).ContinueWith(_ =>
        {
            _error.WriteLine(Program.ErrorLine($"interrupted ({context.Signal}); stopped without finishing, nothing was written."));
            Environment.Exit(code);
        }, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cancel.Dispose();
    }
}
