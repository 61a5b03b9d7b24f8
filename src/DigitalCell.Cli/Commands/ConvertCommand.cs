using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using System.CommandLine;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Cli.Commands;

/// <summary><c>dcell convert &lt;input&gt; --out &lt;output&gt;</c>: converts between h5ad, 10x and Parquet, reporting on stderr what the target cannot hold.</summary>
public static class ConvertCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Dataset to read: " + CellDatasetFiles.SupportedFormats };
        var output = new OutputArguments.FilePath("Where to write; the extension picks the format (no extension = 10x directory).");
        var force = OutputArguments.Force();
        var subset = DataArguments.SubsetOption();
        var command = new Command("convert", "Convert a dataset between h5ad, 10x Matrix Market and Parquet; split an .h5mu into <dir>/<modality>.h5ad, or join a folder of .h5ad files into an .h5mu.") { input };
        output.AddTo(command);
        command.Options.Add(subset);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            string from = parse.GetRequiredValue(input), to = output.Get(parse);
            bool replace = parse.GetValue(force);
            var subsets = parse.GetValue(subset) ?? [];
            if (subsets.Length > 0 && (MultimodalFiles.IsH5mu(from) || MultimodalFiles.IsH5mu(to)))
                throw new DigitalCellException("--subset: an .h5mu conversion keeps every cell; subset one modality's .h5ad instead.");
            if (MultimodalFiles.TryConvert(from, to, replace, parse.InvocationConfiguration.Output)) return 0;
            var target = CellDatasetFiles.DetectForWriting(to);
            if (target == CellDataFormat.TenXDirectory) AtomicFile.CheckReplaceable(to, replace);
            var data = DataArguments.Subset(CellDataset.ReadAsStored(from), subsets, []);
            var error = parse.InvocationConfiguration.Error;
            foreach (var loss in CellDatasetFiles.WhatWouldBeDropped(data, target))
                error.WriteLine(Program.TerminalLine($"warning: {target} cannot hold {loss}; not written."));
            data.Write(to, replace);
            parse.InvocationConfiguration.Output.WriteLine($"Wrote {data.CellCount} cells × {data.GeneCount} genes to {to} ({target}).");
            return 0;
        });
        return command;
    }
}
