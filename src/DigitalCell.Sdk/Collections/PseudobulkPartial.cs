using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.Parquet;
using DigitalCell.Sdk.Statistics;
using global::Parquet;
using global::Parquet.Schema;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Per-group sums (float64) and cell counts over some shards: the mergeable half of a pseudobulk. Each shard's partial
/// is computed alone (a map step, on any machine), partials are added (<see cref="Merge"/>, the reduce step), and the
/// merged partial gives the profiles. The single-process <see cref="CollectionStatistics.Pseudobulk"/> runs the same
/// map and reduce, so a distributed run and a local one agree exactly.
/// </summary>
public sealed class PseudobulkPartial
{
    private const string LayoutValue = "pseudobulk-partial-v1";
    private const string GroupsKey = "digitalcell.groups";
    private const string CountsKey = "digitalcell.cell_counts";
    private readonly double[] _sums;

    private PseudobulkPartial(string[] groups, long[] counts, string[] genes, double[] sums)
    {
        Groups = groups;
        CellCounts = counts;
        Genes = genes;
        _sums = sums;
    }

    /// <summary>Group names, sorted ordinally.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Cells per group.</summary>
    public IReadOnlyList<long> CellCounts { get; }

    /// <summary>Gene names (the collection's gene space).</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>The sum of <paramref name="group"/>'s cells for every gene.</summary>
    public ReadOnlySpan<double> Sums(int group) => _sums.AsSpan(group * Genes.Count, Genes.Count);

    /// <summary>
    /// The partial of shard <paramref name="shard"/>: its cells grouped by the obs columns <paramref name="groupBy"/>
    /// (labels joined by <paramref name="separator"/>; cells with a missing label are left out), streamed in chunks.
    /// </summary>
    public static PseudobulkPartial Compute(CellCollection collection, int shard, IReadOnlyList<string> groupBy,
        CollectionAnalysisOptions? options = null, string separator = "_", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collection);
        options ??= new CollectionAnalysisOptions();
        int p = collection.GeneNames.Count;
        var rows = options.Cells?.RowsOf(shard).ToArray();
        if (rows is { Length: 0 }) return new PseudobulkPartial([], [], collection.GeneNames.ToArray(), []);
        var groups = CellGroups.FromObs(collection.ReadObs(shard), groupBy, separator);
        var sums = new double[(long)groups.Names.Length * p];
        var counts = new long[groups.Names.Length];
        // Rows are transformed one at a time into this buffer (a row has at most p values): transforming whole chunks
        // allocated two chunk-sized arrays per chunk, part of what let the process's peak memory creep up with shards.
        var transformed = new float[p];
        foreach (var block in collection.ReadShardBlocks(shard, rows, options.RowsPerChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var x = block.X;
            for (int r = 0; r < x.RowCount; r++)
            {
                int code = groups.Codes[block.Rows[r]];
                if (code < 0) continue;
                counts[code]++;
                long offset = (long)code * p;
                var idx = x.RowIndices(r);
                ReadOnlySpan<float> val = x.RowValues(r);
                if (options.Transforms)
                {
                    var row = transformed.AsSpan(0, val.Length);
                    options.TransformRow(val, row);
                    val = row;
                }
                for (int k = 0; k < idx.Length; k++) sums[offset + idx[k]] += val[k];
            }
        }
        var used = Enumerable.Range(0, groups.Names.Length).Where(g => counts[g] > 0).OrderBy(g => groups.Names[g], StringComparer.Ordinal).ToArray();
        var kept = new double[(long)used.Length * p];
        for (int k = 0; k < used.Length; k++) Array.Copy(sums, (long)used[k] * p, kept, (long)k * p, p);
        return new PseudobulkPartial(used.Select(g => groups.Names[g]).ToArray(), used.Select(g => counts[g]).ToArray(), collection.GeneNames.ToArray(), kept);
    }

    /// <summary>Adds partials (same genes) group by group; a group's sums are added in the order the partials come.</summary>
    /// <exception cref="DigitalCellException">The partials have different genes, or there are none.</exception>
    public static PseudobulkPartial Merge(IEnumerable<PseudobulkPartial> partials)
    {
        ArgumentNullException.ThrowIfNull(partials);
        PseudobulkPartial? total = null;
        foreach (var partial in partials) total = total is null ? partial : total.Add(partial);
        return total ?? throw new DigitalCellException("Pseudobulk merge: no partials given.");
    }

    /// <summary>The profiles: sums and means (sum / cells) per group, as float32 like the in-memory pseudobulk.</summary>
    public PseudobulkProfiles ToProfiles()
    {
        int g = Groups.Count, p = Genes.Count;
        var means = new float[(long)g * p];
        var sums = new float[(long)g * p];
        for (int k = 0; k < g; k++)
            for (int j = 0; j < p; j++)
            {
                long i = (long)k * p + j;
                sums[i] = (float)_sums[i];
                means[i] = (float)(_sums[i] / CellCounts[k]);
            }
        return new PseudobulkProfiles(Groups.ToArray(), CellCounts.Select(c => checked((int)c)).ToArray(), Genes.ToArray(),
            new DenseCellMatrix(g, p, means), new DenseCellMatrix(g, p, sums));
    }

    /// <summary>Writes the partial as Parquet (group, gene index, float64 sum for non-zero sums; names and counts in the footer), atomically.</summary>
    public void Write(string path)
    {
        var group = new DataField<string>("group");
        var gene = new DataField<int>("gene");
        var sum = new DataField<double>("sum");
        var metadata = new Dictionary<string, string>
        {
            [ParquetSchemaInfo.LayoutKey] = LayoutValue,
            [ParquetSchemaInfo.GenesKey] = JsonSerializer.Serialize(Genes),
            [GroupsKey] = JsonSerializer.Serialize(Groups),
            [CountsKey] = JsonSerializer.Serialize(CellCounts),
        };
        var groups = new List<string>();
        var genes = new List<int>();
        var sums = new List<double>();
        for (int k = 0; k < Groups.Count; k++)
            for (int j = 0; j < Genes.Count; j++)
            {
                double v = _sums[(long)k * Genes.Count + j];
                if (v == 0) continue;
                groups.Add(Groups[k]);
                genes.Add(j);
                sums.Add(v);
            }
        Task.Run(() => ParquetFile.WriteAsync(path, new ParquetSchema(group, gene, sum), metadata, async writer =>
        {
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync(group, groups).ConfigureAwait(false);
            await rowGroup.WriteAsync(gene, (ReadOnlyMemory<int>)genes.ToArray()).ConfigureAwait(false);
            await rowGroup.WriteAsync(sum, (ReadOnlyMemory<double>)sums.ToArray()).ConfigureAwait(false);
        }, CancellationToken.None)).GetAwaiter().GetResult();
    }

    /// <summary>Reads a partial written by <see cref="Write"/>.</summary>
    /// <exception cref="DigitalCellException">The file is not a pseudobulk partial or is inconsistent.</exception>
    public static PseudobulkPartial Read(string path) => ParquetShardFile.Use(path, async reader =>
    {
        if (reader.CustomMetadata.GetValueOrDefault(ParquetSchemaInfo.LayoutKey) != LayoutValue)
            throw new DigitalCellException(path, ParquetSchemaInfo.LayoutKey, $"is not a pseudobulk partial (expected layout {LayoutValue})");
        var genes = ParquetFile.ReadNames(path, reader.CustomMetadata, ParquetSchemaInfo.GenesKey)!;
        var groups = ParquetFile.ReadNames(path, reader.CustomMetadata, GroupsKey)
            ?? throw new DigitalCellException(path, GroupsKey, "is missing");
        var counts = JsonSerializer.Deserialize<long[]>(reader.CustomMetadata.GetValueOrDefault(CountsKey) ?? "null")
            ?? throw new DigitalCellException(path, CountsKey, "is missing");
        if (counts.Length != groups.Length) throw new DigitalCellException(path, CountsKey, $"has {counts.Length} counts for {groups.Length} groups");
        var groupPosition = ParquetFile.Lookup(path, "group", groups);
        var sums = new double[(long)groups.Length * genes.Length];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rowGroup = reader.OpenRowGroupReader(g);
            var names = await ParquetFile.ReadStringsAsync(path, rowGroup, ParquetFile.Require(path, reader.Schema, "group", "pseudobulk partial"), g).ConfigureAwait(false);
            var geneIndex = await TahoeColumns.ReadRequiredAsync<int>(path, rowGroup, ParquetFile.Require(path, reader.Schema, "gene", "pseudobulk partial"), g).ConfigureAwait(false);
            var values = await TahoeColumns.ReadRequiredAsync<double>(path, rowGroup, ParquetFile.Require(path, reader.Schema, "sum", "pseudobulk partial"), g).ConfigureAwait(false);
            for (int i = 0; i < names.Length; i++)
            {
                if (!groupPosition.TryGetValue(names[i], out int k) || (uint)geneIndex[i] >= (uint)genes.Length)
                    throw new DigitalCellException(path, $"row group {g}, row {i}", $"group '{names[i]}' or gene {geneIndex[i]} is not declared in the footer");
                sums[(long)k * genes.Length + geneIndex[i]] = values[i];
            }
        }
        return new PseudobulkPartial(groups, counts, genes, sums);
    });

    private PseudobulkPartial Add(PseudobulkPartial other)
    {
        if (!Genes.SequenceEqual(other.Genes, StringComparer.Ordinal))
            throw new DigitalCellException($"Pseudobulk merge: partials have different genes ({Genes.Count} vs {other.Genes.Count}); compute them over one collection.");
        var names = Groups.Union(other.Groups, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        int p = Genes.Count;
        var sums = new double[(long)names.Length * p];
        var counts = new long[names.Length];
        var position = names.Select((n, i) => (n, i)).ToDictionary(t => t.n, t => t.i, StringComparer.Ordinal);
        foreach (var part in new[] { this, other })
            for (int k = 0; k < part.Groups.Count; k++)
            {
                int target = position[part.Groups[k]];
                counts[target] += part.CellCounts[k];
                var source = part.Sums(k);
                var destination = sums.AsSpan(target * p, p);
                for (int j = 0; j < p; j++) destination[j] += source[j];
            }
        return new PseudobulkPartial(names, counts, Genes.ToArray(), sums);
    }
}
