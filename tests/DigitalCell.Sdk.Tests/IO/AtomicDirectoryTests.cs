using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.IO;

/// <summary>Directory outputs replace only what an earlier run wrote, never a user's files, and never interleave.</summary>
public class AtomicDirectoryTests : TempDirectoryTest
{
    private string Output => Path.Combine(Temp, "out");

    private void WriteOutput(string content, bool force = false) =>
        AtomicFile.WriteDirectory(Output, dir => File.WriteAllText(Path.Combine(dir, "result.txt"), content), force);

    [Test]
    public void FolderHoldingUserFilesIsRefusedAndKept()
    {
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "thesis.docx"), "years of work");
        var e = Assert.Throws<DigitalCellException>(() => WriteOutput("new"))!;
        Assert.That(e.Message, Does.Contain("'thesis.docx', which dcell did not write"));
        Assert.That(File.ReadAllText(Path.Combine(Output, "thesis.docx")), Is.EqualTo("years of work"));
        Assert.That(File.Exists(Path.Combine(Output, "result.txt")), Is.False);
    }

    [Test]
    public void EmptyFolderAndOwnEarlierOutputAreReplaced()
    {
        Directory.CreateDirectory(Output);
        WriteOutput("first");
        WriteOutput("second");
        Assert.That(File.ReadAllText(Path.Combine(Output, "result.txt")), Is.EqualTo("second"));
        Assert.That(File.ReadAllLines(Path.Combine(Output, AtomicFile.OutputMarker)), Is.EqualTo(new[] { "result.txt" }));
        Assert.That(Directory.GetFileSystemEntries(Temp).Select(Path.GetFileName), Is.EqualTo(new[] { "out" }), "no temporary, old copy or lock left beside it");
    }

    [Test]
    public void UserFileAddedToAnOutputIsNotDeletedWithoutForce()
    {
        WriteOutput("first");
        File.WriteAllText(Path.Combine(Output, "my-notes.txt"), "notes");
        Assert.Throws<DigitalCellException>(() => WriteOutput("second"));
        Assert.That(File.Exists(Path.Combine(Output, "my-notes.txt")));
        WriteOutput("third", force: true);
        Assert.That(File.ReadAllText(Path.Combine(Output, "result.txt")), Is.EqualTo("third"));
        Assert.That(File.Exists(Path.Combine(Output, "my-notes.txt")), Is.False, "--force replaces the folder");
    }

    [Test]
    public void TemporariesOfKilledRunsAreRemovedByTheNextRun()
    {
        var stale = Directory.CreateDirectory(Path.Combine(Temp, ".out.0123456789abcdef.tmp")).FullName;
        File.WriteAllText(Path.Combine(stale, "half.txt"), "half");
        Directory.CreateDirectory(Path.Combine(Temp, ".out.fedcba9876543210.tmp.old"));
        WriteOutput("fresh");
        Assert.That(Directory.GetFileSystemEntries(Temp).Select(Path.GetFileName), Is.EqualTo(new[] { "out" }));
    }

    [Test]
    public void SecondWriterOfTheSameOutputFailsWhileTheFirstIsWriting()
    {
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = Task.Run(() => AtomicFile.WriteDirectory(Output, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "result.txt"), "first");
            inside.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }));
        Assert.That(inside.Wait(TimeSpan.FromSeconds(30)));
        var e = Assert.Throws<DigitalCellException>(() => WriteOutput("second"))!;
        Assert.That(e.Message, Does.Contain("another dcell run is writing this output"));
        release.Set();
        first.GetAwaiter().GetResult();
        Assert.That(File.ReadAllText(Path.Combine(Output, "result.txt")), Is.EqualTo("first"));
        WriteOutput("third");
        Assert.That(File.ReadAllText(Path.Combine(Output, "result.txt")), Is.EqualTo("third"), "the lock is released with the run");
    }
}
