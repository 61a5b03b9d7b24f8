namespace DigitalCell.Sdk.Preprocessing;

/// <summary>Settings of the randomized PCA (<see cref="PrincipalComponents.Pca"/>).</summary>
public sealed record PcaOptions
{
    /// <summary>Seed of the random test matrix; the same seed gives the same components.</summary>
    public int Seed { get; init; }

    /// <summary>Extra random directions beyond the requested components (Halko et al. recommend 5–20). Default 20.</summary>
    public int Oversampling { get; init; } = 20;

    /// <summary>Subspace (power) iterations; each sharpens the separation of the leading components. Default 7 (sklearn's choice for few components).</summary>
    public int PowerIterations { get; init; } = 7;

    /// <summary>Restrict to genes with var <c>highly_variable</c> = true; null = when that column exists (scanpy's default).</summary>
    public bool? UseHighlyVariable { get; init; }

    /// <summary>Subtract each gene's mean first (true, PCA); false gives the truncated SVD of X itself, as scanpy's
    /// <c>zero_center=False</c> and the LSI of ATAC data (<see cref="ModalityPreprocessing.Lsi"/>). Default true.</summary>
    public bool ZeroCenter { get; init; } = true;

    /// <summary>Maximum number of threads; null or ≤ 0 uses all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Receives the fit's progress, one unit per pass over the matrix (step <see cref="PrincipalComponents.ProgressStep"/>); null for none.</summary>
    public IProgress<WorkProgress>? Progress { get; init; }
}
