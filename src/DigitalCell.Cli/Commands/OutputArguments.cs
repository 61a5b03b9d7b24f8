using System.CommandLine;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// The output options every command shares: <c>--out</c> (<c>-o</c>) names what a command writes, and <c>--force</c>
/// lets it replace a folder. Without <c>--force</c>, an existing folder holding files dcell did not write (a user's
/// data, the current folder) is refused before any work starts; with it, the folder is replaced.
/// </summary>
internal static class OutputArguments
{
    /// <summary>A new <c>--force</c> option (an option object belongs to one command).</summary>
    public static Option<bool> Force() => new("--force")
    {
        Description = "Replace the output folder even if it holds files dcell did not write",
    };

    /// <summary>
    /// The file written by <c>convert</c> and <c>preprocess</c>: <c>--out</c> (<c>-o</c>) as in every command, or, as
    /// those two took it before, a hidden second argument, so <c>dcell convert a.h5ad b.parquet</c> keeps working.
    /// </summary>
    public sealed class FilePath
    {
        /// <summary>A file path named by <c>--out</c> with <paramref name="description"/>.</summary>
        public FilePath(string description) => Out = new Option<string?>("--out", "-o") { Description = description };

        /// <summary>The <c>--out</c> option.</summary>
        public Option<string?> Out { get; }

        /// <summary>The earlier positional spelling, hidden from the help.</summary>
        public Argument<string?> Positional { get; } = new("output") { Hidden = true, Arity = ArgumentArity.ZeroOrOne };

        /// <summary>Adds both to <paramref name="command"/>, with a usage error unless exactly one is given.</summary>
        public void AddTo(Command command)
        {
            command.Arguments.Add(Positional);
            command.Options.Add(Out);
            command.Validators.Add(result =>
            {
                bool positional = result.GetResult(Positional) is { Tokens.Count: > 0 }, option = result.GetResult(Out) is { Tokens.Count: > 0 };
                if (positional == option)
                    result.AddError(positional ? $"{command.Name}: give the output once, with --out, not also as an argument." : $"{command.Name}: --out is required (where to write).");
            });
        }

        /// <summary>The path given.</summary>
        public string Get(ParseResult parse) => parse.GetValue(Out) ?? parse.GetRequiredValue(Positional)!;
    }
}
