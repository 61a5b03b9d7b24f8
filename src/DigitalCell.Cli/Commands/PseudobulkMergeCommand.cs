using System.CommandLine;
using DigitalCell.Sdk.Collections;

namespace DigitalCell.Cli.Commands;

/// <summary><c>dcell pseudobulk-merge &lt;partials…&gt; --out f.csv|.h5ad</c>: the reduce step; adds per-shard partials in the order given.</summary>
public static class PseudobulkMergeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var partials = new Argument<string[]>("partials") { Description = "Partials written by 'dcell pseudobulk --shard', in shard order.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "The profiles: .csv or .h5ad.", Required = true };
        var command = new Command("pseudobulk-merge", "Merge per-shard pseudobulk partials into the collection's profiles (the same result as one process).") { partials, output };
        command.SetAction(parse =>
        {
            var files = parse.GetRequiredValue(partials);
            var profiles = PseudobulkPartial.Merge(files.Select(PseudobulkPartial.Read)).ToProfiles();
            string to = parse.GetRequiredValue(output);
            PseudobulkCommand.Write(profiles, to);
            parse.InvocationConfiguration.Output.WriteLine($"Merged {files.Length} partials: {profiles.Groups.Count} groups × {profiles.Genes.Count} genes; wrote {to}.");
            return 0;
        });
        return command;
    }
}
