namespace DigitalCell.Notebooks;

/// <summary>How <see cref="NotebookRunner"/> executes a notebook.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>Values for variables declared in the cell tagged <c>parameters</c> (papermill's convention), by name.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest one cell may run; null for no limit. A cell that runs over fails the notebook.</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>Packages whose <c>#r "nuget: ..."</c> the host satisfies, with their whole dependency closure.
    /// The default is the SDK; an application that also ships <c>DigitalCell.Sdk.Torch</c> adds it.</summary>
    public IReadOnlyList<string> HostPackages { get; init; } = ["DigitalCell.Sdk"];
}
