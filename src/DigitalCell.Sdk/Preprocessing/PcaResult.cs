namespace DigitalCell.Sdk.Preprocessing;

/// <summary>A principal component analysis of a cells × genes matrix.</summary>
/// <param name="Scores">Cells × components coordinates (row-major), X_pca.</param>
/// <param name="Components">Components × genes loadings (row-major, orthonormal rows).</param>
/// <param name="ExplainedVariance">Variance along each component: s²/(n − 1).</param>
/// <param name="ExplainedVarianceRatio">Each component's share of the total variance (sum of the genes' variances, ddof = 1).</param>
/// <param name="Mean">The gene means that were subtracted.</param>
/// <param name="CellCount">Number of cells (rows of <paramref name="Scores"/>).</param>
/// <param name="ComponentCount">Number of components.</param>
public sealed record PcaResult(double[] Scores, double[] Components, double[] ExplainedVariance, double[] ExplainedVarianceRatio,
    double[] Mean, int CellCount, int ComponentCount);
