namespace DigitalCell.Sdk.Models;

/// <summary>
/// The catalog data sets the zoo's base model (<c>dcell-base-tiny</c>) is pretrained on by default. Kept here rather than
/// beside the model so that commands without the neural backend (the demo checking what it can read offline) name the
/// same sets as the pretraining itself.
/// </summary>
public static class BaseModelRecipe
{
    /// <summary>The perturbation screens: Papalexi (THP-1 knockouts), Norman/McFaline (K562 CRISPRa, glioblastoma CRISPRi) and Kang (IFN-β in PBMC cell types).</summary>
    public static IReadOnlyList<string> PerturbationIds { get; } = ["papalexi2021-thp1-subset", "norman2019-perturbench-devel", "kang2018-pbmc-ifnb"];

    /// <summary>
    /// The unperturbed data sets added to masked-expression pretraining: every one we hold — COMBAT (6 donors), the
    /// ECCITE-seq PBMC control (RNA + protein), scanpy's pbmc68k subset and the 10x Multiome PBMC RNA. Not the 14 GB AIDA
    /// atlas (<c>cellxgene-aida-pbmc</c>), which is not held; name it to add it.
    /// </summary>
    public static IReadOnlyList<string> ObservationalIds { get; } = ["combat-covid19-pbmc", "mimitou2019-eccite-pbmc", "pbmc68k-reduced", "tenx-multiome-pbmc-rna"];
}
