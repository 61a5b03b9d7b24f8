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
}
