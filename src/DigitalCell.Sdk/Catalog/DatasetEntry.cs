namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// One data set of the catalog, as described by its manifest file in <c>datasets-manifest/</c>: what it is, whom to
/// cite, its licence, its files and how its columns map onto DigitalCell conventions.
/// </summary>
/// <param name="Id">Short stable id used on the command line (<c>norman2019</c>).</param>
/// <param name="Title">One-line title.</param>
/// <param name="Description">What the cells are and why the field uses them.</param>
/// <param name="Citation">The publication to cite.</param>
/// <param name="Via">The route the files take from the authors to us (scPerturb, PerturBench, …), when not direct.</param>
/// <param name="License">SPDX licence id of the files as distributed (<c>unknown</c> when none is stated).</param>
/// <param name="LicenseNote">Clarification of the licence, if any.</param>
/// <param name="Organism">Species (<c>Homo sapiens</c>).</param>
/// <param name="CellContext">Cell line(s) or cell type(s).</param>
/// <param name="Modality"><c>transcriptome</c> or <c>transcriptome+protein</c>.</param>
/// <param name="PerturbationKind"><c>CRISPRko</c>, <c>CRISPRi</c>, <c>CRISPRa</c>, <c>compound</c>, <c>cytokine</c> or <c>none</c>.</param>
/// <param name="Files">The files, data first.</param>
/// <param name="Schema">Column mapping onto DigitalCell conventions.</param>
/// <param name="ManifestPath">Where the entry was read from (a file path or <c>embedded:name</c>).</param>
public sealed record DatasetEntry(
    string Id,
    string Title,
    string Description,
    DatasetCitation Citation,
    string? Via,
    string License,
    string? LicenseNote,
    string Organism,
    string CellContext,
    string Modality,
    string PerturbationKind,
    IReadOnlyList<DatasetFile> Files,
    DatasetSchemaMapping Schema,
    string ManifestPath)
{
    /// <summary>The file that holds the cells: the first file with role <c>data</c>.</summary>
    public DatasetFile PrimaryFile => Files.FirstOrDefault(f => f.Role == "data") ?? Files[0];

    /// <summary>Total size in bytes when every file's size is known, else null.</summary>
    public long? TotalSize => Files.All(f => f.Size is not null) ? Files.Sum(f => f.Size!.Value) : null;
}
