using System.CommandLine;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Records;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// The data-reading options every command shares: a file or catalog id, <c>--context-column</c> (each perturbation
/// against its own context's controls) and <c>--subset COLUMN=VALUE[,VALUE]</c>; perturbation column and control
/// default to the catalog mapping or the first convention the data follows (cell-eval's <c>target_gene</c> /
/// <c>non-targeting</c>, then <c>perturbation</c> / <c>control</c>).
/// </summary>
internal static class DataArguments
{
    /// <summary>A new <c>--context-column</c> option (alias <c>--celltype-col</c>, cell-eval's name).</summary>
    public static Option<string?> ContextColumnOption() => new("--context-column", "--celltype-col")
    {
        Description = "obs column with the cellular context (cell line, type, donor): each perturbation is compared with the controls of its own context (default: the catalog mapping)",
    };

    /// <summary>A new <c>--subset</c> option (repeatable).</summary>
    public static Option<string[]> SubsetOption() => new("--subset")
    {
        Description = "Keep only the cells whose obs COLUMN holds one of the VALUEs: COLUMN=VALUE[,VALUE]; repeatable; recorded in the report",
        DefaultValueFactory = _ => [],
    };

    /// <summary>
    /// Loads <paramref name="data"/> (file or catalog id), applies the subsets and resolves the schema; a catalog id is
    /// resolved cache → mirror → download, and a path to a catalog file gets its entry's schema, as the id would.
    /// </summary>
    public static async Task<LoadedData> LoadAsync(DatasetCatalog catalog, string data, string? perturbationColumn, string? control, string? contextColumn,
        IReadOnlyList<string> subsets, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        DatasetEntry entry;
        CellDataset dataset;
        if (File.Exists(data) || Directory.Exists(data))
        {
            dataset = CellDataset.Read(data, catalog);
            if (dataset.CatalogId is not { } id)
            {
                dataset = Subset(dataset, subsets, notes);
                var (column, label) = PerturbationConventions.Resolve(dataset, perturbationColumn, control);
                var schema = new PerturbationSchema(column, [label], PerturbationMode.Other, ContextColumn: contextColumn);
                string name = Path.GetFileName(Path.GetFullPath(data).TrimEnd(Path.DirectorySeparatorChar));
                return new LoadedData(dataset, schema, name, notes, InputRecord.Of(name, data, SubsetText(subsets), cancellationToken));
            }
            entry = catalog.Get(id);
        }
        else
        {
            entry = catalog.Get(data);
            dataset = CellDataset.Read((await catalog.FetchAsync(entry.Id, null, cancellationToken)).DataPath, catalog);
        }
        var entrySchema = entry.PerturbationSchema;
        if (perturbationColumn is not null) entrySchema = entrySchema with { PerturbationColumn = perturbationColumn };
        if (control is not null) entrySchema = entrySchema with { ControlLabels = [control] };
        if (contextColumn is not null) entrySchema = entrySchema with { ContextColumn = contextColumn };
        var input = DatasetSchemaApplication.CatalogInput(dataset, SubsetText(subsets))!;
        return new LoadedData(Subset(dataset, subsets, notes), entrySchema, entry.Id, notes, input);
    }

    /// <summary>The <c>--subset</c> values as one line for <see cref="InputRecord.Subset"/> (applied in order), or null when none.</summary>
    public static string? SubsetText(IReadOnlyList<string> subsets) => subsets.Count == 0 ? null : string.Join("; ", subsets);

    /// <summary>Applies each <c>--subset</c> in turn, adding one provenance line per subset to <paramref name="notes"/>.</summary>
    public static CellDataset Subset(CellDataset data, IReadOnlyList<string> subsets, List<string> notes)
    {
        foreach (var spec in subsets)
        {
            var subset = CellSubset.Parse(spec);
            int before = data.CellCount;
            data = subset.Apply(data);
            notes.Add(subset.Describe(data.CellCount, before));
        }
        return data;
    }
}

/// <summary>A loaded data set, its schema, its id for reports, how it was subset, and its provenance input record.</summary>
internal sealed record LoadedData(CellDataset Data, PerturbationSchema Schema, string Id, IReadOnlyList<string> Notes, InputRecord Input);
