using DigitalCell.Sdk.GeneKnowledge;

namespace DigitalCell.Sdk.Models;

/// <summary>What the prior models read: which gene priors, which blocks, how many data PCA dimensions.</summary>
/// <param name="Priors">The prior files (null: <see cref="GenePriors.FromEnvironment"/> at fit time).</param>
/// <param name="Blocks">Prior blocks used (<see cref="GenePriorBlocks.None"/> leaves only the data block: the ablation "no prior").</param>
/// <param name="PcaDimensions">K of the data-derived block (0 drops it).</param>
/// <param name="Seed">Seed of the derived priors and of any training.</param>
public sealed record PriorModelOptions(GenePriors? Priors = null, GenePriorBlocks Blocks = GenePriorBlocks.All, int PcaDimensions = 10, int Seed = 0)
{
    internal GeneFeatureTable? Table(CancellationToken cancellationToken = default) => Blocks == GenePriorBlocks.None ? null
        : (Priors ?? GenePriors.FromEnvironment()).Features(new GeneFeatureOptions(Blocks: Blocks, Seed: Seed), cancellationToken);

    /// <summary>The card entries that say which priors (files and SHA-256 prefixes), blocks and layout a model used.</summary>
    internal Dictionary<string, object> CardEntries(GeneFeatureTable? table) => new()
    {
        ["prior_blocks"] = Blocks.ToString(),
        ["prior_layout"] = table?.LayoutDescription ?? "",
        ["prior_files"] = table?.Priors.Describe() ?? "",
        ["pca_dimensions"] = (long)PcaDimensions,
        ["seed"] = (long)Seed,
    };

    /// <summary>Reads the options back from a model card (the priors are located again with <see cref="GenePriors.FromEnvironment"/>).</summary>
    internal static PriorModelOptions FromCard(ModelCard card) => new(
        Blocks: Enum.Parse<GenePriorBlocks>(card.Hyperparameters.TryGetValue("prior_blocks", out var b) ? (string)b : nameof(GenePriorBlocks.All)),
        PcaDimensions: (int)card.Number("pca_dimensions"),
        Seed: (int)card.Number("seed"));
}
