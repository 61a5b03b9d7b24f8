namespace DigitalCell.Sdk.Screens;

/// <summary>Which way a screen wants its objective to move.</summary>
public enum ScreenDirection
{
    /// <summary>Lower the program score, or bring the state closer to the reference (smaller distance).</summary>
    Down,

    /// <summary>Raise the program score, or move the state away from the reference.</summary>
    Up,
}
