using System.CommandLine;
using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell partition &lt;collection&gt; --perturbation-column p [--context-column c] [--normalize 1e4] [--log1p] [--shard i] --out dir</c>:
/// regroups cells into per-(context, perturbation) shards for per-perturbation DE; with <c>--shard</c> only that
/// shard (idempotent: a rerun replaces its parts; the shard is marked complete last).
/// </summary>
public static class PartitionCommand
{
    /// <summary>Creates the command; <paramref name="selectCells"/> runs <c>--where</c> (null: forwarded to the dcell-query plug-in).</summary>
    public static Command Create(Func<CellCollection, string, CellSelection>? selectCells)
    {
        var collection = new CollectionArguments();
        var streaming = new StreamingArguments(selectCells);
        var perturbation = new Option<string>("--perturbation-column") { Description = "obs column of the perturbation (controls included).", DefaultValueFactory = _ => "perturbation" };
        var context = new Option<string?>("--context-column") { Description = "obs column of the context (cell line, donor); omitted: one context." };
        var compression = new Option<string>("--compression") { Description = "none or gzip (parts about 2.5× smaller, slower to write and to test).", DefaultValueFactory = _ => "none" };
        compression.OneOf("none", "gzip");
        var output = new Option<string>("--out", "-o") { Description = "The partition folder.", Required = true };
        var command = new Command("partition", "Regroup a sharded collection's cells by (context, perturbation) into per-group shards.") { perturbation, context, compression, output };
        collection.AddTo(command);
        streaming.AddTo(command);
        streaming.SetAction(command, parse =>
        {
            var cells = collection.Open(parse);
            var options = new PartitionOptions
            {
                PerturbationColumn = parse.GetValue(perturbation)!,
                ContextColumn = parse.GetValue(context),
                Stream = streaming.Options(parse, cells),
                Compression = parse.GetValue(compression) == "gzip" ? H5adCompression.Gzip : H5adCompression.None,
            };
            string folder = parse.GetRequiredValue(output);
            if (streaming.ShardOf(parse, cells) is { } shard)
            {
                CellPartition.WriteShard(cells, shard, folder, options);
                parse.InvocationConfiguration.Output.WriteLine($"Partitioned shard {cells.Shards[shard].Name} into {folder}.");
                return 0;
            }
            var partition = CellPartition.Write(cells, folder, options);
            parse.InvocationConfiguration.Output.WriteLine($"Partitioned {cells.Shards.Count} shards into {partition.Groups.Count} groups in {folder}.");
            return 0;
        });
        return command;
    }
}
