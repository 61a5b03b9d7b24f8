using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Preprocessing;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell preprocess &lt;in&gt; --out &lt;file&gt; [--normalize 1e4] [--log1p] [--hvg N] [--hvg-flavor …] [--scale MAX] [--pca N]</c>:
/// the scanpy-style pipeline, steps applied in that order.
/// </summary>
public static class PreprocessCommand
{
    /// <summary>The progress step counting the pipeline's steps done.</summary>
    internal const string StepsDone = "steps";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Dataset to read: " + CellDatasetFiles.SupportedFormats };
        var output = new OutputArguments.FilePath("Where to write the processed dataset (extension picks the format).");
        var normalize = new Option<double?>("--normalize") { Description = "Scale every cell to this total count (e.g. 1e4); raw counts are kept in layer 'counts'." };
        var log1p = new Option<bool>("--log1p") { Description = "Apply log(1 + x)." };
        var hvg = new Option<int?>("--hvg") { Description = "Mark this many highly variable genes (var 'highly_variable')." };
        var flavor = new Option<HvgFlavor>("--hvg-flavor") { Description = "HVG flavour: Dispersion (log data, scanpy 'seurat') or SeuratV3 (counts).", DefaultValueFactory = _ => HvgFlavor.Dispersion };
        var subset = new Option<bool>("--hvg-subset") { Description = "Keep only the highly variable genes." };
        var scale = new Option<double?>("--scale") { Description = "Standardise genes and clip to ±this value." };
        var pca = new Option<int?>("--pca") { Description = "Add this many principal components (obsm 'X_pca', varm 'PCs')." };
        var seed = new Option<int>("--seed") { Description = "Seed of the randomized PCA.", DefaultValueFactory = _ => 0 };
        var force = OutputArguments.Force();
        var cells = DataArguments.SubsetOption();
        var command = new Command("preprocess", "Normalise, log-transform, select variable genes, scale and run PCA.")
            { input, cells, normalize, log1p, hvg, flavor, subset, scale, pca, seed, force };
        output.AddTo(command);
        command.SetAction(parse =>
        {
            string from = parse.GetRequiredValue(input), to = output.Get(parse);
            if (CellDatasetFiles.DetectForWriting(to) == CellDataFormat.TenXDirectory) AtomicFile.CheckReplaceable(to, parse.GetValue(force));
            var data = DataArguments.Subset(CellDataset.ReadAsStored(from), parse.GetValue(cells) ?? [], []);
            try
            {
                var (processed, steps) = TerminalProgress.Run(parse.InvocationConfiguration.Error, "preprocess", progress => Apply(data, parse, progress));
                processed.Write(to, parse.GetValue(force));
                parse.InvocationConfiguration.Output.WriteLine(
                    $"Wrote {processed.CellCount} cells × {processed.GeneCount} genes to {to} after {(steps.Count == 0 ? "no step" : string.Join(", ", steps))}.");
            }
            catch (DigitalCellException e) when (e.FilePath is null)
            {
                // A step's error (NaN into PCA, too many components) names cells and genes, not the file they came from.
                throw new DigitalCellException(from, null, e.Message, e);
            }
            return 0;
        });
        return command;

        // Progress: one unit per step chosen, and PCA's passes over the data within its step.
        (CellDataset Data, List<string> Steps) Apply(CellDataset data, ParseResult parse, IProgress<WorkProgress> progress)
        {
            var steps = new List<string>();
            int total = new[] { parse.GetValue(normalize) is not null, parse.GetValue(log1p), parse.GetValue(hvg) is not null, parse.GetValue(scale) is not null, parse.GetValue(pca) is not null }
                .Count(chosen => chosen);
            void Done(string step) { steps.Add(step); progress.Report(new WorkProgress(StepsDone, steps.Count, total)); }
            if (parse.GetValue(normalize) is { } target) { data = data.NormalizeTotal(target); Done($"normalize_total({target:G})"); }
            if (parse.GetValue(log1p)) { data = data.Log1p(); Done("log1p"); }
            if (parse.GetValue(hvg) is { } n)
            {
                var f = parse.GetValue(flavor);
                data = data.HighlyVariableGenes(n, f, subset: parse.GetValue(subset));
                Done($"hvg({n}, {f})");
            }
            if (parse.GetValue(scale) is { } max) { data = data.Scale(max); Done($"scale({max:G})"); }
            if (parse.GetValue(pca) is { } k) { data = data.Pca(k, new PcaOptions { Seed = parse.GetValue(seed), Progress = progress }); Done($"pca({k})"); }
            return (data, steps);
        }
    }
}
