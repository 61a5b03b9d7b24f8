using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.IO.Parquet;
using System.Runtime.InteropServices;
using MathNet.Numerics.Distributions;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Writes a SYNTHETIC perturbation screen as shards, for benchmarks and tests of scale: negative-binomial counts
/// (dispersion 0.5 per gene, <see cref="NegativeBinomialCounts"/>) around log-normal gene means, each perturbation
/// shifting five target genes by a fold change of 2 up or down, each context scaling all genes by its own log-normal
/// factors, each cell by a library-size factor; <see cref="SyntheticCollectionOptions.UmisPerCell"/> sets the depth. Cells are drawn in blocks of 1,024, each from its own seeded stream,
/// in parallel; the output depends on the options alone, never on the number of threads. Obs columns:
/// <c>cell_line</c> (the context), <c>perturbation</c> (<c>control</c> for controls). The data are simulated, never real measurements, and every shard says so in its cell names (<c>sim…</c>).
/// </summary>
public static class SyntheticCollection
{
    /// <summary>The control label.</summary>
    public const string Control = "control";

    /// <summary>The context column.</summary>
    public const string ContextColumn = "cell_line";

    /// <summary>The perturbation column.</summary>
    public const string PerturbationColumn = "perturbation";

    /// <summary>Writes the shards into <paramref name="folder"/> (created if needed) and returns their paths, in order.</summary>
    /// <exception cref="DigitalCellException">A size is not positive or there are more shards than cells.</exception>
    public static IReadOnlyList<string> Write(string folder, SyntheticCollectionOptions options, IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Check(options);
        Directory.CreateDirectory(folder);
        if (options.Layout == ShardLayout.ParquetTahoe) TahoeShardWriter.WriteVocabulary(Path.Combine(folder, TahoeGeneTokens.FileName), GeneNames(options));
        var paths = new List<string>();
        int s = 0;
        foreach (var shard in Shards(options, cancellationToken))
        {
            string path = Path.Combine(folder, $"part-{s:D5}{Extension(options.Layout)}");
            switch (options.Layout)
            {
                case ShardLayout.H5ad: H5adFile.Write(shard, path); break;
                case ShardLayout.ParquetWide: ParquetCells.WriteWide(shard, path); break;
                case ShardLayout.ParquetLong: ParquetCells.WriteLong(shard, path); break;
                default: TahoeShardWriter.Write(shard, path); break;
            }
            paths.Add(path);
            s++;
            progress?.Report(s);
        }
        return paths;
    }

    /// <summary>
    /// The same shards as <see cref="Write"/> writes (identical cells and counts for the same options; the layout is
    /// ignored), built in memory one at a time as the sequence is enumerated, for callers that consume the cells
    /// directly instead of reading them back from files.
    /// </summary>
    /// <exception cref="DigitalCellException">A size is not positive or there are more shards than cells.</exception>
    public static IEnumerable<CellDataset> Shards(SyntheticCollectionOptions options, CancellationToken cancellationToken = default)
    {
        Check(options);
        return Iterate();

        IEnumerable<CellDataset> Iterate()
        {
            var model = new ScreenModel(options);
            var genes = GeneNames(options);
            for (int s = 0; s < options.Shards; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long start = (long)options.Cells * s / options.Shards, end = (long)options.Cells * (s + 1) / options.Shards;
                yield return model.Shard(s, (int)start, (int)(end - start), genes, cancellationToken);
            }
        }
    }

    private static void Check(SyntheticCollectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Cells <= 0 || options.Genes <= 0 || options.Perturbations <= 0 || options.Contexts <= 0 || options.Shards <= 0 || options.Shards > options.Cells || options.Threads < 0
            || options.UmisPerCell is <= 0 or double.NaN or double.PositiveInfinity)
            throw new DigitalCellException($"Synthetic collection: cells, genes, perturbations, contexts, shards and UMIs per cell must be positive, shards ≤ cells and threads ≥ 0 (got {options}).");
    }

    private static string[] GeneNames(SyntheticCollectionOptions options) =>
        Enumerable.Range(0, options.Genes).Select(j => $"GENE{j:D5}").ToArray();

    private static string Extension(ShardLayout layout) => layout switch
    {
        ShardLayout.H5ad => ".h5ad",
        ShardLayout.ParquetLong => ".long.parquet",
        _ => ".parquet",
    };

    /// <summary>The screen's fixed parameters (drawn once from the seed) and the per-shard cell draws.</summary>
    private sealed class ScreenModel
    {
        /// <summary>Cells drawn from one random stream; blocks are drawn in parallel and are the same whatever the number of threads.</summary>
        private const int BlockCells = 1024;

        private readonly SyntheticCollectionOptions _options;
        private readonly double[][] _contextMean; // base mean × context factor, per context and gene
        private readonly (int Gene, double Factor)[][] _effects;

        public ScreenModel(SyntheticCollectionOptions options)
        {
            _options = options;
            var rng = new Random(options.Seed);
            var baseMean = Enumerable.Range(0, options.Genes).Select(_ => Math.Exp(Normal.Sample(rng, -1.0, 1.5))).ToArray();
            if (options.UmisPerCell is { } depth)
            {
                double scale = depth / baseMean.Sum();
                for (int j = 0; j < baseMean.Length; j++) baseMean[j] *= scale;
            }
            _contextMean = Enumerable.Range(0, options.Contexts)
                .Select(_ => baseMean.Select(m => m * Math.Exp(Normal.Sample(rng, 0, 0.3))).ToArray()).ToArray();
            _effects = Enumerable.Range(0, options.Perturbations)
                .Select(_ => Enumerable.Range(0, Math.Min(5, options.Genes)).Select(_ => (rng.Next(options.Genes), rng.NextDouble() < 0.5 ? 0.5 : 2.0)).ToArray())
                .ToArray();
        }

        public CellDataset Shard(int shard, int firstCell, int cells, string[] genes, CancellationToken cancellationToken)
        {
            var blocks = new CellBlock[(cells + BlockCells - 1) / BlockCells];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Threads > 0 ? _options.Threads : -1, CancellationToken = cancellationToken };
            Parallel.For(0, blocks.Length, parallel, b =>
                blocks[b] = DrawBlock(new Random(Seeds.Derive(Seeds.Derive(_options.Seed, "synthetic-shard", shard), "cell-block", b)),
                    firstCell + b * BlockCells, Math.Min(BlockCells, cells - b * BlockCells)));

            long stored = blocks.Sum(b => (long)b.Indices.Count);
            if (stored > Array.MaxLength) throw new DigitalCellException($"Synthetic shard {shard}: {stored:N0} stored values do not fit one in-memory matrix; use more shards.");
            var indptr = new int[cells + 1];
            var indices = GC.AllocateUninitializedArray<int>((int)stored);
            var values = GC.AllocateUninitializedArray<float>((int)stored);
            var names = new string[cells];
            var contexts = new string?[cells];
            var perturbations = new string?[cells];
            int row = 0, at = 0;
            foreach (var block in blocks)
            {
                CollectionsMarshal.AsSpan(block.Indices).CopyTo(indices.AsSpan(at));
                CollectionsMarshal.AsSpan(block.Values).CopyTo(values.AsSpan(at));
                for (int i = 0; i < block.Names.Length; i++, row++)
                {
                    indptr[row + 1] = at + block.RowEnds[i];
                    (names[row], contexts[row], perturbations[row]) = (block.Names[i], block.Contexts[i], block.Perturbations[i]);
                }
                at += block.Indices.Count;
            }
            var obs = new AnnotationTable("obs", names,
                [CategoricalColumn.FromLabels(ContextColumn, contexts), CategoricalColumn.FromLabels(PerturbationColumn, perturbations)]);
            return new CellDataset(SparseCellMatrix.Trusted(cells, genes.Length, indptr, indices, values), obs, new AnnotationTable("var", genes));
        }

        /// <summary>Consecutive cells from one stream: context, perturbation and library size, then every gene's count.</summary>
        private CellBlock DrawBlock(Random rng, int firstCell, int cells)
        {
            var block = new CellBlock(new string[cells], new string?[cells], new string?[cells], new int[cells], [], []);
            var mean = new double[_options.Genes];
            for (int i = 0; i < cells; i++)
            {
                int context = rng.Next(_options.Contexts);
                int perturbation = rng.NextDouble() < _options.ControlFraction ? -1 : rng.Next(_options.Perturbations);
                block.Names[i] = $"sim{firstCell + i:D9}";
                block.Contexts[i] = $"CL{context:D2}";
                block.Perturbations[i] = perturbation < 0 ? Control : $"PERT{perturbation:D4}";
                double library = Math.Exp(Normal.Sample(rng, 0, 0.25));
                var contextMean = _contextMean[context];
                for (int j = 0; j < mean.Length; j++) mean[j] = contextMean[j] * library;
                if (perturbation >= 0)
                    foreach (var (gene, factor) in _effects[perturbation]) mean[gene] = contextMean[gene] * library * factor;
                for (int j = 0; j < mean.Length; j++)
                {
                    int count = NegativeBinomialCounts.Draw(rng, mean[j]);
                    if (count > 0) { block.Indices.Add(j); block.Values.Add(count); }
                }
                block.RowEnds[i] = block.Indices.Count;
            }
            return block;
        }

        /// <summary>One block's cells: obs labels, each row's end in the block's stored values, and those values.</summary>
        private sealed record CellBlock(string[] Names, string?[] Contexts, string?[] Perturbations, int[] RowEnds, List<int> Indices, List<float> Values);
    }
}
