namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// How a dataset records its perturbations: which obs column holds the labels, which labels mean "control", how
/// combinations are written and which optional columns carry the context (cell line or type), dose and time.
/// A catalog manifest supplies one per dataset; users can also build one by hand.
/// </summary>
/// <param name="PerturbationColumn">The obs column with one perturbation label per cell (cell-eval's <c>pert_col</c>).</param>
/// <param name="ControlLabels">Labels that mean unperturbed cells (cell-eval's <c>control_pert</c>), e.g. <c>control</c>, <c>non-targeting</c>, <c>ctrl</c>.</param>
/// <param name="DefaultMode">The intervention of non-control labels when the label itself does not say (a CRISPR screen's modality).</param>
/// <param name="CombinationDelimiter">Separates the targets of a combination (<c>A+B</c>); GEARS' <c>A+ctrl</c> means the single <c>A</c>.</param>
/// <param name="ContextColumn">Optional obs column with the cellular context (cell line or cell type).</param>
/// <param name="DoseColumn">Optional obs column with a numeric dose (compounds).</param>
/// <param name="TimeColumn">Optional obs column with a numeric time after treatment.</param>
/// <param name="GeneIdColumn">Optional var column mapping gene symbols to stable ids (e.g. Ensembl), when var names are not symbols.</param>
public sealed record PerturbationSchema(
    string PerturbationColumn,
    IReadOnlyList<string> ControlLabels,
    PerturbationMode DefaultMode = PerturbationMode.Other,
    string CombinationDelimiter = "+",
    string? ContextColumn = null,
    string? DoseColumn = null,
    string? TimeColumn = null,
    string? GeneIdColumn = null)
{
    /// <summary>A schema with a single control label.</summary>
    public PerturbationSchema(string perturbationColumn, string controlLabel, PerturbationMode defaultMode = PerturbationMode.Other)
        : this(perturbationColumn, new[] { controlLabel }, defaultMode) { }

    /// <summary>True when <paramref name="label"/> is one of the control labels (ordinal comparison).</summary>
    public bool IsControlLabel(string label) => ControlLabels.Contains(label, StringComparer.Ordinal);

    /// <summary>The first control label, used when one label must represent all controls (e.g. cell-eval's single control group).</summary>
    public string PrimaryControl => ControlLabels.Count > 0 ? ControlLabels[0]
        : throw new DigitalCellException($"Perturbation schema for column '{PerturbationColumn}' has no control label.");
}
