using DigitalCell.Sdk;

namespace DigitalCell.Notebooks;

/// <summary>How <see cref="NotebookRunner"/> executes a notebook.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>The per-cell limit when none is given: long enough for a first NuGet restore, short enough that a
    /// cell looping forever cannot hang CI.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Values for variables declared in the cell tagged <c>parameters</c> (papermill's convention), by name.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest one cell may run; a cell that runs over is stopped and fails the notebook.</summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;

    /// <summary>The longest the kernel may take to start.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The Jupyter kernel to run in (<c>dotnet interactive jupyter install</c> registers <c>.net-csharp</c>).</summary>
    public string KernelName { get; init; } = NotebookDocument.CSharpKernelName;

    /// <summary>A local mirror of the data catalog, passed to the kernel as <c>DIGITALCELL_MIRROR</c>; null to inherit.</summary>
    public string? Mirror { get; init; }

    /// <summary>Receives the code cells run so far of each notebook (step <c>NAME.ipynb: cells</c>) as each finishes; null for none.</summary>
    public IProgress<WorkProgress>? Progress { get; init; }
}
