namespace DigitalCell.Sdk.Data;

/// <summary>
/// Several measurements of the same cells, the equivalent of a MuData object: one <see cref="CellDataset"/> per
/// modality (RNA, surface protein, hashtags, guide capture, chromatin…), each with its own features (var) and its own
/// per-cell annotations, plus annotations that belong to the cell itself (<see cref="Obs"/>, e.g. a cell type or a
/// perturbation label). The modalities share the cell axis (MuData's <c>axis = 0</c>); a modality may hold only some
/// of the cells. Immutable, like <see cref="CellDataset"/>.
/// </summary>
/// <remarks>
/// The link between the shared axes and each modality is MuData's integer maps: <see cref="ObsMap"/>[m][i] is
/// 1 + the row of shared cell i in modality m, or 0 when the modality lacks that cell; <see cref="VarMap"/> does the
/// same for features. When no maps are given they are built by name (the rule mudata itself applies), which needs
/// unique cell and feature names inside each modality.
/// </remarks>
public sealed class MultiCellDataset
{
    private static readonly IReadOnlyDictionary<string, DenseCellMatrix> NoEmbeddings = new Dictionary<string, DenseCellMatrix>();
    private static readonly IReadOnlyDictionary<string, object> NoUns = new Dictionary<string, object>();

    private readonly string[] _names;
    private readonly Dictionary<string, CellDataset> _modalities;

    /// <summary>Creates a multimodal dataset after checking that the shared tables, maps and modalities agree.</summary>
    /// <param name="modalities">The modalities in their intended order (MuData's <c>mod-order</c>); at least one.</param>
    /// <param name="obs">Shared per-cell annotations; by default the union of the modalities' cell names, in order of first appearance, without columns.</param>
    /// <param name="var">Shared feature table; by default the modalities' feature names in modality order, without columns.</param>
    /// <param name="obsMap">Per modality, 1-based rows of each shared cell in it (0 = absent); built by name when null.</param>
    /// <param name="varMap">Per modality, 1-based rows of each shared feature in it (0 = absent); built by name when null.</param>
    /// <param name="obsm">Shared per-cell embeddings (cells × k), e.g. a joint embedding of several modalities.</param>
    /// <param name="uns">Free-form shared metadata.</param>
    /// <param name="source">Where the data came from, for provenance.</param>
    /// <exception cref="DigitalCellException">A name, map or shape disagrees; the message names the modality and the part.</exception>
    public MultiCellDataset(
        IEnumerable<KeyValuePair<string, CellDataset>> modalities,
        AnnotationTable? obs = null,
        AnnotationTable? var = null,
        IReadOnlyDictionary<string, int[]>? obsMap = null,
        IReadOnlyDictionary<string, int[]>? varMap = null,
        IReadOnlyDictionary<string, DenseCellMatrix>? obsm = null,
        IReadOnlyDictionary<string, object>? uns = null,
        string? source = null)
    {
        ArgumentNullException.ThrowIfNull(modalities);
        var list = modalities.ToList();
        if (list.Count == 0) throw new DigitalCellException("A multimodal dataset needs at least one modality.");
        _names = list.Select(kv => kv.Key).ToArray();
        _modalities = new Dictionary<string, CellDataset>(StringComparer.Ordinal);
        foreach (var (name, data) in list)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('/'))
                throw new DigitalCellException($"Modality name '{name}' is not allowed: names must be non-empty and contain no '/'.");
            if (!_modalities.TryAdd(name, data ?? throw new ArgumentNullException(nameof(modalities), $"modality '{name}' is null")))
                throw new DigitalCellException($"Two modalities are named '{name}'.");
        }
        Obs = obs ?? new AnnotationTable("obs", Union(list.Select(kv => kv.Value.Obs)));
        Var = var ?? new AnnotationTable("var", Union(list.Select(kv => kv.Value.Var)));
        ObsMap = LinkAxis(_names, n => _modalities[n].Obs, Obs, obsMap, "obsmap", "cells");
        VarMap = LinkAxis(_names, n => _modalities[n].Var, Var, varMap, "varmap", "features");
        Obsm = obsm ?? NoEmbeddings;
        foreach (var (key, m) in Obsm)
            if (m.RowCount != Obs.RowCount) throw new DigitalCellException($"Shared obsm '{key}' has {m.RowCount} rows for {Obs.RowCount} cells.");
        Uns = uns ?? NoUns;
        Source = source;
    }

    /// <summary>The modality names in their intended order.</summary>
    public IReadOnlyList<string> ModalityNames => _names;

    /// <summary>The modalities by name.</summary>
    public IReadOnlyDictionary<string, CellDataset> Modalities => _modalities;

    /// <summary>The modality named <paramref name="name"/>.</summary>
    /// <exception cref="DigitalCellException">No such modality; the message lists the available ones.</exception>
    public CellDataset this[string name] => _modalities.TryGetValue(name, out var data) ? data
        : throw new DigitalCellException($"No modality '{name}'. Available: {string.Join(", ", _names)}.");

    /// <summary>Annotations of the cells themselves, shared by all modalities (MuData's global <c>obs</c>).</summary>
    public AnnotationTable Obs { get; }

    /// <summary>All features of all modalities (MuData's global <c>var</c>).</summary>
    public AnnotationTable Var { get; }

    /// <summary>Per modality, the 1-based row of each shared cell in that modality, 0 when absent.</summary>
    public IReadOnlyDictionary<string, int[]> ObsMap { get; }

    /// <summary>Per modality, the 1-based row of each shared feature in that modality, 0 when absent.</summary>
    public IReadOnlyDictionary<string, int[]> VarMap { get; }

    /// <summary>Shared per-cell embeddings (cells × k).</summary>
    public IReadOnlyDictionary<string, DenseCellMatrix> Obsm { get; }

    /// <summary>Shared free-form metadata.</summary>
    public IReadOnlyDictionary<string, object> Uns { get; }

    /// <summary>Where the data came from, for provenance; null for data made in memory.</summary>
    public string? Source { get; }

    /// <summary>Number of shared cells.</summary>
    public int CellCount => Obs.RowCount;

    /// <summary>Number of features over all modalities.</summary>
    public int FeatureCount => Var.RowCount;

    /// <summary>For each row of modality <paramref name="name"/>, the position of that cell in the shared <see cref="Obs"/>.</summary>
    public int[] SharedCellsOf(string name)
    {
        var data = this[name];
        var map = ObsMap[name];
        var shared = new int[data.CellCount];
        for (int i = 0; i < map.Length; i++)
            if (map[i] > 0) shared[map[i] - 1] = i;
        return shared;
    }

    /// <summary>
    /// Modality <paramref name="name"/> as a self-contained dataset: its obs is the shared columns (aligned to its
    /// cells) followed by its own columns, as a one-modality <c>.h5ad</c> exported from MuData would hold them. A
    /// modality column with the name of a shared one is kept as <c>&lt;modality&gt;:&lt;column&gt;</c>.
    /// </summary>
    public CellDataset ModalityWithSharedObs(string name)
    {
        var data = this[name];
        var shared = Obs.SelectRows(SharedCellsOf(name));
        var columns = shared.Columns.ToList();
        foreach (var column in data.Obs.Columns)
            columns.Add(shared.Contains(column.Name) ? column.Rename($"{name}:{column.Name}") : column);
        var obs = new AnnotationTable("obs", data.Obs.Index.ToArray(), columns, data.Obs.IndexName);
        var obsm = data.Obsm.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (key, embedding) in Obsm) obsm.TryAdd(key, (DenseCellMatrix)embedding.SelectRows(SharedCellsOf(name)));
        return new CellDataset(data.X, obs, data.Var, data.Layers, obsm, data.Varm, data.Obsp, data.Varp, data.Uns, data.Source);
    }

    /// <summary>A copy with other shared obs annotations (same cells, same order).</summary>
    public MultiCellDataset WithObs(AnnotationTable obs)
    {
        ArgumentNullException.ThrowIfNull(obs);
        if (!obs.Index.SequenceEqual(Obs.Index)) throw new DigitalCellException("The new shared obs must have the same cells in the same order.");
        return new(_names.Select(n => KeyValuePair.Create(n, _modalities[n])), obs, Var, ObsMap, VarMap, Obsm, Uns, Source);
    }

    /// <summary>A copy with modality <paramref name="name"/> replaced by <paramref name="data"/>, which must keep its cells and features (e.g. normalised counts).</summary>
    /// <exception cref="DigitalCellException">No such modality, or the cells or features differ.</exception>
    public MultiCellDataset WithModality(string name, CellDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var old = this[name];
        if (!data.Obs.Index.SequenceEqual(old.Obs.Index) || !data.Var.Index.SequenceEqual(old.Var.Index))
            throw new DigitalCellException($"The replacement for modality '{name}' must have the same cells and features in the same order.");
        return new(_names.Select(n => KeyValuePair.Create(n, n == name ? data : _modalities[n])), Obs, Var, ObsMap, VarMap, Obsm, Uns, Source);
    }

    /// <summary>A one-line summary per modality, like MuData's repr.</summary>
    public override string ToString() =>
        $"MultiCellDataset with {CellCount} cells × {FeatureCount} features in {_names.Length} modalities: " +
        string.Join("; ", _names.Select(n => $"{n} {_modalities[n].CellCount} × {_modalities[n].GeneCount}"));

    private static string[] Union(IEnumerable<AnnotationTable> tables)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var table in tables)
            foreach (var name in table.Index)
                if (seen.Add(name)) names.Add(name);
        return names.ToArray();
    }

    /// <summary>
    /// The integer maps between a shared axis and each modality's own: the given ones after checking them, the others
    /// built by name (shared by the in-memory and the backed multimodal dataset).
    /// </summary>
    internal static Dictionary<string, int[]> LinkAxis(IReadOnlyList<string> names, Func<string, AnnotationTable> axisOf, AnnotationTable shared,
        IReadOnlyDictionary<string, int[]>? given, string what, string items)
    {
        var maps = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (given is not null)
            foreach (var key in given.Keys)
                if (!names.Contains(key)) throw new DigitalCellException($"{what} has an entry '{key}' that is not a modality.");
        foreach (var name in names)
        {
            var own = axisOf(name);
            maps[name] = given is not null && given.TryGetValue(name, out var map)
                ? Checked(map, shared.RowCount, own.RowCount, $"{what} '{name}'")
                : ByName(shared, own, $"modality '{name}'", items, what);
        }
        return maps;
    }

    /// <summary>Checks one integer map: one entry per shared row, each modality row mapped exactly once.</summary>
    private static int[] Checked(int[] map, int sharedCount, int ownCount, string what)
    {
        if (map.Length != sharedCount) throw new DigitalCellException($"{what} has {map.Length} entries but there are {sharedCount} shared rows.");
        var seen = new bool[ownCount];
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] == 0) continue;
            if (map[i] < 0 || map[i] > ownCount)
                throw new DigitalCellException($"{what}: entry {i} is {map[i]}, outside 0..{ownCount} (0 = absent, k = row k of the modality).");
            if (seen[map[i] - 1]) throw new DigitalCellException($"{what}: row {map[i]} of the modality is mapped twice (again at entry {i}).");
            seen[map[i] - 1] = true;
        }
        int missing = Array.IndexOf(seen, false);
        if (missing >= 0) throw new DigitalCellException($"{what}: row {missing + 1} of the modality is not mapped to any shared row.");
        return map;
    }

    /// <summary>The integer map that links the rows of <paramref name="own"/> to the shared table by name.</summary>
    private static int[] ByName(AnnotationTable shared, AnnotationTable own, string modality, string items, string what)
    {
        var map = new int[shared.RowCount];
        for (int i = 0; i < map.Length; i++) map[i] = own.IndexOf(shared.Index[i]) + 1;
        try
        {
            return Checked(map, shared.RowCount, own.RowCount, what);
        }
        catch (DigitalCellException)
        {
            throw new DigitalCellException($"{modality}: its {items} cannot be matched by name to the shared {shared.Axis} (names repeated in the modality or missing from the shared table); give {what} explicitly.");
        }
    }
}
