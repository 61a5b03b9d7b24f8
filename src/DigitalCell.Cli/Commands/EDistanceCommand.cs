using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell edistance &lt;in&gt; --groupby &lt;col&gt; --reference &lt;label&gt; --out &lt;file.csv&gt; [--permutations N] [--seed S] [--pcs N]</c>:
/// scPerturb E-distance of every group to the reference in PCA space, with the E-test when permutations are asked for.
/// </summary>
public static class EDistanceCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Dataset (log1p-normalised, or with obsm X_pca): " + CellDatasetFiles.SupportedFormats };
        var groupBy = new Option<string>("--groupby") { Description = "obs column holding the groups.", Required = true };
        var reference = new Option<string>("--reference") { Description = "The reference group (e.g. control).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "CSV with group, n_cells, edistance[, pvalue, padj].", Required = true };
        var permutations = new Option<int>("--permutations") { Description = "E-test permutations (0 = distances only).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the permutations and of the PCA.", DefaultValueFactory = _ => 0 };
        var pcs = new Option<int>("--pcs") { Description = "Components to compute when the dataset has no obsm X_pca.", DefaultValueFactory = _ => 50 };
        var subset = DataArguments.SubsetOption();
        var command = new Command("edistance", "E-distance (scPerturb, squared Euclidean in PCA space) of every group to a reference, with the E-test.")
            { input, groupBy, reference, subset, output, permutations, seed, pcs };
        command.SetAction(parse =>
        {
            var data = DataArguments.Subset(CellDataset.Read(parse.GetRequiredValue(input)), parse.GetValue(subset) ?? [], []);
            int s = parse.GetValue(seed);
            if (!data.Obsm.ContainsKey("X_pca"))
            {
                int k = Math.Min(parse.GetValue(pcs), Math.Min(data.CellCount, data.GeneCount));
                parse.InvocationConfiguration.Error.WriteLine($"note: no obsm X_pca; computing {k} principal components of X.");
                data = data.Pca(k, new PcaOptions { Seed = s });
            }
            int n = parse.GetValue(permutations);
            var options = new EDistanceOptions { Seed = s, Permutations = Math.Max(1, n) };
            string by = parse.GetRequiredValue(groupBy), reference1 = parse.GetRequiredValue(reference);
            var result = n > 0 ? data.ETest(by, reference1, options) : data.EDistance(by, reference1, options);
            string to = parse.GetRequiredValue(output);
            result.WriteCsv(to);
            parse.InvocationConfiguration.Output.WriteLine($"E-distance of {result.Groups.Count} groups to '{result.Reference}'{(n > 0 ? $" with {n} permutations" : "")}; wrote {to}.");
            return 0;
        });
        return command;
    }
}
