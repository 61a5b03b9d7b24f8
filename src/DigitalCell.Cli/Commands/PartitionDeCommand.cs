using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Collections;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell partition-de &lt;partition&gt; --control &lt;label&gt; [--convention …] --out de.csv</c>: every perturbation
/// against its own context's controls (Wilcoxon), all of a context's perturbations in one pass per block of genes that
/// fits <c>--memory-budget</c>; one CSV with a context column.
/// </summary>
public static class PartitionDeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var partition = new Argument<string>("partition") { Description = "A folder written by 'dcell partition' (normalised and log1p-transformed there)." };
        var control = new Option<string>("--control") { Description = "The control label of the perturbation column.", DefaultValueFactory = _ => "control" };
        var convention = new Option<string>("--convention") { Description = "scanpy or cell-eval (see 'dcell de').", DefaultValueFactory = _ => "scanpy" };
        convention.OneOf("scanpy", "cell-eval");
        var budget = new Option<int>("--memory-budget")
        {
            Description = "MiB for one block of genes × every cell of a context (12 bytes a stored value) and the sort scratch of the most-expressed gene; the tests read genes in as many blocks as this needs.",
            DefaultValueFactory = _ => (int)(CellPartition.DefaultMemoryBudget >> 20),
        };
        var output = new Option<string>("--out", "-o") { Description = "Result table (.csv): context, group, gene, statistic, pvalue, padj, log2fc, mean_group, mean_reference.", Required = true };
        var command = new Command("partition-de", "Wilcoxon DE of every perturbation vs its context's controls, from a partition.") { partition, control, convention, budget, output };
        command.SetAction(parse =>
        {
            string to = parse.GetRequiredValue(output);
            if (!to.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) throw new DigitalCellException($"--out must end in .csv, got '{to}'.");
            var options = parse.GetValue(convention) == "cell-eval" ? DifferentialExpressionOptions.CellEval : new DifferentialExpressionOptions();
            int groups = 0;
            var results = CellPartition.Open(parse.GetRequiredValue(partition)).DifferentialExpression(parse.GetValue(control)!, options, (long)parse.GetValue(budget) << 20)
                .Select(r => { groups++; return r; });
            CellPartition.WriteCsv(results, to);
            parse.InvocationConfiguration.Output.WriteLine($"Tested {groups} perturbations against their contexts' controls; wrote {to}.");
            return 0;
        });
        return command;
    }
}
