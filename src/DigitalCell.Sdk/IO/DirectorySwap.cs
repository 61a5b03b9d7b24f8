using System.Runtime.InteropServices;

namespace DigitalCell.Sdk.IO;

/// <summary>
/// Puts a finished directory in place of another in one step. On Linux, <c>renameat2(RENAME_EXCHANGE)</c> swaps the
/// two names atomically, so a kill at any moment leaves either the old or the new output under the final name;
/// where it is unavailable, the old directory is first renamed aside (a kill between the two renames then leaves
/// the new output under its temporary name, cleaned by the next run).
/// </summary>
internal static class DirectorySwap
{
    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    /// <summary>Moves <paramref name="source"/> to <paramref name="target"/>; the previous <paramref name="target"/>, if any, ends up at <paramref name="source"/>.</summary>
    public static void Replace(string source, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(source, target);
            return;
        }
        if (OperatingSystem.IsLinux() && TryExchange(source, target)) return;
        string aside = source + ".old";
        Directory.Move(target, aside);
        Directory.Move(source, target);
        Directory.Move(aside, source);
    }

    private static bool TryExchange(string a, string b)
    {
        try
        {
            return RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a C library without renameat2 (glibc < 2.28, musl < 1.2.?)
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which this project keeps off.
    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int oldDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, int newDirectory, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath, uint flags);
}
