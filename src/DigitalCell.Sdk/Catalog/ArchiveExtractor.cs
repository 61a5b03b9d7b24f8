using System.Formats.Tar;
using System.IO.Compression;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Extracts <c>.zip</c> and <c>.tar.gz</c> archives with path-traversal protection: an entry whose path resolves
/// outside the target folder (<c>../x</c>, an absolute path) or a link entry (which could point outside) rejects the
/// whole archive before anything becomes visible, because the extraction fills a temporary folder that replaces the
/// target only when complete (<see cref="AtomicFile.WriteDirectory"/>).
/// </summary>
public static class ArchiveExtractor
{
    /// <summary>Extracts <paramref name="archive"/> (format <c>zip</c> or <c>tar.gz</c>) into <paramref name="targetDirectory"/>.</summary>
    /// <exception cref="DigitalCellException">Unsafe entry, unsupported format or a corrupt archive.</exception>
    public static void Extract(string archive, string format, string targetDirectory, CancellationToken cancellationToken = default)
    {
        AtomicFile.WriteDirectory(targetDirectory, temp =>
        {
            try
            {
                switch (format)
                {
                    case "zip": ExtractZip(archive, temp, cancellationToken); break;
                    case "tar.gz": ExtractTarGz(archive, temp, cancellationToken); break;
                    default: throw new DigitalCellException(archive, null, $"cannot extract format '{format}'; expected zip or tar.gz");
                }
            }
            catch (InvalidDataException e)
            {
                throw new DigitalCellException(archive, null, $"corrupt {format} archive: {e.Message}", e);
            }
        });
    }

    private static void ExtractZip(string archive, string root, CancellationToken ct)
    {
        using var zip = ZipFile.OpenRead(archive);
        foreach (var entry in zip.Entries)
        {
            ct.ThrowIfCancellationRequested();
            string target = SafeTarget(archive, root, entry.FullName);
            if (entry.FullName.EndsWith('/'))
            {
                Directory.CreateDirectory(target);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            entry.ExtractToFile(target, overwrite: false);
        }
    }

    private static void ExtractTarGz(string archive, string root, CancellationToken ct)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            ct.ThrowIfCancellationRequested();
            string target = SafeTarget(archive, root, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: false);
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    throw new DigitalCellException(archive, entry.Name, $"link entry (to '{entry.LinkName}') refused: links could point outside the extraction folder");
                default:
                    break; // pax/GNU metadata headers are consumed by TarReader; devices and FIFOs are skipped
            }
        }
    }

    /// <summary>The full path of an entry inside <paramref name="root"/>, or an error when it would land outside.</summary>
    internal static string SafeTarget(string archive, string root, string entryName)
    {
        string rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        string normalised = entryName.Replace('\\', '/');
        string target = Path.GetFullPath(Path.Combine(rootFull, normalised));
        bool inside = target.StartsWith(rootFull, StringComparison.Ordinal) || target + Path.DirectorySeparatorChar == rootFull;
        if (Path.IsPathRooted(normalised) || !inside)
            throw new DigitalCellException(archive, entryName, "entry resolves outside the extraction folder (path traversal); refusing to extract the archive");
        return target;
    }
}
