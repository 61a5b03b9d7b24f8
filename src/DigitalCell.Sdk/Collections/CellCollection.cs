using System.Runtime.InteropServices;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Many files read as one set of cells: h5ad files and Parquet shards (our wide and long layouts, Tahoe-100M's
/// layout) with a common gene space (<see cref="CellCollectionOptions.GeneSpace"/>: union by default), obs
/// metadata per shard or across shards, and streaming row chunks whose memory is bounded by the chunk and one shard
/// block, never by the number of cells. Opening reads only shard footers and headers (cell counts, gene names);
/// obs is read without X.
/// </summary>
public sealed class CellCollection
{
    private readonly int[][] _geneMaps;
    private readonly bool[] _ordered;

    private CellCollection(string location, CellShard[] shards, string[] genes, int[][] geneMaps, GeneSpace geneSpace)
    {
        Location = location;
        Shards = shards;
        GeneNames = genes;
        _geneMaps = geneMaps;
        _ordered = geneMaps.Select(IsIncreasing).ToArray();
        GeneSpace = geneSpace;
        CellCount = shards.Sum(s => (long)s.CellCount);
    }

    /// <summary>
    /// Opens a collection: a folder of shards, a glob (<c>shards/part-*.parquet</c>) or a manifest (<c>.json</c> with a
    /// <c>"shards"</c> array, <c>.txt</c> with one path a line). Shards are in ordinal path order for folders and
    /// globs, in listed order for manifests.
    /// </summary>
    /// <exception cref="DigitalCellException">Nothing matches, a shard cannot be read, or the gene intersection is empty.</exception>
    public static CellCollection Open(string location, CellCollectionOptions? options = null)
    {
        options ??= new CellCollectionOptions();
        var paths = ShardLocations.Expand(location);
        var vocabularies = new Dictionary<string, TahoeGeneTokens>(StringComparer.Ordinal);
        TahoeGeneTokens Vocabulary(string path) => vocabularies.TryGetValue(path, out var v) ? v : vocabularies[path] = TahoeGeneTokens.Read(path);
        // Shards usually share one gene list: keep one copy of each distinct list (and of its map below), or 400 h5ad
        // shards of 2,000 genes would hold 32 MB of equal names, memory growing with the number of shards.
        var geneLists = new List<IReadOnlyList<string>>();
        var byHash = new Dictionary<int, List<IReadOnlyList<string>>>();
        var shards = paths.Select(p =>
        {
            var shard = CellShard.OpenByLayout(p, options, Vocabulary);
            var hash = new HashCode();
            foreach (var gene in shard.GeneNames) hash.Add(gene, StringComparer.Ordinal);
            var sameHash = CollectionsMarshal.GetValueRefOrAddDefault(byHash, hash.ToHashCode(), out _) ??= [];
            if (sameHash.FirstOrDefault(list => list.SequenceEqual(shard.GeneNames, StringComparer.Ordinal)) is { } equal) shard.ShareGeneNames(equal);
            else
            {
                sameHash.Add(shard.GeneNames);
                geneLists.Add(shard.GeneNames);
            }
            return shard;
        }).ToArray();
        foreach (var shard in shards)
            if (shard.GeneNames.CountBy(g => g).FirstOrDefault(kv => kv.Value > 1) is { Value: > 1 } repeated)
                throw new DigitalCellException(shard.Path, "var", $"names the gene '{repeated.Key}' {repeated.Value} times; a collection matches genes by name, so make them unique first");
        var genes = options.GeneSpace == GeneSpace.Union ? Union(shards) : Intersection(shards, location);
        var position = new Dictionary<string, int>(genes.Length, StringComparer.Ordinal);
        for (int j = 0; j < genes.Length; j++) position[genes[j]] = j;
        var mapOf = geneLists.ToDictionary(list => list, list => list.Select(g => position.GetValueOrDefault(g, -1)).ToArray()); // lists compare by reference
        var maps = shards.Select(s => mapOf[s.GeneNames]).ToArray();
        return new CellCollection(Path.GetFullPath(location), shards, genes, maps, options.GeneSpace);
    }

    /// <summary>What was opened (folder, glob or manifest), as a full path.</summary>
    public string Location { get; }

    /// <summary>The shards, in collection order (row order of every stream).</summary>
    public IReadOnlyList<CellShard> Shards { get; }

    /// <summary>The collection's genes: the columns of every stream.</summary>
    public IReadOnlyList<string> GeneNames { get; }

    /// <summary>How the genes were chosen.</summary>
    public GeneSpace GeneSpace { get; }

    /// <summary>Number of cells over all shards.</summary>
    public long CellCount { get; }

    /// <summary>The obs of one shard (X is not read).</summary>
    public AnnotationTable ReadObs(int shard) => Shards[shard].ReadObs();

    /// <summary>
    /// The obs of every shard stacked (held in memory: for metadata, not for X). A column missing from a shard is
    /// missing for its cells; numbers stay numbers (float64) when every shard stores numbers, booleans stay booleans,
    /// anything else becomes a categorical of the values as text.
    /// </summary>
    public AnnotationTable ReadObs() => ObsStacking.Stack(Shards.Select(s => s.ReadObs()).ToList());

    /// <summary>
    /// The selected cells (all when <paramref name="selection"/> is null) as a stream of row chunks in the collection's
    /// gene space, in shard order. Chunks are exactly <c>rowsPerChunk</c> rows (the last may be shorter) whatever
    /// the shard boundaries, so chunked statistics equal those of the same cells in memory.
    /// </summary>
    public ICellMatrixSource Matrix(CellSelection? selection = null)
    {
        CheckSelection(selection);
        return new CollectionMatrix(this, selection);
    }

    /// <summary>The selected cells read into memory (obs and X, in the collection's gene space): for subsets that fit.</summary>
    public CellDataset ReadCells(CellSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        CheckSelection(selection);
        var builder = new SparseRowBuilder(GeneNames.Count);
        var obs = new List<AnnotationTable>();
        for (int s = 0; s < Shards.Count; s++)
        {
            var rows = selection.RowsOf(s);
            if (rows.IsEmpty) continue;
            obs.Add(Shards[s].ReadObs().SelectRows(rows));
            foreach (var block in ReadShardBlocks(s, rows.ToArray(), RowChunk.DefaultSize))
                for (int r = 0; r < block.X.RowCount; r++) builder.AddRow(block.X.RowIndices(r), block.X.RowValues(r));
        }
        var stacked = obs.Count > 0 ? ObsStacking.Stack(obs) : new AnnotationTable("obs", []);
        return new CellDataset(builder.Build(), stacked, new AnnotationTable("var", GeneNames.ToArray()), source: Location);
    }

    /// <summary>
    /// The given rows of shard <paramref name="shard"/> (ascending; null = all) in blocks of at most
    /// <paramref name="rowsPerBlock"/> rows, mapped to the collection's gene space.
    /// </summary>
    internal IEnumerable<ShardBlock> ReadShardBlocks(int shard, int[]? rows, int rowsPerBlock)
    {
        if (rows is { Length: 0 }) yield break;
        var map = _geneMaps[shard];
        bool identity = map.Length == GeneNames.Count && _ordered[shard] && (map.Length == 0 || map[^1] == map.Length - 1);
        int first = 0, next = 0; // first = shard row of the block's row 0; next = position in rows
        var builder = new SparseRowBuilder(GeneNames.Count);
        var taken = new List<int>();
        var indices = new List<int>();
        var values = new List<float>();
        var pairs = new List<(int Gene, float Value)>();
        foreach (var block in Shards[shard].ReadBlocks(rowsPerBlock))
        {
            var sparse = block.ToSparse();
            // A block that needs no gene mapping, no row selection and no re-cutting is passed on as read: rebuilding
            // it copied every stored value into fresh chunk-sized arrays. (It may keep explicit zeros, which the
            // builder drops; every consumer either copies rows through a builder or adds values, so nothing differs.)
            if (identity && rows is null && builder.RowCount == 0 && sparse.RowCount <= rowsPerBlock)
            {
                yield return new ShardBlock(shard, Enumerable.Range(first, sparse.RowCount).ToArray(), sparse);
                first += sparse.RowCount;
                continue;
            }
            for (int r = 0; r < sparse.RowCount; r++)
            {
                int row = first + r;
                if (rows is not null && (next >= rows.Length || rows[next] != row)) continue;
                next++;
                taken.Add(row);
                if (identity) builder.AddRow(sparse.RowIndices(r), sparse.RowValues(r));
                else AddMapped(sparse.RowIndices(r), sparse.RowValues(r), map, _ordered[shard]);
                if (builder.RowCount == rowsPerBlock) yield return Emit();
            }
            first += sparse.RowCount;
            if (rows is not null && next >= rows.Length) break;
        }
        if (builder.RowCount > 0) yield return Emit();

        ShardBlock Emit()
        {
            var result = new ShardBlock(shard, taken.ToArray(), builder.Build());
            taken.Clear();
            return result;
        }

        void AddMapped(ReadOnlySpan<int> idx, ReadOnlySpan<float> val, int[] map, bool ordered)
        {
            indices.Clear();
            values.Clear();
            if (ordered)
            {
                for (int k = 0; k < idx.Length; k++)
                    if (map[idx[k]] >= 0) { indices.Add(map[idx[k]]); values.Add(val[k]); }
            }
            else
            {
                pairs.Clear();
                for (int k = 0; k < idx.Length; k++)
                    if (map[idx[k]] >= 0) pairs.Add((map[idx[k]], val[k]));
                pairs.Sort((a, b) => a.Gene.CompareTo(b.Gene));
                foreach (var (g, v) in pairs) { indices.Add(g); values.Add(v); }
            }
            builder.AddRow(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(indices), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"CellCollection with {CellCount} cells × {GeneNames.Count} genes ({GeneSpace.ToString().ToLowerInvariant()}) in {Shards.Count} shards ({Location})";

    private void CheckSelection(CellSelection? selection)
    {
        if (selection is not null && selection.ShardCount != Shards.Count)
            throw new DigitalCellException($"The cell selection covers {selection.ShardCount} shards but the collection has {Shards.Count}; select from this collection.");
    }

    private static bool IsIncreasing(int[] map)
    {
        int last = -1;
        foreach (int j in map)
        {
            if (j < 0) continue;
            if (j <= last) return false;
            last = j;
        }
        return true;
    }

    private static string[] Union(CellShard[] shards)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var genes = new List<string>();
        foreach (var shard in shards)
            foreach (var g in shard.GeneNames)
                if (seen.Add(g)) genes.Add(g);
        return genes.ToArray();
    }

    private static string[] Intersection(CellShard[] shards, string location)
    {
        var common = new HashSet<string>(shards[0].GeneNames, StringComparer.Ordinal);
        foreach (var shard in shards.Skip(1)) common.IntersectWith(shard.GeneNames);
        var genes = shards[0].GeneNames.Where(common.Contains).ToArray();
        return genes.Length > 0 ? genes : throw new DigitalCellException(location, null, "the shards have no gene in common; open with GeneSpace.Union");
    }
}
