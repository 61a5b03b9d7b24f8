namespace DigitalCell.Sdk.IO;

/// <summary>
/// An exclusive lock on an output path, held by a hidden <c>.name.lock</c> file beside it (opened with
/// <see cref="FileShare.None"/>, which .NET maps to an advisory <c>flock</c> on Unix), so two runs writing the same
/// output cannot interleave. The lock dies with its process, so a killed run never leaves it held.
/// </summary>
internal sealed class OutputLock : IDisposable
{
    private readonly FileStream _stream;

    private OutputLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock on <paramref name="fullPath"/>.</summary>
    /// <exception cref="DigitalCellException">Another run holds it.</exception>
    public static OutputLock Acquire(string fullPath)
    {
        string lockPath = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.lock");
        try
        {
            return new OutputLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DigitalCellException(fullPath, null, "another dcell run is writing this output right now; wait for it to finish or choose another folder.", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
