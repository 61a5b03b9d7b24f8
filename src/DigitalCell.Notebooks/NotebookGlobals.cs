using Microsoft.DotNet.Interactive.Formatting;

namespace DigitalCell.Notebooks;

/// <summary>
/// Members that notebook code can call without qualification, as in the .NET Interactive C# kernel (which provides
/// them through <c>using static Microsoft.DotNet.Interactive.Kernel</c>). <c>x.Display()</c> needs nothing here: it
/// is the Formatting library's own extension method, and the runner collects what it publishes.
/// </summary>
public class NotebookGlobals
{
    /// <summary>Shows <paramref name="value"/> in the cell's outputs (HTML and plain text unless mime types are given).</summary>
    /// <returns>The displayed value, which <see cref="DisplayedValue.Update(object)"/> can replace.</returns>
#pragma warning disable IDE1006 // lower-case on purpose: the kernel's function is called display(...)
    public DisplayedValue display(object? value, params string[] mimeTypes) => (value ?? Formatter.NullString).Display(mimeTypes);
#pragma warning restore IDE1006
}
