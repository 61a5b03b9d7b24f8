// The libstdc++ compatibility step for TorchSharp on Debian 12 / Ubuntu 22.04 (GCC 12, libstdc++ up to GLIBCXX_3.4.30).
//
// TorchSharp 0.107's libLibTorchSharp.so lists GLIBCXX_3.4.32 among its needed versions only because GCC 13 emits
// a reference to std::ios_base_library_init (a static-initialisation anchor); no relocation uses that symbol, so the
// library runs fine with an older libstdc++. The dynamic loader, however, refuses to load it because the version
// requirement itself (a Vernaux entry in .gnu.version_r) names GLIBCXX_3.4.32. The minimal fix is to point that one
// entry's name at the "GLIBCXX_3.4.30" string already present in .dynstr (and update its ELF hash), in the copy of the
// library in the build output only — never in the NuGet cache.
//
// This file is compiled twice: by MSBuild as an inline task (RoslynCodeTaskFactory, see DigitalCell.Sdk.Torch.targets)
// and by the test project with DIGITALCELL_PATCHER_ONLY defined, which leaves out the MSBuild task class.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DigitalCell.Sdk.Torch.Build
{
    /// <summary>What <see cref="GlibcxxVersionPatcher.Patch"/> did to a library.</summary>
    public enum GlibcxxPatchOutcome
    {
        /// <summary>The requirement was rewritten.</summary>
        Patched,
        /// <summary>The library does not require the newer version (never did, or was already patched).</summary>
        NotNeeded,
    }

    /// <summary>Rewrites one GLIBCXX version requirement of an ELF64 little-endian shared library.</summary>
    public static class GlibcxxVersionPatcher
    {
        /// <summary>The version TorchSharp 0.107 asks for.</summary>
        public const string RequiredVersion = "GLIBCXX_3.4.32";

        /// <summary>The version GCC 12's libstdc++ (Debian 12, Ubuntu 22.04) provides and the library also needs.</summary>
        public const string ReplacementVersion = "GLIBCXX_3.4.30";

        private const uint ShtGnuVerneed = 0x6ffffffe; // SHT_GNU_verneed (.gnu.version_r)

        /// <summary>True when the libstdc++ at <paramref name="libstdcxxPath"/> defines <paramref name="version"/>.</summary>
        public static bool Provides(string libstdcxxPath, string version = RequiredVersion) =>
            IndexOf(File.ReadAllBytes(libstdcxxPath), Encoding.ASCII.GetBytes(version + "\0"), 0) >= 0;

        /// <summary>The system libstdc++ found at the usual multiarch/lib64 paths, or null when none is found.</summary>
        public static string? FindSystemLibstdcxx()
        {
            foreach (var candidate in new[]
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            })
            {
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>
        /// Rewrites the requirement on <see cref="RequiredVersion"/> to <see cref="ReplacementVersion"/> in
        /// <paramref name="elf"/> (in place). Throws <see cref="InvalidDataException"/> when the file is not an ELF64 LE
        /// library or lacks a "GLIBCXX_3.4.30" string to point at.
        /// </summary>
        public static GlibcxxPatchOutcome Patch(byte[] elf)
        {
            var outcome = GlibcxxPatchOutcome.NotNeeded;
            Walk(elf, (aux, name, dynstr, dynstrSize) =>
            {
                if (name != RequiredVersion) return;
                long replacement = IndexOf(elf, Encoding.ASCII.GetBytes(ReplacementVersion + "\0"), dynstr, dynstr + dynstrSize);
                if (replacement < 0)
                    throw new InvalidDataException($".dynstr has no \"{ReplacementVersion}\" string to point the requirement at");
                W32(elf, aux, ElfHash(ReplacementVersion));        // vna_hash
                W32(elf, aux + 8, (uint)(replacement - dynstr));   // vna_name
                outcome = GlibcxxPatchOutcome.Patched;
            });
            return outcome;
        }

        /// <summary>Patches the library at <paramref name="path"/> atomically (temp file + rename, which also breaks hard links).</summary>
        public static GlibcxxPatchOutcome PatchFile(string path)
        {
            var bytes = File.ReadAllBytes(path);
            var outcome = Patch(bytes);
            if (outcome == GlibcxxPatchOutcome.Patched)
            {
                var temp = path + ".patching";
                File.WriteAllBytes(temp, bytes);
                File.Replace(temp, path, null); // rename(2): atomic, and breaks any hard link to the NuGet cache
            }
            return outcome;
        }

        /// <summary>The version names the library requires (every Vernaux entry of .gnu.version_r), in file order.</summary>
        public static List<string> NeededVersions(byte[] elf)
        {
            var names = new List<string>();
            Walk(elf, (aux, name, dynstr, dynstrSize) => names.Add(name));
            return names;
        }

        /// <summary>Calls <paramref name="visit"/>(vernaux offset, name, .dynstr offset, .dynstr size) for every needed version.</summary>
        private static void Walk(byte[] elf, Action<long, string, long, long> visit)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
            long shoff = (long)U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
                // Elf64_Shdr: sh_offset at +24, sh_link (the string table) at +40, sh_info (entry count) at +44.
                long need = (long)U64(elf, sh + 24);
                uint dynstrIndex = U32(elf, sh + 40), count = U32(elf, sh + 44);
                long dynstrHeader = shoff + (long)dynstrIndex * shentsize;
                long dynstr = (long)U64(elf, dynstrHeader + 24), dynstrSize = (long)U64(elf, dynstrHeader + 32);
                for (uint n = 0; n < count; n++)
                {
                    // Elf64_Verneed: vn_cnt at +2, vn_aux at +8, vn_next at +12; Elf64_Vernaux: vna_name at +8, vna_next at +12.
                    long aux = need + U32(elf, need + 8);
                    for (int a = 0; a < U16(elf, need + 2); a++)
                    {
                        visit(aux, StringAt(elf, dynstr + U32(elf, aux + 8)), dynstr, dynstrSize);
                        uint next = U32(elf, aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    uint nextNeed = U32(elf, need + 12);
                    if (nextNeed == 0) break;
                    need += nextNeed;
                }
            }
        }

        /// <summary>The System V ELF hash (gABI, "Hash Table"), stored in vna_hash.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (char c in name)
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0) h ^= g >> 24;
                h &= ~g;
            }
            return h;
        }

        private static string StringAt(byte[] b, long at)
        {
            long end = at;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
        }

        private static long IndexOf(byte[] haystack, byte[] needle, long start, long end = long.MaxValue)
        {
            long last = Math.Min(end, haystack.Length) - needle.Length;
            for (long i = start; i <= last; i++)
            {
                int k = 0;
                while (k < needle.Length && haystack[i + k] == needle[k]) k++;
                if (k == needle.Length) return i;
            }
            return -1;
        }

        private static ushort U16(byte[] b, long at) => (ushort)(b[at] | b[at + 1] << 8);
        private static uint U32(byte[] b, long at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
        private static ulong U64(byte[] b, long at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
        private static void W32(byte[] b, long at, uint v)
        {
            for (int i = 0; i < 4; i++) b[at + i] = (byte)(v >> (8 * i));
        }
    }

#if !DIGITALCELL_PATCHER_ONLY
    /// <summary>
    /// MSBuild task: patches each given libLibTorchSharp.so when the system libstdc++ lacks GLIBCXX_3.4.32.
    /// </summary>
    public sealed class PatchLibTorchSharpForOldLibstdcxx : Microsoft.Build.Utilities.Task
    {
        /// <summary>The build output's copies of libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>"auto" (patch only when the system libstdc++ lacks 3.4.32), "true" (always) or "false" (never).</summary>
        public string Mode { get; set; } = "auto";

        /// <inheritdoc />
        public override bool Execute()
        {
            if (string.Equals(Mode, "false", StringComparison.OrdinalIgnoreCase)) return true;
            if (!string.Equals(Mode, "true", StringComparison.OrdinalIgnoreCase))
            {
                var system = GlibcxxVersionPatcher.FindSystemLibstdcxx();
                if (system == null || GlibcxxVersionPatcher.Provides(system)) return true;
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                    $"DigitalCell.Sdk.Torch: {system} lacks {GlibcxxVersionPatcher.RequiredVersion}; applying the libstdc++ compatibility step.");
            }
            foreach (var item in Libraries)
            {
                try
                {
                    var outcome = GlibcxxVersionPatcher.PatchFile(item.ItemSpec);
                    if (outcome == GlibcxxPatchOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"DigitalCell.Sdk.Torch: patched {item.ItemSpec}: requirement {GlibcxxVersionPatcher.RequiredVersion} -> {GlibcxxVersionPatcher.ReplacementVersion} (std::ios_base_library_init is not used by any relocation).");
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning($"DigitalCell.Sdk.Torch: could not apply the libstdc++ compatibility step to {item.ItemSpec}: {e.Message}");
                }
            }
            return true;
        }
    }
#endif
}
