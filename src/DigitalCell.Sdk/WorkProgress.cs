namespace DigitalCell.Sdk;

/// <summary>
/// Progress of a long step (differential expression over genes, the bootstrap, scoring): how many of its units of work
/// are done. Reported through <see cref="IProgress{T}"/>; terminals show it as a bar.
/// </summary>
/// <param name="Step">What is running, e.g. <c>differential expression</c>.</param>
/// <param name="Completed">Units done.</param>
/// <param name="Total">Units in all.</param>
public sealed record WorkProgress(string Step, long Completed, long Total)
{
    /// <summary>A short note on the latest state (e.g. a training loss), shown beside the step; null for none.</summary>
    public string? Detail { get; init; }

    /// <summary>Reports <paramref name="completed"/> of <paramref name="total"/> when it crosses one of 100 even steps (or is the last), so a fine-grained loop does not flood the reporter.</summary>
    internal static void ReportStep(IProgress<WorkProgress>? progress, string step, long completed, long total)
    {
        if (progress is null || total <= 0) return;
        long stride = Math.Max(1, total / 100);
        if (completed % stride == 0 || completed == total) progress.Report(new WorkProgress(step, completed, total));
    }
}
