namespace DigitalCell.Sdk.Preprocessing;

/// <summary>How highly variable genes are ranked (scanpy <c>pp.highly_variable_genes(flavor=…)</c>).</summary>
public enum HvgFlavor
{
    /// <summary>
    /// scanpy's <c>"seurat"</c>: on log1p data, dispersion = variance/mean of expm1(X), log-transformed and z-scored
    /// within 20 equal-width bins of log1p(mean); the top genes by normalised dispersion.
    /// </summary>
    Dispersion,

    /// <summary>
    /// scanpy's <c>"seurat_v3"</c>: on counts, variance of values standardised by a LOESS fit (span 0.3, degree 2) of
    /// log10 variance against log10 mean, values clipped at mean + √n·σ̂; the top genes by that normalised variance.
    /// </summary>
    SeuratV3,
}
