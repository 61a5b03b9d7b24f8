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

    /// <summary>The file every output directory holds: the list of files the run wrote, so a later run knows what is its own to replace.</summary>
    public const string OutputMarker = ".dcell-output";

    /// <summary>
    /// Writes the directory <paramref name="path"/> by filling a fresh temporary sibling, then swapping it in
    /// atomically (Linux <c>renameat2(RENAME_EXCHANGE)</c>; elsewhere two renames). An existing directory is replaced
    /// only when everything in it was written by an earlier run (listed in its <see cref="OutputMarker"/>) or
    /// <paramref name="force"/> is set; a folder holding anything else (the current folder, a user's data) is refused.
    /// A lock beside the target keeps two runs from interleaving, and temporaries left by killed runs are removed.
    /// </summary>
    /// <exception cref="DigitalCellException">The folder holds files this SDK did not write, or another run is writing it.</exception>
    public static void WriteDirectory(string path, Action<string> write, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        string parent = Path.GetDirectoryName(full) ?? throw new DigitalCellException(full, null, "cannot write an output folder over the file-system root.");
        Directory.CreateDirectory(parent);
        using var outputLock = OutputLock.Acquire(full);
        RemoveStaleTemporaries(parent, Path.GetFileName(full), olderThan: TimeSpan.Zero);
        CheckReplaceable(full, force);
        string temp = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            var written = Directory.EnumerateFiles(temp, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp, f)).Order(StringComparer.Ordinal).ToList();
            File.WriteAllLines(Path.Combine(temp, OutputMarker), written);
            DirectorySwap.Replace(temp, full);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// Throws when <see cref="WriteDirectory"/> would refuse <paramref name="path"/> (a folder or file holding what no
    /// earlier run wrote), so a long command can refuse its output before it starts working rather than after.
    /// </summary>
    /// <exception cref="DigitalCellException">The folder holds files this SDK did not write and <paramref name="force"/> is not set.</exception>
    public static void CheckReplaceable(string path, bool force = false)
    {
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (!force && ForeignEntry(full) is { } foreign)
            throw new DigitalCellException(full, null, $"the folder exists and holds '{foreign}', which dcell did not write; choose a new or empty folder, or pass --force to replace it.");
    }

    /// <summary>
    /// Adds the file <paramref name="relativePath"/> to an output directory written by <see cref="WriteDirectory"/>
    /// (atomically, and listed in its marker so the next run may replace it).
    /// </summary>
    public static void AddToDirectory(string directory, string relativePath, Action<string> write)
    {
        Write(Path.Combine(directory, relativePath), write);
        string marker = Path.Combine(directory, OutputMarker);
        var own = File.Exists(marker) ? File.ReadAllLines(marker).ToList() : [];
        if (!own.Contains(relativePath)) WriteAllText(marker, string.Join('\n', own.Append(relativePath).Order(StringComparer.Ordinal)) + "\n");
    }

    /// <summary>The first entry of <paramref name="directory"/> that no earlier run listed as its own, or null when there is none (or no directory).</summary>
    private static string? ForeignEntry(string directory)
    {
        if (File.Exists(directory)) return Path.GetFileName(directory);
        if (!Directory.Exists(directory)) return null;
        string marker = Path.Combine(directory, OutputMarker);
        var own = File.Exists(marker) ? File.ReadAllLines(marker).ToHashSet(StringComparer.Ordinal) : [];
        return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f))
            .FirstOrDefault(f => f != OutputMarker && !own.Contains(f));
    }

    /// <summary>Deletes the hidden temporaries (<c>.name.*.tmp</c>) that runs killed mid-write left beside <paramref name="name"/>.</summary>
    private static void RemoveStaleTemporaries(string directory, string name, TimeSpan olderThan)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, $".{name}.*.tmp*"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(entry) < olderThan) continue;
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            catch (IOException)
            {
                // Another process may be finishing with it; the next run tries again.
            }
        }
    }

    /// <summary>The full target path and a unique hidden temporary beside it (same directory, so the rename is atomic).</summary>
    private static (string Full, string Temp) TemporarySibling(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        // A concurrent writer of the same file may own a recent temporary; one an hour old belongs to a killed run.
        RemoveStaleTemporaries(directory, Path.GetFileName(full), olderThan: TimeSpan.FromHours(1));
        return (full, Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp"));
    }
}
