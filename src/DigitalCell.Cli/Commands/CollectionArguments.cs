using System.CommandLine;
using DigitalCell.Sdk.Collections;

namespace DigitalCell.Cli.Commands;

/// <summary>The options every collection command shares: which genes (<c>--gene-space</c>) and Tahoe's token vocabulary (<c>--gene-metadata</c>).</summary>
internal sealed class CollectionArguments
{
    public Argument<string> Location { get; } = new("collection")
    {
        Description = "Shards: a folder of .h5ad/.parquet files, a glob (shards/part-*.parquet) or a manifest (.json with \"shards\", .txt one path a line).",
    };

    public Option<string> GeneSpace { get; } = new("--gene-space")
    {
        Description = "union (every gene of any shard, zeros where a shard lacks one) or intersection (genes every shard has).",
        DefaultValueFactory = _ => "union",
    };

    public Option<string?> GeneMetadata { get; } = new("--gene-metadata")
    {
        Description = "Tahoe-layout shards: the gene_metadata.parquet naming their tokens (default: looked for beside the shards).",
    };

    public CollectionArguments() => GeneSpace.OneOf("union", "intersection");

    /// <summary>Adds the argument and options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Location);
        command.Options.Add(GeneSpace);
        command.Options.Add(GeneMetadata);
    }

    public CellCollection Open(ParseResult parse) => CellCollection.Open(parse.GetRequiredValue(Location), new CellCollectionOptions
    {
        GeneSpace = parse.GetValue(GeneSpace) == "intersection" ? Sdk.Collections.GeneSpace.Intersection : Sdk.Collections.GeneSpace.Union,
        GeneMetadata = parse.GetValue(GeneMetadata),
    });
}
