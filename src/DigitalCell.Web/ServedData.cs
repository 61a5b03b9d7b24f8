using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Web;

/// <summary>A data set to serve, as the caller loaded it (the command line loads files and catalog ids through its one door).</summary>
/// <param name="Id">The id requests name it by (catalog id or file name); never a path.</param>
/// <param name="Data">The cells (counts or log1p-normalised; counts are normalised as cell-eval does).</param>
/// <param name="Schema">How perturbations and contexts are recorded.</param>
/// <param name="Title">One line for the data set picker (e.g. the catalog title).</param>
/// <param name="CellContext">What the cells are when the schema has no context column (e.g. <c>THP-1</c>), naming the one context.</param>
/// <param name="PerturbationKind">
/// The catalog entry's <c>perturbationKind</c> (<c>CRISPRko</c>, <c>cytokine</c>, <c>compound</c>, …): <c>cytokine</c> and
/// <c>compound</c> make the perturbations treatments. Null (a file): the schema's mode and the labels decide.
/// </param>
public sealed record ServedData(string Id, CellDataset Data, PerturbationSchema Schema, string? Title = null, string? CellContext = null, string? PerturbationKind = null);

/// <summary>A model to serve: a name the SDK creates unfitted (fitted on each data set at start), or a saved, fitted model.</summary>
/// <param name="Id">The id requests name it by.</param>
/// <param name="Create">Creates the model from the platform's gene priors (null when none): a fresh unfitted baseline, or a saved model loaded from its directory.</param>
public sealed record ServedModelSource(string Id, Func<Sdk.GeneKnowledge.GenePriors?, Sdk.Models.IPerturbationModel> Create);
