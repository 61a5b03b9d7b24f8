namespace DigitalCell.Sdk.Collections;

/// <summary>The size and layout of a synthetic collection written by <see cref="SyntheticCollection.Write"/>.</summary>
public sealed record SyntheticCollectionOptions
{
    /// <summary>Number of cells over all shards.</summary>
    public int Cells { get; init; } = 10_000;

    /// <summary>Number of genes.</summary>
    public int Genes { get; init; } = 2_000;

    /// <summary>Number of perturbations besides the control.</summary>
    public int Perturbations { get; init; } = 20;

    /// <summary>Number of contexts (cell lines), each with its own controls.</summary>
    public int Contexts { get; init; } = 2;

    /// <summary>Number of shard files the cells are split into (consecutive, nearly equal).</summary>
    public int Shards { get; init; } = 4;

    /// <summary>
    /// Sequencing depth: the expected counts (UMIs) of an average cell over all genes, before its context's and its
    /// library-size factors (both average about 1). Null keeps the gene means as drawn (≈ 1.1 per gene, about
    /// 2,000–2,800 UMIs and 36 % non-zero over 2,000 genes); lower depths make sparser, smaller collections.
    /// </summary>
    public double? UmisPerCell { get; init; }

    /// <summary>Fraction of cells that are controls.</summary>
    public double ControlFraction { get; init; } = 0.2;

    /// <summary>The shards' layout.</summary>
    public ShardLayout Layout { get; init; } = ShardLayout.H5ad;

    /// <summary>The seed from which every random draw derives.</summary>
    public int Seed { get; init; }

    /// <summary>Threads drawing cells (0: all cores). The cells are the same for any number of threads.</summary>
    public int Threads { get; init; }
}
