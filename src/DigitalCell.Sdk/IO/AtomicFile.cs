namespace DigitalCell.Sdk.IO;

/// <summary>
/// Writes files and directories so that an interrupted run never leaves a half-written output: content goes to a
/// temporary sibling (same directory, so the final rename stays on one file system) and is renamed into place only
/// after it is complete. On failure the temporary is deleted and the previous output, if any, is untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> by letting <paramref name="write"/> fill a temporary file, then renaming it.</summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = TemporarySibling(path);
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Asynchronous form of <see cref="Write(string, Action{string})"/>.</summary>
    public static async Task WriteAsync(string path, Func<string, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (full, temp) = TemporarySibling(path);
        try
        {
            await write(temp).ConfigureAwait(false);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes all text atomically.</summary>
    public static void WriteAllText(string path, string contents) => Write(path, temp => File.WriteAllText(temp, contents));

    /// <summary>
    /// Writes the directory <paramref name="path"/> by filling a temporary sibling directory, then swapping it in.
    /// An existing directory is replaced only after the new one is complete.
    /// </summary>
    public static void WriteDirectory(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        string old = temp + ".old";
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            if (Directory.Exists(full)) Directory.Move(full, old);
            Directory.Move(temp, full);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>The full target path and a unique hidden temporary beside it (same directory, so the rename is atomic).</summary>
    private static (string Full, string Temp) TemporarySibling(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        return (full, Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp"));
    }
}
