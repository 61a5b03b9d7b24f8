namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// The sizes of the digital-cell base model (a STATE-like set transformer, Adduri et al. 2025): width, depth,
/// heads and feed-forward width of the set transformer, the cells per set, and the gene vocabulary the size estimates
/// assume. Named sizes: <see cref="Tiny"/> (≈1.7 M parameters, trains on 2 CPU cores), <see cref="Small"/>,
/// <see cref="Base"/> (STATE-sm scale) and <see cref="TenB"/> (computed by <see cref="BaseModelFootprint"/>, not trained
/// here). The gene vocabulary of a trained model is the union of its data sets' genes; <see cref="GeneVocabulary"/> is
/// the size assumed for the footprint when no data are given.
/// </summary>
/// <param name="Name">The size's name (<c>tiny</c>, <c>small</c>, <c>base</c>, <c>10b</c> or your own).</param>
/// <param name="Dimension">Width d of every token (cell, gene, perturbation, context).</param>
/// <param name="Layers">Pre-norm transformer layers of the set transformer.</param>
/// <param name="Heads">Attention heads (must divide <paramref name="Dimension"/>).</param>
/// <param name="FeedForward">Hidden width of each layer's feed-forward block.</param>
/// <param name="SetSize">Cells per set: control cells attended jointly and mapped to as many perturbed cells.</param>
/// <param name="GeneVocabulary">Genes with a learned token, for the footprint (a fitted model counts its own).</param>
/// <param name="PriorDimensions">Length of a gene's prior vector (the gene-priors table; 135 with every block), for the footprint.</param>
/// <param name="Contexts">Context tokens (data sets, cell lines, cell types, donors), for the footprint.</param>
/// <param name="Agents">Learned non-gene perturbation tokens (cytokines, compounds), for the footprint.</param>
public sealed record BaseModelConfig(
    string Name,
    int Dimension,
    int Layers,
    int Heads,
    int FeedForward,
    int SetSize,
    int GeneVocabulary = 7_500,
    int PriorDimensions = 135,
    int Contexts = 32,
    int Agents = 16)
{
    /// <summary>d = 128, 4 layers, 4 heads, FFN 256, sets of 32 cells: ≈1.7 M parameters with a 7,500-gene vocabulary.</summary>
    public static BaseModelConfig Tiny { get; } = new("tiny", 128, 4, 4, 256, 32);

    /// <summary>d = 256, 6 layers, 8 heads, FFN 1,024, sets of 64 cells: ≈7.2 M parameters.</summary>
    public static BaseModelConfig Small { get; } = new("small", 256, 6, 8, 1024, 64);

    /// <summary>d = 672, 8 layers, 12 heads, FFN 2,688, sets of 128, 20,000 genes: ≈61 M parameters (STATE-sm is 28.9 M with 4 layers).</summary>
    public static BaseModelConfig Base { get; } = new("base", 672, 8, 12, 2688, 128, GeneVocabulary: 20_000, Contexts: 256, Agents: 1024);

    /// <summary>d = 5,120, 32 layers, 40 heads, FFN 20,480, sets of 256, 20,000 genes, 65,536 agents: ≈10.7 B parameters (10.1 B in the 12·d²·L transformer, GPT-3 13B's width).</summary>
    public static BaseModelConfig TenB { get; } = new("10b", 5120, 32, 40, 20480, 256, GeneVocabulary: 20_000, Contexts: 4096, Agents: 65_536);

    /// <summary>The named sizes, smallest first.</summary>
    public static IReadOnlyList<BaseModelConfig> Named { get; } = [Tiny, Small, Base, TenB];

    /// <summary>The named size <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="DigitalCellException">Not a named size (the message lists them).</exception>
    public static BaseModelConfig Parse(string name) =>
        Named.FirstOrDefault(c => string.Equals(c.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new DigitalCellException($"unknown base-model size '{name}'; use one of {string.Join(", ", Named.Select(c => c.Name))}");

    /// <summary>Checks the sizes are usable.</summary>
    /// <exception cref="DigitalCellException">A size is not positive or the heads do not divide the width.</exception>
    public BaseModelConfig Validate()
    {
        if (Dimension <= 0 || Layers < 0 || Heads <= 0 || FeedForward <= 0 || SetSize < 2)
            throw new DigitalCellException($"base-model config '{Name}': sizes must be positive and sets hold at least 2 cells (the energy distance compares cells within a set)");
        if (Dimension % Heads != 0)
            throw new DigitalCellException($"base-model config '{Name}': {Heads} heads do not divide the width {Dimension}");
        return this;
    }
}
