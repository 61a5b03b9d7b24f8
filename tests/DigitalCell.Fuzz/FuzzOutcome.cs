namespace DigitalCell.Fuzz;

/// <summary>What running one case did, and what was wrong with it (null when handled cleanly).</summary>
/// <param name="Case">The case.</param>
/// <param name="ExitCode">dcell's exit code; null when the child process died during the case.</param>
/// <param name="Milliseconds">Wall time of the case inside the child.</param>
/// <param name="Error">What dcell wrote to stderr.</param>
/// <param name="Problem">Why the case counts as a failure, or null.</param>
public sealed record FuzzOutcome(FuzzCase Case, int? ExitCode, long Milliseconds, string Error, string? Problem)
{
    /// <inheritdoc />
    public override string ToString() => $"{Case.Id} (dcell {string.Join(' ', Case.Arguments)}): {Problem}; exit {ExitCode?.ToString() ?? "none (crashed)"}, {Milliseconds} ms, stderr: {Error.Trim()}";
}
