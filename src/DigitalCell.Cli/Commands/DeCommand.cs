using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell de &lt;in&gt; --groupby &lt;col&gt; --reference &lt;label&gt; [--method wilcoxon|t-test] [--convention …] [--context-column &lt;col&gt;] --out &lt;file.csv|.parquet&gt;</c>:
/// differential expression of every group against the reference (of its own context with <c>--context-column</c>), one row per group × gene.
/// </summary>
public static class DeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Log1p-normalised dataset: " + CellDatasetFiles.SupportedFormats };
        var groupBy = new Option<string>("--groupby") { Description = "obs column holding the groups (e.g. perturbation).", Required = true };
        var reference = new Option<string>("--reference") { Description = "The reference group (e.g. control).", Required = true };
        var method = new Option<string>("--method") { Description = "wilcoxon or t-test.", DefaultValueFactory = _ => "wilcoxon" };
        method.OneOf("wilcoxon", "t-test");
        var convention = new Option<string>("--convention")
        {
            Description = "scanpy (no continuity correction, 1e-9 pseudocount, BH per group), cell-eval (pdex 0.2: continuity, ε = 0) or vcc2025 (pdex 0.1: continuity, FC clipped at 20, global BH).",
            DefaultValueFactory = _ => "scanpy",
        };
        convention.OneOf("scanpy", "cell-eval", "vcc2025");
        var output = new Option<string>("--out", "-o") { Description = "Result table: .csv or .parquet.", Required = true };
        var subset = DataArguments.SubsetOption();
        var context = DataArguments.ContextColumnOption();
        context.Description = "obs column with the cellular context (cell line, type, donor): each group is tested against the reference cells of its own context; the table gains a first column context (.csv only)";
        var command = new Command("de", "Differential expression of every group against a reference group (columns group, gene, statistic, pvalue, padj, log2fc, mean_group, mean_reference).")
            { input, groupBy, reference, method, convention, subset, context, output };
        command.SetAction((parse, cancellationToken) =>
        {
            string to = parse.GetRequiredValue(output);
            bool parquet = to.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);
            if (!parquet && !to.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw new DigitalCellException($"--out must end in .csv or .parquet, got '{to}'.");
            var options = parse.GetValue(convention) switch
            {
                "cell-eval" => DifferentialExpressionOptions.CellEval,
                "vcc2025" => DifferentialExpressionOptions.Vcc2025,
                _ => new DifferentialExpressionOptions(),
            };
            if (parse.GetValue(method) == "t-test") options = options with { Method = DifferentialExpressionMethod.TTest };
            var data = DataArguments.Subset(CellDataset.Read(parse.GetRequiredValue(input)), parse.GetValue(subset) ?? [], []);
            string groups = parse.GetRequiredValue(groupBy), control = parse.GetRequiredValue(reference);
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(context) is string contextColumn)
            {
                if (parquet) throw new DigitalCellException($"--out: with --context-column the table is written as .csv (a context column first), got '{to}'.");
                var perContext = TerminalProgress.Run(error, "de", progress =>
                    data.DifferentialExpressionByContext(groups, control, contextColumn, options, progress, cancellationToken));
                ContextDifferentialExpression.WriteCsv(perContext, to);
                parse.InvocationConfiguration.Output.WriteLine(
                    $"Tested {perContext.Sum(c => c.Result.Groups.Count)} groups × {data.GeneCount} genes against '{control}' of their own context " +
                    $"({string.Join(", ", perContext.Select(c => $"{c.Context}: {c.Result.ReferenceCellCount} cells"))}); wrote {to}.");
                return Task.FromResult(0);
            }
            // The column grouped by may itself be a context (de --groupby cell_type); only another one is pooled unawares.
            if (!ContextColumns.Candidates.Contains(groups) && ContextColumns.Warning(data, new PerturbationSchema(groups, control)) is string warning)
                error.WriteLine(Program.TerminalLine(warning));
            var result = TerminalProgress.Run(error, DifferentialExpressionAnalysis.ProgressStep, progress =>
                data.DifferentialExpression(groups, control, options, progress, cancellationToken));
            if (parquet) result.WriteParquet(to); else result.WriteCsv(to);
            parse.InvocationConfiguration.Output.WriteLine(
                $"Tested {result.Groups.Count} groups × {result.Genes.Count} genes against '{result.Reference}' ({result.ReferenceCellCount} cells); wrote {to}.");
            return Task.FromResult(0);
        });
        return command;
    }
}
