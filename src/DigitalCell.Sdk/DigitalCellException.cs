namespace DigitalCell.Sdk;

/// <summary>
/// The one exception family of the SDK: bad input, malformed files and impossible requests.
/// The message always says what went wrong and where (file, element path, field or value), so it can be
/// shown to a user as a single line.
/// </summary>
public class DigitalCellException : Exception
{
    /// <summary>Creates an exception with a complete, user-facing message.</summary>
    public DigitalCellException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates an exception about one element of one file.</summary>
    /// <param name="filePath">The file (or directory) being read or written.</param>
    /// <param name="element">The element inside it, e.g. <c>/X/indptr</c> or <c>matrix.mtx line 12</c>; may be null.</param>
    /// <param name="problem">What is wrong, in words a user can act on.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public DigitalCellException(string filePath, string? element, string problem, Exception? inner = null)
        : base(Format(filePath, element, problem), inner)
    {
        FilePath = filePath;
        Element = element;
        Problem = problem;
    }

    /// <summary>The file the problem was found in, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>The element inside the file (HDF5 path, line, column), when known.</summary>
    public string? Element { get; }

    /// <summary>The problem without the location prefix.</summary>
    public string? Problem { get; }

    private static string Format(string filePath, string? element, string problem) =>
        element is null ? $"{filePath}: {problem}" : $"{filePath}: {element}: {problem}";
}
