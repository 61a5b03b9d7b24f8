using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// How a data set's own columns map onto DigitalCell conventions: which obs column holds the perturbation labels,
/// which labels mean control, how combinations are written, and where context, dose, time and gene ids live.
/// </summary>
/// <param name="PerturbationColumn">The obs column with one perturbation label per cell.</param>
/// <param name="ControlLabels">Labels meaning unperturbed cells (<c>control</c>, <c>non-targeting</c>, <c>DMSO_TF</c>).</param>
/// <param name="CombinationDelimiter">Separator of combined targets (<c>+</c> in GEARS/PerturBench, <c>_</c> in scPerturb), or null when the data set has no combinations.</param>
/// <param name="ContextColumn">Obs column with the cell line or cell type, if any.</param>
/// <param name="DoseColumn">Obs column with a numeric dose, if any.</param>
/// <param name="TimeColumn">Obs column with a numeric time, if any.</param>
/// <param name="GeneIdColumn">Var column with the other gene identifier, if any: Ensembl ids when var names are symbols (scPerturb's <c>ensembl_id</c>), symbols when var names are Ensembl ids (CELLxGENE's <c>feature_name</c>).</param>
public sealed record DatasetSchemaMapping(
    string PerturbationColumn,
    IReadOnlyList<string> ControlLabels,
    string? CombinationDelimiter,
    string? ContextColumn,
    string? DoseColumn,
    string? TimeColumn,
    string? GeneIdColumn)
{
    /// <summary>The mapping as the SDK's <see cref="PerturbationSchema"/>, for labels as the data set writes them.</summary>
    /// <param name="defaultMode">The intervention of non-control labels (from the entry's perturbation kind).</param>
    public PerturbationSchema ToPerturbationSchema(PerturbationMode defaultMode) =>
        new(PerturbationColumn, ControlLabels, defaultMode,
            CombinationDelimiter ?? "+", ContextColumn, DoseColumn, TimeColumn, GeneIdColumn);
}
