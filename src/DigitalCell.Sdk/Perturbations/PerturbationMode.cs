namespace DigitalCell.Sdk.Perturbations;

/// <summary>What kind of intervention a perturbation label stands for.</summary>
public enum PerturbationMode
{
    /// <summary>Unperturbed reference cells (non-targeting guides, vehicle, <c>ctrl</c>).</summary>
    Control,

    /// <summary>Gene knockout (CRISPR–Cas9 cutting), e.g. the Papalexi 2021 ECCITE-seq screen.</summary>
    Knockout,

    /// <summary>Transcriptional knockdown with dCas9-KRAB (CRISPR interference), e.g. Replogle 2022 and the Virtual Cell Challenge.</summary>
    CRISPRi,

    /// <summary>Transcriptional activation with dCas9 activators (CRISPR activation), e.g. Norman 2019.</summary>
    CRISPRa,

    /// <summary>A chemical compound (drug) at a dose for a time, e.g. sci-Plex or Tahoe-100M.</summary>
    Compound,

    /// <summary>Anything else (cytokine stimulation, overexpression by ORF, unknown).</summary>
    Other,
}
