namespace DigitalCell.Sdk.Screens;

/// <summary>How far a screen has come.</summary>
/// <param name="Completed">Candidates scored so far (including those restored from a checkpoint).</param>
/// <param name="Total">Candidates in the screen.</param>
/// <param name="Resumed">Candidates restored from the checkpoint instead of predicted again.</param>
public sealed record ScreenProgress(int Completed, int Total, int Resumed = 0);
