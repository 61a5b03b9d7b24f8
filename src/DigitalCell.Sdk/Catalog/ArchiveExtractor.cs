using System.Formats.Tar;
using System.IO.Compression;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Extracts <c>.zip</c> and <c>.tar.gz</c> archives with path-traversal protection: an entry whose path resolves
/// outside the target folder (<c>../x</c>, an absolute path) or a link entry (which could point outside) rejects the
/// whole archive before anything becomes visible, because the extraction fills a temporary folder that replaces the
/// target only when complete (<see cref="AtomicFile.WriteDirectory"/>). The bytes actually written (not the sizes the
/// archive declares) and the entries are counted against <see cref="ArchiveLimits"/>, so a decompression bomb stops
/// early with an error and leaves nothing behind.
/// </summary>
public static class ArchiveExtractor
{
    /// <summary>Extracts <paramref name="archive"/> (format <c>zip</c> or <c>tar.gz</c>) into <paramref name="targetDirectory"/>.</summary>
    /// <exception cref="DigitalCellException">Unsafe entry, unsupported format or a corrupt archive.</exception>
    /// <param name="archive">The archive file.</param>
    /// <param name="format"><c>zip</c> or <c>tar.gz</c>.</param>
    /// <param name="targetDirectory">The folder to create (replaced only when extraction completes).</param>
    /// <param name="limits">How far the archive may expand; null = <see cref="ArchiveLimits.Default"/>.</param>
    /// <param name="cancellationToken">Cancels; nothing is left behind.</param>
    public static void Extract(string archive, string format, string targetDirectory, ArchiveLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var budget = new Budget(archive, limits ?? ArchiveLimits.Default, FileLinks.Resolve(archive).Length);
        AtomicFile.WriteDirectory(targetDirectory, temp =>
        {
            try
            {
                switch (format)
                {
                    case "zip": ExtractZip(archive, temp, budget, cancellationToken); break;
                    case "tar.gz": ExtractTarGz(archive, temp, budget, cancellationToken); break;
                    default: throw new DigitalCellException(archive, null, $"cannot extract format '{format}'; expected zip or tar.gz");
                }
            }
            catch (InvalidDataException e)
            {
                throw new DigitalCellException(archive, null, $"corrupt {format} archive: {e.Message}", e);
            }
        });
    }

    private static void ExtractZip(string archive, string root, Budget budget, CancellationToken ct)
    {
        using var zip = ZipFile.OpenRead(archive);
        // The central directory declares every size up front: refuse a bomb before writing a byte.
        budget.CheckDeclared(zip.Entries.Count, zip.Entries.Aggregate(0L, (total, e) => total > long.MaxValue - e.Length ? long.MaxValue : total + e.Length));
        foreach (var entry in zip.Entries)
        {
            ct.ThrowIfCancellationRequested();
            budget.CountEntry(entry.FullName);
            string target = SafeTarget(archive, root, entry.FullName);
            if (entry.FullName.EndsWith('/'))
            {
                Directory.CreateDirectory(target);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var input = entry.Open();
            budget.Copy(input, target, entry.FullName, ct);
        }
    }

    private static void ExtractTarGz(string archive, string root, Budget budget, CancellationToken ct)
    {
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            ct.ThrowIfCancellationRequested();
            budget.CountEntry(entry.Name);
            string target = SafeTarget(archive, root, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    if (entry.DataStream is { } data) budget.Copy(data, target, entry.Name, ct);
                    else File.Create(target).Dispose();
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

    /// <summary>Counts entries and written bytes against the limits of one extraction.</summary>
    private sealed class Budget(string archive, ArchiveLimits limits, long archiveSize)
    {
        private readonly long _maxBytes = limits.ByteCeiling(archiveSize);
        private long _written;
        private int _entries;

        public void CheckDeclared(int entries, long bytes)
        {
            if (entries > limits.MaxEntries) throw TooManyEntries(entries);
            if (bytes > _maxBytes) throw TooLarge($"its entries declare {bytes:N0} bytes");
        }

        public void CountEntry(string name)
        {
            if (++_entries > limits.MaxEntries) throw TooManyEntries(_entries);
        }

        /// <summary>Writes one entry, stopping as soon as the archive's total passes the ceiling.</summary>
        public void Copy(Stream input, string target, string name, CancellationToken ct)
        {
            using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = input.Read(buffer)) > 0)
            {
                ct.ThrowIfCancellationRequested();
                _written += n;
                if (_written > _maxBytes) throw TooLarge($"'{name}' takes it past {_maxBytes:N0} bytes");
                output.Write(buffer, 0, n);
            }
        }

        private DigitalCellException TooManyEntries(int count) => new(archive, null,
            $"the archive holds more than {limits.MaxEntries:N0} entries ({count:N0} so far); refusing to extract it (CatalogOptions.MaxArchiveEntries)");

        private DigitalCellException TooLarge(string what) => new(archive, null,
            $"the archive expands too far: {what}, more than {limits.MaxRatio}× its {archiveSize:N0} bytes or {limits.MaxBytes:N0} bytes " +
            "(a decompression bomb?); nothing was extracted (CatalogOptions.MaxCompressionRatio / MaxExtractedSize)");
    }
}
