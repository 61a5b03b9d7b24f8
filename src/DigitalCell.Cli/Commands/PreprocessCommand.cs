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
        var command = new Command("preprocess", "Normalise, log-transform, select variable genes, scale and run PCA.")
            { input, normalize, log1p, hvg, flavor, subset, scale, pca, seed, force };
        output.AddTo(command);
        command.SetAction(parse =>
        {
            string from = parse.GetRequiredValue(input), to = output.Get(parse);
            if (CellDatasetFiles.DetectForWriting(to) == CellDataFormat.TenXDirectory) AtomicFile.CheckReplaceable(to, parse.GetValue(force));
            var data = CellDataset.Read(from);
            try
            {
                data = Apply(data, parse, out var steps);
                data.Write(to, parse.GetValue(force));
                parse.InvocationConfiguration.Output.WriteLine(
                    $"Wrote {data.CellCount} cells × {data.GeneCount} genes to {to} after {(steps.Count == 0 ? "no step" : string.Join(", ", steps))}.");
            }
            catch (DigitalCellException e) when (e.FilePath is null)
            {
                // A step's error (NaN into PCA, too many components) names cells and genes, not the file they came from.
                throw new DigitalCellException(from, null, e.Message, e);
            }
            return 0;
        });
        return command;

        CellDataset Apply(CellDataset data, ParseResult parse, out List<string> steps)
        {
            steps = [];
            if (parse.GetValue(normalize) is { } target) { data = data.NormalizeTotal(target); steps.Add($"normalize_total({target:G})"); }
            if (parse.GetValue(log1p)) { data = data.Log1p(); steps.Add("log1p"); }
            if (parse.GetValue(hvg) is { } n)
            {
                var f = parse.GetValue(flavor);
                data = data.HighlyVariableGenes(n, f, subset: parse.GetValue(subset));
                steps.Add($"hvg({n}, {f})");
            }
            if (parse.GetValue(scale) is { } max) { data = data.Scale(max); steps.Add($"scale({max:G})"); }
            if (parse.GetValue(pca) is { } k) { data = data.Pca(k, new PcaOptions { Seed = parse.GetValue(seed) }); steps.Add($"pca({k})"); }
            return data;
        }
    }
}
