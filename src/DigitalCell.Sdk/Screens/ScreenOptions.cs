namespace DigitalCell.Sdk.Screens;

/// <summary>How a screen runs; every default gives the same table on any machine.</summary>
/// <param name="Direction">Which way the objective should move; ranks follow it (rank 1 = strongest move that way).</param>
/// <param name="Context">The context value (cell line/type) passed to the models, or null for their training context.</param>
/// <param name="Parallelism">Batches predicted at once (bounded; 0 = the processor count).</param>
/// <param name="BatchSize">Candidates per prediction call and per checkpoint write.</param>
/// <param name="TopGenes">Genes listed per candidate as the ones it moves most (targets excluded).</param>
/// <param name="CheckpointDirectory">Folder for <see cref="ScreenCheckpoint.FileName"/>: finished candidates are appended there and a rerun resumes from them; null = no checkpoint.</param>
/// <param name="KnownHits">Genes with literature evidence, flagged in the table and the hit cards (case-insensitive).</param>
public sealed record ScreenOptions(
    ScreenDirection Direction = ScreenDirection.Down,
    string? Context = null,
    int Parallelism = 0,
    int BatchSize = 256,
    int TopGenes = 5,
    string? CheckpointDirectory = null,
    IReadOnlyCollection<string>? KnownHits = null)
{
    internal int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;

    internal void Validate()
    {
        if (Parallelism < 0) throw new DigitalCellException($"Screen: parallelism must be ≥ 0, got {Parallelism}.");
        if (BatchSize < 1) throw new DigitalCellException($"Screen: batch size must be ≥ 1, got {BatchSize}.");
        if (TopGenes < 0) throw new DigitalCellException($"Screen: top genes must be ≥ 0, got {TopGenes}.");
    }
}
