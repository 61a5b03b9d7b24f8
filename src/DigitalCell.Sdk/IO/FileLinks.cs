namespace DigitalCell.Sdk.IO;

/// <summary>
/// File facts through symbolic links. On Unix <see cref="FileInfo"/> describes a link itself (its length is that of
/// the target's path), so a size check on a linked shard or mirror file would call a whole file truncated.
/// </summary>
internal static class FileLinks
{
    /// <summary>The file <paramref name="path"/> names, following links to the final target (a dangling link stays as is).</summary>
    public static FileInfo Resolve(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target ? target : info;
    }
}
