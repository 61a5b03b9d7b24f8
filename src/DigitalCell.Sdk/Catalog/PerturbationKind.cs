using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Catalog;

/// <summary>The manifest's <c>perturbationKind</c> values and the <see cref="PerturbationMode"/> each maps to.</summary>
public static class PerturbationKind
{
    /// <summary>The values a manifest may use, as written in <c>datasets-manifest/schema.json</c>.</summary>
    public static IReadOnlyList<string> All { get; } = ["CRISPRko", "CRISPRi", "CRISPRa", "compound", "cytokine", "none"];

    /// <summary>The mode of a non-control cell in a data set of this kind.</summary>
    public static PerturbationMode ToMode(string kind) => kind switch
    {
        "CRISPRko" => PerturbationMode.Knockout,
        "CRISPRi" => PerturbationMode.CRISPRi,
        "CRISPRa" => PerturbationMode.CRISPRa,
        "compound" => PerturbationMode.Compound,
        // Cytokine stimulation (Kang 2018's IFN-beta) and unperturbed atlases have no dedicated mode.
        "cytokine" or "none" => PerturbationMode.Other,
        _ => throw new DigitalCellException($"Unknown perturbation kind '{kind}'; expected one of {string.Join(", ", All)}."),
    };
}
