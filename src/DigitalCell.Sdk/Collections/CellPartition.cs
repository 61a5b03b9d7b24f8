using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// A collection's cells regrouped by (context, perturbation) on disk, so that per-perturbation work (Wilcoxon DE
/// against the context's controls) reads one context's groups, a block of genes at a time, instead of every shard. Layout:
/// <c>&lt;folder&gt;/&lt;context&gt;/&lt;perturbation&gt;/s&lt;shard&gt;-&lt;part&gt;.h5ad</c> (names percent-escaped; X
/// stored gene-major, <see cref="H5adWriteOptions.GeneMajor"/>, so a block of genes is one contiguous read), and
/// <c>&lt;folder&gt;/_shards/&lt;shard&gt;.json</c>, written last, marking each shard complete. Partitioning one shard is
/// idempotent and restartable: it first removes that shard's earlier parts, every part is written atomically, and a
/// group is read only when all the shards it names are marked complete.
/// </summary>
public sealed class CellPartition
{
    private const string MarkerFolder = "_shards";
    private readonly Dictionary<(string Context, string Perturbation), string[]> _parts;

    private CellPartition(string folder, Dictionary<(string, string), string[]> parts)
    {
        Folder = folder;
        _parts = parts;
    }

    /// <summary>The partition's folder.</summary>
    public string Folder { get; }

    /// <summary>The (context, perturbation) groups, sorted ordinally.</summary>
    public IReadOnlyList<(string Context, string Perturbation)> Groups =>
        _parts.Keys.OrderBy(k => k.Context, StringComparer.Ordinal).ThenBy(k => k.Perturbation, StringComparer.Ordinal).ToArray();

    /// <summary>Partitions every shard (one after another) and opens the result.</summary>
    public static CellPartition Write(CellCollection collection, string folder, PartitionOptions? options = null,
        IProgress<int>? shardsDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        for (int s = 0; s < collection.Shards.Count; s++)
        {
            WriteShard(collection, s, folder, options, cancellationToken);
            shardsDone?.Report(s + 1);
        }
        return Open(folder);
    }

    /// <summary>
    /// Partitions shard <paramref name="shard"/> alone (the map step a workflow runs per shard): streams its selected
    /// cells, transformed as <see cref="PartitionOptions.Stream"/> says, into part files, at most
    /// <see cref="PartitionOptions.CellsPerFlush"/> cells buffered at a time.
    /// </summary>
    public static void WriteShard(CellCollection collection, int shard, string folder, PartitionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        options ??= new PartitionOptions();
        if (options.CellsPerFlush <= 0) throw new DigitalCellException($"CellsPerFlush must be positive, got {options.CellsPerFlush}.");
        string marker = MarkerPath(folder, shard);
        if (File.Exists(marker)) File.Delete(marker);
        RemoveParts(folder, shard);
        var obs = collection.ReadObs(shard);
        var perturbation = Labels(obs, options.PerturbationColumn);
        var context = options.ContextColumn is { } c ? Labels(obs, c) : null;
        var buffers = new Dictionary<(string, string), (SparseRowBuilder Rows, List<int> Cells)>();
        var var = new AnnotationTable("var", collection.GeneNames.ToArray());
        var written = new List<string>();
        var writeOptions = new H5adWriteOptions { Compression = options.Compression, GeneMajor = true };
        int buffered = 0, flushes = 0;
        foreach (var block in collection.ReadShardBlocks(shard, options.Stream.Cells?.RowsOf(shard).ToArray(), options.Stream.RowsPerChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var x = options.Stream.Transform(block.X).ToSparse();
            for (int r = 0; r < x.RowCount; r++)
            {
                int row = block.Rows[r];
                if (perturbation[row] is not { } p || (context is not null && context[row] is null)) continue;
                var key = (context?[row] ?? "all", p);
                if (!buffers.TryGetValue(key, out var buffer)) buffers[key] = buffer = (new SparseRowBuilder(x.ColumnCount), []);
                buffer.Rows.AddRow(x.RowIndices(r), x.RowValues(r));
                buffer.Cells.Add(row);
                if (++buffered >= options.CellsPerFlush) Flush();
            }
        }
        Flush();
        var summary = new { shard = collection.Shards[shard].Name, parts = written.Select(p => Path.GetRelativePath(folder, p)).ToArray() };
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        AtomicFile.WriteAllText(marker, JsonSerializer.Serialize(summary));

        void Flush()
        {
            foreach (var ((ctx, pert), buffer) in buffers.OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal))
            {
                if (buffer.Cells.Count == 0) continue;
                string groupFolder = Path.Combine(folder, Escape(ctx), Escape(pert));
                Directory.CreateDirectory(groupFolder);
                string path = Path.Combine(groupFolder, $"s{shard:D5}-{flushes:D5}.h5ad");
                H5adFile.Write(new CellDataset(buffer.Rows.Build(), obs.SelectRows(buffer.Cells.ToArray()), var), path, writeOptions);
                buffer.Cells.Clear();
                written.Add(path);
            }
            buffered = 0;
            flushes++;
        }
    }

    /// <summary>Opens a partition written by <see cref="Write"/> or by <see cref="WriteShard"/> runs.</summary>
    /// <exception cref="DigitalCellException">The folder holds no complete shard, or a part belongs to a shard not marked complete.</exception>
    public static CellPartition Open(string folder)
    {
        string markers = Path.Combine(folder, MarkerFolder);
        if (!Directory.Exists(markers)) throw new DigitalCellException(folder, null, "is not a cell partition (no _shards/ markers); run the partition step first");
        var complete = Directory.GetFiles(markers, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet(StringComparer.Ordinal);
        var parts = new Dictionary<(string, string), string[]>();
        foreach (var contextFolder in Directory.GetDirectories(folder).Where(d => Path.GetFileName(d) != MarkerFolder))
            foreach (var groupFolder in Directory.GetDirectories(contextFolder))
            {
                var files = Directory.GetFiles(groupFolder, "s*.h5ad").Order(StringComparer.Ordinal).ToArray();
                foreach (var file in files)
                {
                    string shard = Path.GetFileName(file)[1..6];
                    if (!complete.Contains(shard))
                        throw new DigitalCellException(file, null, $"belongs to shard {shard}, whose partition did not finish; rerun the partition step for it");
                }
                if (files.Length > 0) parts[(Unescape(Path.GetFileName(contextFolder)), Unescape(Path.GetFileName(groupFolder)))] = files;
            }
        return new CellPartition(Path.GetFullPath(folder), parts);
    }

    /// <summary>The cells of one group, in collection order (shard, then row).</summary>
    /// <exception cref="DigitalCellException">No such group.</exception>
    public CellDataset ReadGroup(string context, string perturbation)
    {
        if (!_parts.TryGetValue((context, perturbation), out var files))
            throw new DigitalCellException(Folder, null, $"has no cells of perturbation '{perturbation}' in context '{context}'");
        var parts = files.Select(f => H5adFile.Read(f)).ToList();
        var builder = new SparseRowBuilder(parts[0].GeneCount);
        foreach (var part in parts)
        {
            var x = part.X.ToSparse();
            for (int r = 0; r < x.RowCount; r++) builder.AddRow(x.RowIndices(r), x.RowValues(r));
        }
        return new CellDataset(builder.Build(), ObsStacking.Stack(parts.Select(p => p.Obs).ToList()), parts[0].Var, source: Folder);
    }

    /// <summary>The default memory budget of the tests: 1 GiB.</summary>
    public const long DefaultMemoryBudget = 1L << 30;

    /// <summary>
    /// Tests <paramref name="perturbation"/> against the <paramref name="control"/> cells of the same context
    /// (Wilcoxon by default; the data are what the partition stored, so normalise + log1p while partitioning), reading
    /// genes in blocks as <paramref name="memoryBudget"/> allows. Equals the in-memory test of that perturbation
    /// within the context.
    /// </summary>
    /// <exception cref="DigitalCellException">No such group, or the budget is not positive.</exception>
    public DifferentialExpressionResult DifferentialExpression(string context, string perturbation, string control,
        DifferentialExpressionOptions? options = null, long memoryBudget = DefaultMemoryBudget, CancellationToken cancellationToken = default)
    {
        foreach (var group in new[] { perturbation, control })
            if (!_parts.ContainsKey((context, group)))
                throw new DigitalCellException(Folder, null, $"has no cells of perturbation '{group}' in context '{context}'");
        return TestContext(context, control, [perturbation], options, memoryBudget, cancellationToken).Only(perturbation);
    }

    /// <summary>
    /// Every perturbation against its context's controls, all perturbations of a context in one pass per block of
    /// genes. A block holds every cell of the context (controls and perturbations) for as many genes as fit in
    /// <paramref name="memoryBudget"/> bytes, read from the gene-major parts: 12 bytes per stored value, and each
    /// thread's sort scratch for the gene with the most values in the context (8 bytes per value). No array per
    /// cell is kept, so memory depends on the budget, not on the number of cells, once the budget holds the largest
    /// gene (a block has at least one gene). Results equal
    /// <see cref="DifferentialExpressionAnalysis.DifferentialExpressionByContext"/> on the same cells, FDR included.
    /// </summary>
    /// <exception cref="DigitalCellException">A context has no control cells, the budget is not positive, or a part is unreadable.</exception>
    public IEnumerable<PerturbationDifferentialExpression> DifferentialExpression(string control, DifferentialExpressionOptions? options = null,
        long memoryBudget = DefaultMemoryBudget, IProgress<int>? groupsDone = null, CancellationToken cancellationToken = default)
    {
        int done = 0;
        foreach (var context in Groups.GroupBy(g => g.Context))
        {
            if (!_parts.ContainsKey((context.Key, control)))
                throw new DigitalCellException(Folder, null, $"context '{context.Key}' has no '{control}' cells to test its perturbations against");
            var perturbations = context.Select(g => g.Perturbation).Where(p => p != control).ToArray();
            if (perturbations.Length == 0) continue;
            var result = TestContext(context.Key, control, perturbations, options, memoryBudget, cancellationToken);
            foreach (var perturbation in perturbations)
            {
                yield return new PerturbationDifferentialExpression(context.Key, perturbation, result.Only(perturbation));
                groupsDone?.Report(++done);
            }
        }
    }

    /// <summary>Writes every perturbation's test as one CSV (column <c>context</c>, then the DE table's columns), atomically.</summary>
    public static void WriteCsv(IEnumerable<PerturbationDifferentialExpression> results, string path) =>
        ContextDifferentialExpression.WriteCsv(results.Select(r => new ContextDifferentialExpression(r.Context, r.Result)), path);

    /// <summary>The perturbations of one context against its controls, in gene blocks that fit the budget.</summary>
    private DifferentialExpressionResult TestContext(string context, string control, string[] perturbations,
        DifferentialExpressionOptions? options, long memoryBudget, CancellationToken cancellationToken)
    {
        if (memoryBudget <= 0) throw new DigitalCellException($"The memory budget of the tests must be positive, got {memoryBudget} bytes.");
        options ??= new DifferentialExpressionOptions();
        // slot 0: the controls, slot t + 1: perturbations[t]; each group's parts in collection order (as ReadGroup stacks them)
        var parts = new[] { control }.Concat(perturbations).SelectMany((name, slot) => _parts[(context, name)].Select(file => (File: file, Slot: slot))).ToArray();
        var sizes = new int[perturbations.Length + 1];
        string[] genes = [];
        long[] storedPerGene = [];
        foreach (var (file, slot) in parts) // the parts' pointers and var alone: their values are read per block
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var part = GeneMajorMatrix.Open(file, RerunPartition);
            if (genes.Length == 0) (genes, storedPerGene) = (part.GeneNames(), new long[part.GeneCount]);
            if (part.GeneCount != genes.Length) throw new DigitalCellException(file, null, $"has {part.GeneCount} genes, other parts {genes.Length}; rerun the partition step");
            sizes[slot] = checked(sizes[slot] + part.CellCount);
            part.AddStoredPerGene(storedPerGene);
        }
        int threads = options.MaxDegreeOfParallelism is > 0 and var m ? m : Environment.ProcessorCount;
        long blockKeys = (memoryBudget - 8L * threads * storedPerGene.DefaultIfEmpty().Max()) / 12;
        var keys = new PartitionGeneKeys(parts, storedPerGene, blockKeys, RerunPartition, cancellationToken);
        return DifferentialExpressionAnalysis.Test(keys, genes, control, perturbations, sizes, options with { Groups = perturbations }, null, cancellationToken);
    }

    private const string RerunPartition = "partitions written before gene-major parts cannot be tested: rerun the partition step";

    private static string?[] Labels(AnnotationTable obs, string column)
    {
        if (!obs.Contains(column)) throw new DigitalCellException($"Partition: obs has no column '{column}'. Columns: {string.Join(", ", obs.ColumnNames)}.");
        var c = obs[column];
        return Enumerable.Range(0, c.Length).Select(i => c.GetValue(i) is null ? null : c.GetText(i)).ToArray();
    }

    private static string MarkerPath(string folder, int shard) => Path.Combine(folder, MarkerFolder, $"{shard:D5}.json");

    private static void RemoveParts(string folder, int shard)
    {
        if (!Directory.Exists(folder)) return;
        foreach (var contextFolder in Directory.GetDirectories(folder).Where(d => Path.GetFileName(d) != MarkerFolder))
            foreach (var groupFolder in Directory.GetDirectories(contextFolder))
                foreach (var part in Directory.GetFiles(groupFolder, $"s{shard:D5}-*.h5ad")) File.Delete(part);
    }

    /// <summary>A label as a folder name: percent-escaped, a leading dot too (so "." and ".." stay names).</summary>
    private static string Escape(string label)
    {
        string escaped = Uri.EscapeDataString(label);
        return escaped.StartsWith('.') ? "%2E" + escaped[1..] : escaped;
    }

    private static string Unescape(string name) => Uri.UnescapeDataString(name);
}
