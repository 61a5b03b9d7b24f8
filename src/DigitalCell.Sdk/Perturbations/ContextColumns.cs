using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// Finds obs columns that look like a cellular context (cell line, cell type, donor) so that pooling contexts silently
/// — comparing a glioblastoma knockdown with K562 controls — gets a warning.
/// </summary>
public static class ContextColumns
{
    /// <summary>Column names that usually hold a context, in the order they are suggested.</summary>
    public static IReadOnlyList<string> Candidates { get; } =
        ["cell_line", "cell_type", "celltype", "cell_line_name", "cellline", "context", "donor", "donor_id", "cell_type_ontology_term_id"];

    /// <summary>
    /// A one-line warning when <paramref name="data"/> has a context-like column with more than one value but
    /// <paramref name="schema"/> names no context column; null otherwise.
    /// </summary>
    public static string? Warning(CellDataset data, PerturbationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.ContextColumn is not null) return null;
        foreach (var name in Candidates.Where(data.Obs.Contains))
        {
            var column = data.Obs[name];
            var values = Enumerable.Range(0, data.CellCount).Select(i => column.GetValue(i)?.ToString()).Distinct().Take(11).Count();
            if (values > 1)
                return $"warning: obs column '{name}' has {(values > 10 ? "more than 10" : values.ToString(System.Globalization.CultureInfo.InvariantCulture))} contexts " +
                       $"but no context column was given; perturbations are compared with the controls of all contexts pooled (pass --context-column {name}).";
        }
        return null;
    }
}
