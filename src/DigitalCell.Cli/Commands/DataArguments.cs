using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Cli.Commands;

/// <summary>Resolves <c>--data</c>: a dataset file read as is, or a catalog id resolved (cache → mirror → download) and mapped to DigitalCell's schema.</summary>
internal static class DataArguments
{
    public static async Task<(CellDataset Data, PerturbationSchema Schema, string Id)> LoadAsync(Catalog catalog, string data, string? perturbationColumn, string? control,
        CancellationToken cancellationToken)
    {
        if (File.Exists(data) || Directory.Exists(data))
        {
            var dataset = CellDataset.Read(data);
            var schema = new PerturbationSchema(perturbationColumn ?? DatasetSchemaApplication.PerturbationColumn, control ?? DatasetSchemaApplication.ControlLabel, PerturbationMode.Other);
            return (dataset, schema, Path.GetFileName(Path.GetFullPath(data).TrimEnd(Path.DirectorySeparatorChar)));
        }
        var entry = catalog.Get(data);
        var fetched = await catalog.FetchAsync(entry.Id, null, cancellationToken);
        var mapped = entry.ApplySchema(CellDataset.Read(fetched.DataPath));
        var entrySchema = entry.PerturbationSchema;
        if (perturbationColumn is not null) entrySchema = entrySchema with { PerturbationColumn = perturbationColumn };
        if (control is not null) entrySchema = entrySchema with { ControlLabels = [control] };
        return (mapped, entrySchema, entry.Id);
    }
}
