namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>How the derived gene features are built; the defaults follow GEARS and the gene-priors design note.</summary>
/// <param name="GoMinimumJaccard">GO graph: keep gene pairs whose GO-term Jaccard exceeds this (GEARS 0.1).</param>
/// <param name="GoNeighbours">GO graph: neighbours kept per gene besides itself (GEARS k = 20).</param>
/// <param name="GoSpectralDimensions">Dimensions of the GO graph's spectral embedding.</param>
/// <param name="RegulonDimensions">Dimensions of each regulon block (as TF, as target): the top singular vectors of the signed TF × target matrix.</param>
/// <param name="RegulonConfidence">DoRothEA confidence levels kept (all five by default: the E edges carry most of the coverage).</param>
/// <param name="Blocks">Blocks to include (null: all). Removing one is the ablation of that prior.</param>
/// <param name="Seed">Seed of the Lanczos start vectors (the embeddings are reproducible for a given seed).</param>
public sealed record GeneFeatureOptions(
    double GoMinimumJaccard = 0.1,
    int GoNeighbours = 20,
    int GoSpectralDimensions = 32,
    int RegulonDimensions = 16,
    string RegulonConfidence = "ABCDE",
    GenePriorBlocks Blocks = GenePriorBlocks.All,
    int Seed = 0);

/// <summary>The blocks of the prior vector (flags, so that ablations can drop any of them).</summary>
[Flags]
public enum GenePriorBlocks
{
    /// <summary>No block.</summary>
    None = 0,
    /// <summary>Spectral embedding of the GO graph.</summary>
    GoSpectral = 1,
    /// <summary>Regulon embedding of the gene as a transcription factor.</summary>
    RegulonAsTf = 2,
    /// <summary>Regulon embedding of the gene as a target.</summary>
    RegulonAsTarget = 4,
    /// <summary>PROGENy pathway weights.</summary>
    Progeny = 8,
    /// <summary>Hallmark membership.</summary>
    Hallmark = 16,
    /// <summary>log1p of Geneformer's corpus median.</summary>
    GeneformerMedian = 32,
    /// <summary>Coverage flags: whether the gene is in each prior at all.</summary>
    Coverage = 64,
    /// <summary>Every block.</summary>
    All = GoSpectral | RegulonAsTf | RegulonAsTarget | Progeny | Hallmark | GeneformerMedian | Coverage,
}
