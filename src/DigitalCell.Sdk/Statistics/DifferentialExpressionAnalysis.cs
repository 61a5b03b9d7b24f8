using System.Collections.Concurrent;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>Differential expression of every group of cells against a reference group (usually the controls), for every gene.</summary>
public static class DifferentialExpressionAnalysis
{
    /// <summary>
    /// Tests every group of the obs column <paramref name="groupBy"/> against the cells labelled
    /// <paramref name="reference"/>, gene by gene. X is assumed log1p-normalised (fold changes go back to count space
    /// with expm1); the tests themselves are valid on any scale.
    /// </summary>
    /// <param name="data">The cells.</param>
    /// <param name="groupBy">The obs column of the groups.</param>
    /// <param name="reference">The reference group.</param>
    /// <param name="options">Test, corrections and fold-change convention.</param>
    /// <param name="progress">Receives the genes tested (about 100 reports in all).</param>
    /// <param name="cancellationToken">Stops the test between genes.</param>
    /// <exception cref="DigitalCellException">The column is missing, the reference or a requested group is not among its labels.</exception>
    public static DifferentialExpressionResult DifferentialExpression(this CellDataset data, string groupBy, string reference,
        DifferentialExpressionOptions? options = null, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Run(data.X, CellGroups.FromObs(data.Obs, [groupBy]), data.GeneNames.ToArray(), reference,
            options ?? new DifferentialExpressionOptions(), $"obs column '{groupBy}'", progress, cancellationToken);
    }

    /// <summary>
    /// Tests every group against the <paramref name="reference"/> cells of its own context (the obs column
    /// <paramref name="contextColumn"/>: cell line, cell type, donor), context by context, as cell-eval and the Virtual
    /// Cell Challenge do per cell line; FDR within each context. Contexts holding only reference cells are left out.
    /// </summary>
    /// <param name="data">The cells.</param>
    /// <param name="groupBy">The obs column of the groups.</param>
    /// <param name="reference">The reference group, found in every context.</param>
    /// <param name="contextColumn">The obs column of the contexts.</param>
    /// <param name="options">Test, corrections and fold-change convention (<see cref="DifferentialExpressionOptions.Groups"/> restricts each context to those of its groups).</param>
    /// <param name="progress">Receives the genes tested in each context (step <c>differential expression in CONTEXT</c>).</param>
    /// <param name="cancellationToken">Stops the test between genes.</param>
    /// <exception cref="DigitalCellException">A column is missing, or a context with groups to test has no reference cells.</exception>
    public static IReadOnlyList<ContextDifferentialExpression> DifferentialExpressionByContext(this CellDataset data, string groupBy, string reference,
        string contextColumn, DifferentialExpressionOptions? options = null, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new DifferentialExpressionOptions();
        var contexts = CellGroups.FromObs(data.Obs, [contextColumn]);
        var results = new List<ContextDifferentialExpression>();
        for (int c = 0; c < contexts.Names.Length; c++)
        {
            string context = contexts.Names[c];
            var cells = data.SelectCells(Enumerable.Range(0, data.CellCount).Where(i => contexts.Codes[i] == c).ToArray());
            var groups = CellGroups.FromObs(cells.Obs, [groupBy]);
            var tested = (options.Groups ?? groups.Names).Where(g => g != reference && groups.IndexOf(g) >= 0).ToArray();
            if (tested.Length == 0) continue;
            if (groups.IndexOf(reference) < 0)
                throw new DigitalCellException($"Context '{context}' (obs column '{contextColumn}') has no '{reference}' cells to test its groups against.");
            var step = progress is null ? null : new StepName(progress, $"{ProgressStep} in {context}");
            results.Add(new ContextDifferentialExpression(context, Run(cells.X, groups, cells.GeneNames.ToArray(), reference, options with { Groups = tested },
                $"obs column '{groupBy}' in context '{context}'", step, cancellationToken)));
        }
        return results;
    }

    /// <summary>Reports a step's progress under another name.</summary>
    private sealed class StepName(IProgress<WorkProgress> progress, string step) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => progress.Report(value with { Step = step });
    }

    /// <summary>The same test on a matrix with one label per cell (null = left out) and gene names.</summary>
    public static DifferentialExpressionResult Run(CellMatrix x, IReadOnlyList<string?> labels, IReadOnlyList<string> genes,
        string reference, DifferentialExpressionOptions? options = null, IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (labels.Count != x.RowCount) throw new DigitalCellException($"Differential expression: {labels.Count} labels for {x.RowCount} cells.");
        if (genes.Count != x.ColumnCount) throw new DigitalCellException($"Differential expression: {genes.Count} gene names for {x.ColumnCount} genes.");
        return Run(x, CellGroups.FromLabels(labels), genes.ToArray(), reference, options ?? new DifferentialExpressionOptions(), "the labels",
            progress, cancellationToken);
    }

    /// <summary>The step name of the progress reports.</summary>
    public const string ProgressStep = "differential expression";

    private static DifferentialExpressionResult Run(CellMatrix x, CellGroups groups, string[] genes, string reference,
        DifferentialExpressionOptions options, string labelSource, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        int referenceCode = groups.IndexOf(reference);
        if (referenceCode < 0)
            throw new DigitalCellException($"Reference group '{reference}' does not occur in {labelSource}. Labels: {Preview(groups.Names)}.");
        var tested = (options.Groups ?? groups.Names.Where(n => n != reference).ToArray()).ToArray();
        if (tested.Length == 0) throw new DigitalCellException($"There is no group to test against '{reference}' in {labelSource}.");

        // slot 0 = reference, slot s ≥ 1 = tested[s − 1]; cells of other groups get −1 and are skipped
        var slotOfCode = new int[groups.Names.Length];
        Array.Fill(slotOfCode, -1);
        slotOfCode[referenceCode] = 0;
        var sizes = new int[tested.Length + 1];
        sizes[0] = groups.Counts[referenceCode];
        for (int t = 0; t < tested.Length; t++)
        {
            int code = groups.IndexOf(tested[t]);
            if (code < 0) throw new DigitalCellException($"Group '{tested[t]}' does not occur in {labelSource}. Labels: {Preview(groups.Names)}.");
            if (code == referenceCode) throw new DigitalCellException($"Group '{tested[t]}' is the reference; it cannot be tested against itself.");
            if (slotOfCode[code] >= 0) throw new DigitalCellException($"Group '{tested[t]}' is listed twice.");
            slotOfCode[code] = t + 1;
            sizes[t + 1] = groups.Counts[code];
        }
        var cellSlot = new int[groups.Codes.Length];
        for (int i = 0; i < cellSlot.Length; i++) cellSlot[i] = groups.Codes[i] < 0 ? -1 : slotOfCode[groups.Codes[i]];
        // Per-gene work wants each gene's values contiguous: the tests need only the non-zeros of cells in a slot, so
        // they get them as sort keys regrouped by gene, a tile of genes at a time, instead of gathering per gene.
        var keys = new GeneKeyTiles(x as SparseCellMatrix ?? x.ToSparse(), cellSlot, Parallelism(options, cancellationToken));
        return Test(keys, genes, reference, tested, sizes, options, progress, cancellationToken);
    }

    /// <summary>
    /// The tests from the keys of every gene (<see cref="IGeneKeys"/>), in memory or read from disk a block of genes
    /// at a time (<see cref="Collections.CellPartition"/>): <paramref name="tested"/>[s − 1] is slot s, slot 0 the
    /// reference, and <paramref name="sizes"/>[s] the slot's number of cells, zeros included. Every gene is tested on
    /// its own, so results do not depend on the blocks; p-values are adjusted once all genes are done.
    /// </summary>
    internal static DifferentialExpressionResult Test(IGeneKeys keys, string[] genes, string reference, string[] tested, int[] sizes,
        DifferentialExpressionOptions options, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var results = new GroupDifferentialExpression[tested.Length];
        for (int t = 0; t < tested.Length; t++) results[t] = new GroupDifferentialExpression(tested[t], sizes[t + 1], genes.Length);
        var parallel = Parallelism(options, cancellationToken);
        var workspaces = new ConcurrentBag<GeneWorkspace>();
        long genesDone = 0;
        bool wilcoxon = options.Method == DifferentialExpressionMethod.Wilcoxon;
        foreach (var (first, end) in keys.Tiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (start, tile) = keys.Fill(first, end);
            // thread-local workspaces outlive one tile's loop: their buffers were sized once, for the largest gene
            Parallel.For(first, end, parallel,
                () => workspaces.TryTake(out var reused) ? reused : new GeneWorkspace(sizes.Length, keys.LargestGene, wilcoxon),
                (gene, _, workspace) =>
                {
                    var geneKeys = tile.AsSpan(start[gene - first], start[gene - first + 1] - start[gene - first]);
                    if (wilcoxon) workspace.RankGene(geneKeys, gene, sizes, options, results);
                    else workspace.TTestGene(geneKeys, gene, sizes, options, results);
                    WorkProgress.ReportStep(progress, ProgressStep, Interlocked.Increment(ref genesDone), genes.Length);
                    return workspace;
                },
                workspaces.Add);
        }

        AdjustPValues(results, options.FdrScope, parallel);
        return new DifferentialExpressionResult(genes, reference, sizes[0], options, results);
    }

    // at most one worker per core: each keeps a workspace sized to the largest gene
    private static ParallelOptions Parallelism(DifferentialExpressionOptions options, CancellationToken cancellationToken) => new()
    {
        MaxDegreeOfParallelism = options.MaxDegreeOfParallelism is > 0 and var m ? m : Environment.ProcessorCount, CancellationToken = cancellationToken,
    };

    private static void AdjustPValues(GroupDifferentialExpression[] results, FdrScope scope, ParallelOptions parallel)
    {
        if (scope == FdrScope.PerGroup)
        {
            Parallel.ForEach(results, parallel, r => MultipleTesting.BenjaminiHochberg(r.PValue).CopyTo(r.AdjustedPValue, 0));
            return;
        }
        int genes = results[0].PValue.Length;
        var all = new double[(long)results.Length * genes];
        for (int t = 0; t < results.Length; t++) results[t].PValue.CopyTo(all, (long)t * genes);
        var adjusted = MultipleTesting.BenjaminiHochberg(all);
        for (int t = 0; t < results.Length; t++) Array.Copy(adjusted, (long)t * genes, results[t].AdjustedPValue, 0, genes);
    }

    private static string Preview(string[] names) => names.Length == 0 ? "(none)"
        : string.Join(", ", names.Take(50)) + (names.Length > 50 ? $", … ({names.Length} in all)" : "");

    /// <summary>
    /// Thread-local buffers: one gene's sums or values by slot, and the rank-sum kernel, whose sort scratch (or the
    /// t-test's values) is allocated once for the gene with the most keys.
    /// </summary>
    private sealed class GeneWorkspace(int slots, int largestGene, bool wilcoxon)
    {
        private readonly int[] _start = new int[slots + 1];
        private readonly int[] _fill = new int[slots];
        private readonly double[] _sum = new double[slots];
        private readonly double[] _statistic = new double[slots - 1];
        private readonly double[] _p = new double[slots - 1];
        private readonly RankSumTest _ranks = new(slots, wilcoxon ? largestGene : 0);
        private float[] _values = new float[wilcoxon ? 0 : largestGene];

        /// <summary>Wilcoxon of every group on one gene, from its keys (<see cref="IGeneKeys"/>; sorted in place).</summary>
        public void RankGene(Span<ulong> keys, int gene, int[] sizes, DifferentialExpressionOptions options, GroupDifferentialExpression[] results)
        {
            // The means need only per-slot sums, added in cell order (the keys' order before sorting) like
            // MeanVariance's first pass, so both tests report the same means.
            Array.Clear(_sum);
            foreach (var k in keys) _sum[RankSumTest.Slot(k)] += RankSumTest.Value(k);
            _ranks.Test(keys, sizes, options.TieCorrection, options.ContinuityCorrection, _statistic, _p);
            double meanReference = _sum[0] / sizes[0];
            for (int t = 0; t < results.Length; t++)
                Store(results[t], gene, _statistic[t], _p[t], _sum[t + 1] / sizes[t + 1], meanReference, options.FoldChange);
        }

        /// <summary>Welch's t-test of every group on one gene, from its keys (<see cref="IGeneKeys"/>).</summary>
        public void TTestGene(ReadOnlySpan<ulong> keys, int gene, int[] sizes, DifferentialExpressionOptions options, GroupDifferentialExpression[] results)
        {
            // counting sort of the gene's non-zero values by slot (cell order kept), for two-pass variances
            Array.Clear(_start);
            foreach (var k in keys) _start[RankSumTest.Slot(k) + 1]++;
            for (int s = 0; s < _fill.Length; s++) _start[s + 1] += _start[s];
            if (_values.Length < _start[^1]) _values = new float[Math.Max(_start[^1], _values.Length * 2)];
            Array.Copy(_start, _fill, _fill.Length);
            foreach (var k in keys) _values[_fill[RankSumTest.Slot(k)]++] = RankSumTest.Value(k);

            var (meanRef, varRef) = MeanVariance(Segment(0), sizes[0]);
            for (int t = 0; t < results.Length; t++)
            {
                int n = sizes[t + 1];
                var (meanGroup, varGroup) = MeanVariance(Segment(t + 1), n);
                var (stat, p) = WelchTTest.Test(meanGroup, varGroup, n, meanRef, varRef, sizes[0]);
                Store(results[t], gene, stat, p, meanGroup, meanRef, options.FoldChange);
            }
        }

        private static void Store(GroupDifferentialExpression r, int gene, double statistic, double p, double meanGroup, double meanReference,
            FoldChangeConvention foldChange)
        {
            r.Statistic[gene] = statistic;
            r.PValue[gene] = p;
            r.MeanGroup[gene] = meanGroup;
            r.MeanReference[gene] = meanReference;
            r.Log2FoldChange[gene] = FoldChange.Log2(meanGroup, meanReference, foldChange);
        }

        private Span<float> Segment(int slot) => _values.AsSpan(_start[slot], _start[slot + 1] - _start[slot]);

        /// <summary>Mean and sample variance (ddof = 1) of n values of which only the non-zeros are given; two-pass for accuracy.</summary>
        private static (double Mean, double Variance) MeanVariance(ReadOnlySpan<float> nonZero, int n)
        {
            double sum = 0;
            foreach (var v in nonZero) sum += v;
            double mean = sum / n, m2 = (n - nonZero.Length) * mean * mean;
            foreach (var v in nonZero)
            {
                double d = v - mean;
                m2 += d * d;
            }
            return (mean, n > 1 ? m2 / (n - 1) : double.NaN);
        }
    }
}
