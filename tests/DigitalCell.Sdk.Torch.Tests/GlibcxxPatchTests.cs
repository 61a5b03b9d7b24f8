using System.Text;
using DigitalCell.Sdk.Torch.Build;

namespace DigitalCell.Sdk.Torch.Tests;

public class GlibcxxPatchTests
{
    private static string NuGetLibTorchSharp => Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget/packages"),
        "torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so");

    [Test]
    public void ElfHashMatchesValuesWrittenByTheLinker()
    {
        // vna_hash values that GNU ld writes for these well-known versions (readelf -V / every glibc-linked binary).
        Assert.That(GlibcxxVersionPatcher.ElfHash("GLIBC_2.2.5"), Is.EqualTo(0x09691a75u));
        Assert.That(GlibcxxVersionPatcher.ElfHash("GLIBCXX_3.4"), Is.EqualTo(0x08922974u));
    }

    [Test]
    public void PatchingTheRealLibraryRemovesTheGlibcxx3432Requirement()
    {
        if (!File.Exists(NuGetLibTorchSharp)) Assert.Ignore($"{NuGetLibTorchSharp} not in the NuGet cache");
        var bytes = File.ReadAllBytes(NuGetLibTorchSharp);
        var before = GlibcxxVersionPatcher.NeededVersions(bytes);
        Assert.That(before, Does.Contain("GLIBCXX_3.4.32"), "TorchSharp 0.107 is expected to need GLIBCXX_3.4.32");

        Assert.That(GlibcxxVersionPatcher.Patch(bytes), Is.EqualTo(GlibcxxPatchOutcome.Patched));
        var after = GlibcxxVersionPatcher.NeededVersions(bytes);
        Assert.That(after, Does.Not.Contain("GLIBCXX_3.4.32"));
        Assert.That(after.Count, Is.EqualTo(before.Count), "one name changed, no entry removed");
        Assert.That(GlibcxxVersionPatcher.Patch(bytes), Is.EqualTo(GlibcxxPatchOutcome.NotNeeded), "patching twice changes nothing");
    }

    [Test]
    public void BuildOutputCopyLoadsWithoutGlibcxx3432WhenTheSystemLacksIt()
    {
        var system = GlibcxxVersionPatcher.FindSystemLibstdcxx();
        if (system is null || GlibcxxVersionPatcher.Provides(system)) Assert.Ignore("system libstdc++ provides GLIBCXX_3.4.32: the build step leaves the library alone");
        var copy = Path.Combine(TestContext.CurrentContext.TestDirectory, "runtimes/linux-x64/native/libLibTorchSharp.so");
        Assert.That(GlibcxxVersionPatcher.NeededVersions(File.ReadAllBytes(copy)), Does.Not.Contain("GLIBCXX_3.4.32"));
        Assert.DoesNotThrow(TorchRuntime.EnsureLoaded); // and the library really loads
    }

    [Test]
    public void CraftedLibraryNeedingOnly3430IsLeftUnchanged()
    {
        var elf = CraftElf(["GLIBCXX_3.4.30", "GLIBCXX_3.4.29"]);
        var copy = elf.ToArray();
        Assert.That(GlibcxxVersionPatcher.Patch(elf), Is.EqualTo(GlibcxxPatchOutcome.NotNeeded));
        Assert.That(elf, Is.EqualTo(copy));
    }

    [Test]
    public void CraftedLibraryNeeding3432IsRewrittenTo3430WithItsHash()
    {
        var elf = CraftElf(["GLIBCXX_3.4.30", "GLIBCXX_3.4.32"]);
        Assert.That(GlibcxxVersionPatcher.Patch(elf), Is.EqualTo(GlibcxxPatchOutcome.Patched));
        Assert.That(GlibcxxVersionPatcher.NeededVersions(elf), Is.EqualTo(new[] { "GLIBCXX_3.4.30", "GLIBCXX_3.4.30" }));
        // Both Vernaux entries now carry the same hash; the first was written by the crafting code below.
        Assert.That(BitConverter.ToUInt32(elf, VerneedOffset + 16 + 16), Is.EqualTo(BitConverter.ToUInt32(elf, VerneedOffset + 16)));
    }

    [Test]
    public void CraftedLibraryWithoutA3430StringIsRejected()
    {
        var elf = CraftElf(["GLIBCXX_3.4.32"]);
        Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatcher.Patch(elf));
    }

    [Test]
    public void NonElfInputIsRejected() =>
        Assert.Throws<InvalidDataException>(() => GlibcxxVersionPatcher.Patch(Encoding.ASCII.GetBytes(new string('x', 100))));

    private const int VerneedOffset = 256;

    /// <summary>A minimal ELF64 LE file: header, .dynstr, .gnu.version_r with one Verneed (libstdc++.so.6) and its Vernaux entries, section headers.</summary>
    private static byte[] CraftElf(string[] versions)
    {
        var dynstr = new List<byte> { 0 };
        int Add(string s) { var at = dynstr.Count; dynstr.AddRange(Encoding.ASCII.GetBytes(s)); dynstr.Add(0); return at; }
        var file = Add("libstdc++.so.6");
        var names = versions.Select(Add).ToArray();
        const int dynstrOffset = 64;
        var shoff = VerneedOffset + 16 + 16 * versions.Length;
        var elf = new byte[shoff + 3 * 64];
        new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }.CopyTo(elf, 0);
        BitConverter.GetBytes((ulong)shoff).CopyTo(elf, 0x28);
        BitConverter.GetBytes((ushort)64).CopyTo(elf, 0x3A);
        BitConverter.GetBytes((ushort)3).CopyTo(elf, 0x3C);
        dynstr.ToArray().CopyTo(elf, dynstrOffset);
        // Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next.
        BitConverter.GetBytes((ushort)1).CopyTo(elf, VerneedOffset);
        BitConverter.GetBytes((ushort)versions.Length).CopyTo(elf, VerneedOffset + 2);
        BitConverter.GetBytes((uint)file).CopyTo(elf, VerneedOffset + 4);
        BitConverter.GetBytes(16u).CopyTo(elf, VerneedOffset + 8);
        for (int i = 0; i < versions.Length; i++)
        {
            var aux = VerneedOffset + 16 + 16 * i; // Vernaux: vna_hash, vna_flags, vna_other, vna_name, vna_next.
            BitConverter.GetBytes(GlibcxxVersionPatcher.ElfHash(versions[i])).CopyTo(elf, aux);
            BitConverter.GetBytes((ushort)(2 + i)).CopyTo(elf, aux + 6);
            BitConverter.GetBytes((uint)names[i]).CopyTo(elf, aux + 8);
            BitConverter.GetBytes(i == versions.Length - 1 ? 0u : 16u).CopyTo(elf, aux + 12);
        }
        void Section(int index, uint type, long offset, long size, uint link, uint info)
        {
            var sh = shoff + 64 * index;
            BitConverter.GetBytes(type).CopyTo(elf, sh + 4);
            BitConverter.GetBytes((ulong)offset).CopyTo(elf, sh + 24);
            BitConverter.GetBytes((ulong)size).CopyTo(elf, sh + 32);
            BitConverter.GetBytes(link).CopyTo(elf, sh + 40);
            BitConverter.GetBytes(info).CopyTo(elf, sh + 44);
        }
        Section(1, 3, dynstrOffset, dynstr.Count, 0, 0);                                  // SHT_STRTAB
        Section(2, 0x6ffffffe, VerneedOffset, 16 + 16 * versions.Length, 1, 1);           // SHT_GNU_verneed
        return elf;
    }
}
