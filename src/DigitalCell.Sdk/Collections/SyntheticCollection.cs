using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.IO.Parquet;
using MathNet.Numerics.Distributions;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Writes a SYNTHETIC perturbation screen as shards, for benchmarks and tests of scale: negative-binomial counts
/// (gamma–Poisson, dispersion 0.5 per gene) around log-normal gene means, each perturbation shifting five target
/// genes by a fold change of 2 up or down, each context scaling all genes by its own log-normal factors, each cell
/// by a library-size factor. Obs columns: <c>cell_line</c> (the context), <c>perturbation</c> (<c>control</c> for
/// controls). The data are simulated, never real measurements, and every shard says so in its cell names (<c>sim…</c>).
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
                yield return model.Shard(s, (int)start, (int)(end - start), genes);
            }
        }
    }

    private static void Check(SyntheticCollectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Cells <= 0 || options.Genes <= 0 || options.Perturbations <= 0 || options.Contexts <= 0 || options.Shards <= 0 || options.Shards > options.Cells)
            throw new DigitalCellException($"Synthetic collection: cells, genes, perturbations, contexts and shards must be positive and shards ≤ cells (got {options}).");
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
        private const double Dispersion = 0.5;
        private readonly SyntheticCollectionOptions _options;
        private readonly double[] _baseMean;
        private readonly double[][] _contextFactor;
        private readonly (int Gene, double Factor)[][] _effects;

        public ScreenModel(SyntheticCollectionOptions options)
        {
            _options = options;
            var rng = new Random(options.Seed);
            _baseMean = Enumerable.Range(0, options.Genes).Select(_ => Math.Exp(Normal.Sample(rng, -1.0, 1.5))).ToArray();
            _contextFactor = Enumerable.Range(0, options.Contexts)
                .Select(_ => Enumerable.Range(0, options.Genes).Select(_ => Math.Exp(Normal.Sample(rng, 0, 0.3))).ToArray()).ToArray();
            _effects = Enumerable.Range(0, options.Perturbations)
                .Select(_ => Enumerable.Range(0, Math.Min(5, options.Genes)).Select(_ => (rng.Next(options.Genes), rng.NextDouble() < 0.5 ? 0.5 : 2.0)).ToArray())
                .ToArray();
        }

        public CellDataset Shard(int shard, int firstCell, int cells, string[] genes)
        {
            // one stream per shard, the same in every process (Seeds, never string hashes)
            var rng = new Random(Seeds.Derive(_options.Seed, "synthetic-shard", shard));
            var builder = new SparseRowBuilder(genes.Length);
            var names = new string[cells];
            var contexts = new string?[cells];
            var perturbations = new string?[cells];
            var mean = new double[genes.Length];
            var indices = new List<int>();
            var values = new List<float>();
            for (int i = 0; i < cells; i++)
            {
                int context = rng.Next(_options.Contexts);
                int perturbation = rng.NextDouble() < _options.ControlFraction ? -1 : rng.Next(_options.Perturbations);
                names[i] = $"sim{firstCell + i:D9}";
                contexts[i] = $"CL{context:D2}";
                perturbations[i] = perturbation < 0 ? Control : $"PERT{perturbation:D4}";
                double library = Math.Exp(Normal.Sample(rng, 0, 0.25));
                for (int j = 0; j < mean.Length; j++) mean[j] = _baseMean[j] * _contextFactor[context][j] * library;
                if (perturbation >= 0)
                    foreach (var (gene, factor) in _effects[perturbation]) mean[gene] = _baseMean[gene] * _contextFactor[context][gene] * library * factor;
                indices.Clear();
                values.Clear();
                for (int j = 0; j < mean.Length; j++)
                {
                    double rate = Gamma.Sample(rng, 1 / Dispersion, 1 / (Dispersion * mean[j]));
                    int count = rate > 0 ? Poisson.Sample(rng, rate) : 0;
                    if (count > 0) { indices.Add(j); values.Add(count); }
                }
                builder.AddRow(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(indices), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
            }
            var obs = new AnnotationTable("obs", names,
                [CategoricalColumn.FromLabels(ContextColumn, contexts), CategoricalColumn.FromLabels(PerturbationColumn, perturbations)]);
            return new CellDataset(builder.Build(), obs, new AnnotationTable("var", genes));
        }
    }
}
