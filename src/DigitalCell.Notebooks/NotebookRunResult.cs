namespace DigitalCell.Notebooks;

/// <summary>The outcome of running one notebook; the executed notebook is written either way.</summary>
/// <param name="Path">The notebook that ran.</param>
/// <param name="ExecutedCells">How many code cells ran (including a failing one).</param>
/// <param name="Failure">The first failing cell, or null when every cell succeeded.</param>
/// <param name="Elapsed">Wall time of the run, kernel start included.</param>
public sealed record NotebookRunResult(string Path, int ExecutedCells, NotebookCellFailure? Failure, TimeSpan Elapsed)
{
    /// <summary>True when every code cell ran without error.</summary>
    public bool Succeeded => Failure is null;
}

/// <summary>Which cell failed and why.</summary>
/// <param name="CellNumber">1-based position of the cell in the executed notebook, markdown cells included.</param>
/// <param name="ExecutionCount">The cell's execution count, shown as <c>In [n]</c> by notebook front ends.</param>
/// <param name="ErrorName">The kernel's error name, <c>CellTimeoutError</c> or <c>DeadKernelError</c>.</param>
/// <param name="Message">The error message.</param>
public sealed record NotebookCellFailure(int CellNumber, int ExecutionCount, string ErrorName, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"cell {CellNumber} (In [{ExecutionCount}]): {ErrorName}: {Message}";
}
