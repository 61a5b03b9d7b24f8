namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// The rank-sum and t-tests' input, a range of genes at a time: the sort keys (<see cref="RankSumTest.Key"/>) of every
/// non-zero value of a reference or tested cell, grouped by gene, each slot's values in cell order within a gene.
/// Built from a matrix in memory (<see cref="GeneKeyTiles"/>) or read from disk (<see cref="Collections.CellPartition"/>).
/// </summary>
internal interface IGeneKeys
{
    /// <summary>The most keys a gene has (or an upper bound): each test worker's scratch is allocated once at this size.</summary>
    int LargestGene { get; }

    /// <summary>The gene ranges [First, End) to fill, in gene order, covering every gene.</summary>
    IEnumerable<(int First, int End)> Tiles();

    /// <summary>
    /// The keys of genes [<paramref name="first"/>, <paramref name="end"/>), a range from <see cref="Tiles"/>, in order:
    /// gene g's are <c>Keys[Start[g − first] .. Start[g − first + 1]]</c>, valid until the next fill (which may reuse the buffer).
    /// </summary>
    (int[] Start, ulong[] Keys) Fill(int first, int end);
}
