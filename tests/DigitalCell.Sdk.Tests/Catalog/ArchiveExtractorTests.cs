using System.Formats.Tar;
using System.IO.Compression;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

public class ArchiveExtractorTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = RepoPaths.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string TarGz(params TarEntry[] entries)
    {
        string path = Path.Combine(_dir, "a.tar.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var entry in entries) tar.WriteEntry(entry);
        return path;
    }

    [Test]
    public void A_symbolic_link_entry_is_refused()
    {
        string archive = TarGz(new PaxTarEntry(TarEntryType.SymbolicLink, "data/link") { LinkName = "/etc/passwd" });
        var error = Assert.Throws<DigitalCellException>(() => ArchiveExtractor.Extract(archive, "tar.gz", Path.Combine(_dir, "out")));
        Assert.That(error!.Message, Does.Contain("link entry").And.Contain("/etc/passwd"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False);
    }

    [TestCase("/tmp/absolute.txt")]
    [TestCase("inner/../../escape.txt")]
    [TestCase("..\\windows-escape.txt")]
    public void Entries_resolving_outside_the_target_are_refused(string name)
    {
        string archive = Path.Combine(_dir, "a.zip");
        using (var zip = ZipFile.Open(archive, ZipArchiveMode.Create))
            using (var stream = zip.CreateEntry(name).Open()) stream.WriteByte(1);
        var error = Assert.Throws<DigitalCellException>(() => ArchiveExtractor.Extract(archive, "zip", Path.Combine(_dir, "out")));
        Assert.That(error!.Element, Is.EqualTo(name));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName), Is.EqualTo(new[] { "a.zip" }), "nothing was written");
    }

    [Test]
    public void Nested_folders_inside_the_target_are_fine()
    {
        string archive = TarGz(
            new PaxTarEntry(TarEntryType.Directory, "set/"),
            new PaxTarEntry(TarEntryType.RegularFile, "set/sub/./cells.h5") { DataStream = new MemoryStream([1, 2, 3]) });
        ArchiveExtractor.Extract(archive, "tar.gz", Path.Combine(_dir, "out"));
        Assert.That(File.ReadAllBytes(Path.Combine(_dir, "out", "set", "sub", "cells.h5")), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void A_corrupt_archive_is_a_clear_error()
    {
        string archive = Path.Combine(_dir, "broken.zip");
        File.WriteAllBytes(archive, [1, 2, 3, 4]);
        var error = Assert.Throws<DigitalCellException>(() => ArchiveExtractor.Extract(archive, "zip", Path.Combine(_dir, "out")));
        Assert.That(error!.Message, Does.Contain("corrupt zip archive"));
    }

    [TestCase("zip")]
    [TestCase("tar.gz")]
    public void A_decompression_bomb_is_refused_and_leaves_nothing(string format)
    {
        // Issue 12: a 1 MB zip expanded to 1 GiB. 64 MiB of zeros compress about a thousand-fold, far past the ratio limit.
        string archive = Path.Combine(_dir, "bomb." + format);
        using (var file = File.Create(archive))
        {
            if (format == "zip")
            {
                using var zip = new ZipArchive(file, ZipArchiveMode.Create);
                using var entry = zip.CreateEntry("zeros.bin", CompressionLevel.Optimal).Open();
                WriteZeros(entry, 64 << 20);
            }
            else
            {
                using var gzip = new GZipStream(file, CompressionLevel.Optimal);
                using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
                var zeros = new MemoryStream(new byte[64 << 20]);
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "zeros.bin") { DataStream = zeros });
            }
        }
        Assert.That(new FileInfo(archive).Length, Is.LessThan(1 << 20));

        var error = Assert.Throws<DigitalCellException>(() => ArchiveExtractor.Extract(archive, format, Path.Combine(_dir, "out")));

        Assert.That(error!.FilePath, Is.EqualTo(archive));
        Assert.That(error.Message, Does.Contain("expands too far").And.Contain("decompression bomb"));
        Assert.That(Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName), Is.EqualTo(new[] { "bomb." + format }), "nothing was left behind");
    }

    [Test]
    public void Bytes_are_counted_as_written_not_as_declared()
    {
        // tar sizes cannot lie past the stream, but a limit below the real content must still stop the copy.
        string archive = TarGz(
            new PaxTarEntry(TarEntryType.RegularFile, "a.bin") { DataStream = new MemoryStream(new byte[300_000]) },
            new PaxTarEntry(TarEntryType.RegularFile, "b.bin") { DataStream = new MemoryStream(new byte[300_000]) });
        var error = Assert.Throws<DigitalCellException>(() =>
            ArchiveExtractor.Extract(archive, "tar.gz", Path.Combine(_dir, "out"), new ArchiveLimits(MaxBytes: 500_000, MaxRatio: 1_000_000, MaxEntries: 10)));
        Assert.That(error!.Message, Does.Contain("'b.bin' takes it past 500,000 bytes"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False);
    }

    [TestCase("zip")]
    [TestCase("tar.gz")]
    public void Too_many_entries_are_refused(string format)
    {
        string archive = Path.Combine(_dir, "many." + format);
        if (format == "zip")
        {
            using var zip = ZipFile.Open(archive, ZipArchiveMode.Create);
            for (int i = 0; i < 11; i++) zip.CreateEntry($"f{i}.txt").Open().Dispose();
        }
        else
        {
            File.Move(TarGz(Enumerable.Range(0, 11).Select(i => (TarEntry)new PaxTarEntry(TarEntryType.RegularFile, $"f{i}.txt")).ToArray()), archive);
        }

        var error = Assert.Throws<DigitalCellException>(() =>
            ArchiveExtractor.Extract(archive, format, Path.Combine(_dir, "out"), new ArchiveLimits(MaxBytes: 1 << 20, MaxRatio: 100, MaxEntries: 10)));

        Assert.That(error!.Message, Does.Contain("more than 10 entries"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")), Is.False);
    }

    private static void WriteZeros(Stream stream, int count)
    {
        byte[] zeros = new byte[1 << 20];
        for (int written = 0; written < count; written += zeros.Length) stream.Write(zeros);
    }
}
