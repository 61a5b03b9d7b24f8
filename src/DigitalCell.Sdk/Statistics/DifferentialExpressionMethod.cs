namespace DigitalCell.Sdk.Statistics;

/// <summary>The test used to compare each group's cells with the reference cells, gene by gene.</summary>
public enum DifferentialExpressionMethod
{
    /// <summary>
    /// Wilcoxon rank-sum (Mann–Whitney U) test, normal approximation, average ranks for ties — scanpy's
    /// <c>rank_genes_groups(method="wilcoxon")</c> and scipy's <c>mannwhitneyu(method="asymptotic")</c>.
    /// </summary>
    Wilcoxon,

    /// <summary>Welch's unequal-variance t-test — scanpy's <c>method="t-test"</c> (scipy <c>ttest_ind_from_stats(equal_var=False)</c>).</summary>
    TTest,
}
