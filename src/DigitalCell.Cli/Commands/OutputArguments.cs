using System.CommandLine;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// The one <c>--force</c> of every command that writes a folder: without it, an existing folder holding files dcell did
/// not write (a user's data, the current folder) is refused before any work starts; with it, the folder is replaced.
/// </summary>
internal static class OutputArguments
{
    /// <summary>A new <c>--force</c> option (an option object belongs to one command).</summary>
    public static Option<bool> Force() => new("--force")
    {
        Description = "Replace the output folder even if it holds files dcell did not write",
    };
}
