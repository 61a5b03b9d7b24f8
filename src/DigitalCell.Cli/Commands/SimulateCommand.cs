using System.CommandLine;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Collections;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell simulate --cells N --genes G --perturbations P --shards S --out &lt;dir&gt;</c>: a SYNTHETIC perturbation
/// screen (negative-binomial counts, per-perturbation effects) written as shards, for benchmarks and workflow tests.
/// </summary>
public static class SimulateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var cells = new Option<int>("--cells") { Description = "Number of cells.", DefaultValueFactory = _ => 10_000 };
        var genes = new Option<int>("--genes") { Description = "Number of genes.", DefaultValueFactory = _ => 2_000 };
        var perturbations = new Option<int>("--perturbations") { Description = "Number of perturbations besides the control.", DefaultValueFactory = _ => 20 };
        var contexts = new Option<int>("--contexts") { Description = "Number of contexts (cell lines), each with its own controls.", DefaultValueFactory = _ => 2 };
        var shards = new Option<int>("--shards") { Description = "Number of shard files.", DefaultValueFactory = _ => 4 };
        var layout = new Option<string>("--layout") { Description = "h5ad, tahoe (Tahoe-100M's Parquet layout), wide or long (our Parquet layouts).", DefaultValueFactory = _ => "h5ad" };
        layout.OneOf("h5ad", "tahoe", "wide", "long");
        var umis = new Option<double?>("--umis-per-cell") { Description = "Sequencing depth: expected UMIs of an average cell over all genes (default: the gene means as drawn, ≈ 1.1 per gene)." };
        var seed = new Option<int>("--seed") { Description = "Seed of every random draw.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Threads drawing cells (0: all cores); the output is the same for any number.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the shards (replaced whole, so no stale shard of an earlier run stays).", Required = true };
        var force = OutputArguments.Force();
        var command = new Command("simulate", "Write a synthetic (simulated, not real) perturbation screen as shards: cell_line and perturbation obs columns, NB counts.")
            { cells, genes, perturbations, contexts, shards, layout, umis, seed, threads, output, force };
        command.SetAction(parse =>
        {
            var options = new SyntheticCollectionOptions
            {
                Cells = parse.GetValue(cells), Genes = parse.GetValue(genes), Perturbations = parse.GetValue(perturbations),
                Contexts = parse.GetValue(contexts), Shards = parse.GetValue(shards), UmisPerCell = parse.GetValue(umis), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                Layout = parse.GetValue(layout) switch
                {
                    "tahoe" => ShardLayout.ParquetTahoe,
                    "wide" => ShardLayout.ParquetWide,
                    "long" => ShardLayout.ParquetLong,
                    _ => ShardLayout.H5ad,
                },
            };
            string folder = parse.GetRequiredValue(output);
            AtomicFile.CheckReplaceable(folder, parse.GetValue(force));
            int written = 0;
            AtomicFile.WriteDirectory(folder, temp => written = SyntheticCollection.Write(temp, options).Count, parse.GetValue(force));
            parse.InvocationConfiguration.Output.WriteLine(
                $"Wrote {written} synthetic shards ({options.Cells} cells × {options.Genes} genes, {options.Perturbations} perturbations, {options.Contexts} contexts) to {folder}.");
            return 0;
        });
        return command;
    }
}
