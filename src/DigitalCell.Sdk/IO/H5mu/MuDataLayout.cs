using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using PureHDF;

namespace DigitalCell.Sdk.IO.H5mu;

/// <summary>What an h5mu file holds besides its modalities.</summary>
/// <param name="ModalityNames">The modalities in their intended order.</param>
/// <param name="Obs">The shared cell table (<c>/obs</c>).</param>
/// <param name="Var">The shared feature table (<c>/var</c>).</param>
/// <param name="ObsMap">The <c>/obsmap</c> entries present (absent ones are built by name).</param>
/// <param name="VarMap">The <c>/varmap</c> entries present.</param>
/// <param name="Obsm">Shared per-cell embeddings (the modality membership flags left out: they repeat the maps).</param>
/// <param name="Uns">Shared metadata.</param>
internal sealed record SharedAnnotations(
    string[] ModalityNames, AnnotationTable Obs, AnnotationTable Var, Dictionary<string, int[]> ObsMap, Dictionary<string, int[]> VarMap,
    Dictionary<string, DenseCellMatrix> Obsm, IReadOnlyDictionary<string, object> Uns);

/// <summary>
/// The top level of an h5mu file (scverse/mudata <c>docs/io/spec.md</c>, on-disk format 0.1.0): root attributes
/// <c>encoding-type</c> = <c>MuData</c> and <c>axis</c>; one complete AnnData per modality under <c>/mod/&lt;name&gt;</c>
/// (read by the h5ad codecs through a reader scoped to that group), their order in the <c>mod-order</c> attribute of
/// <c>/mod</c>; the shared <c>/obs</c> and <c>/var</c>; <c>/obsmap</c> and <c>/varmap</c> (1-based rows, 0 = absent).
/// Files written by muon before the spec (2020) have no root attributes and no maps; they are read the same way.
/// </summary>
internal static class MuDataLayout
{
    /// <summary>The root <c>encoding-type</c>.</summary>
    public const string EncodingType = "MuData";

    /// <summary>The on-disk format version written and understood.</summary>
    public const string EncodingVersion = "0.1.0";

    /// <summary>The group holding one AnnData per modality.</summary>
    public static string ModalityPath(string name) => "/mod/" + name;

    /// <summary>Reads the whole file.</summary>
    public static MultiCellDataset Read(H5adReader reader)
    {
        var shared = ReadShared(reader);
        var modalities = shared.ModalityNames.Select(name =>
        {
            using var modality = reader.Scoped(ModalityPath(name));
            return KeyValuePair.Create(name, AnnDataLayout.Read(modality));
        }).ToList();
        return InFile(reader, () => new MultiCellDataset(modalities, shared.Obs, shared.Var, shared.ObsMap, shared.VarMap, shared.Obsm, shared.Uns, reader.FilePath));
    }

    /// <summary>Runs <paramref name="build"/>, giving its consistency errors the file's name.</summary>
    public static T InFile<T>(H5adReader reader, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (DigitalCellException e) when (e.FilePath is null)
        {
            throw new DigitalCellException(reader.FilePath, null, e.Message, e);
        }
    }

    /// <summary>Checks the root attributes and reads everything but the modalities.</summary>
    public static SharedAnnotations ReadShared(H5adReader reader)
    {
        CheckRoot(reader);
        var names = ModalityNames(reader);
        var obs = reader.ReadDataFrame(reader.Child(reader.Root, "obs", "/"), "/obs");
        var var = reader.ReadDataFrame(reader.Child(reader.Root, "var", "/"), "/var");
        var obsMap = ReadMaps(reader, "obsmap", names, obs);
        var varMap = ReadMaps(reader, "varmap", names, var);
        var obsm = new Dictionary<string, DenseCellMatrix>(StringComparer.Ordinal);
        foreach (var (key, value, path) in Children(reader, "obsm"))
        {
            if (IsMembership(value, key, names)) continue;
            if (value is CellMatrix m && m.RowCount == obs.RowCount) obsm[key] = m.ToDense();
            else reader.Skip(path, $"a shared obsm entry must be a cells × k matrix, found {H5adReader.Describe(value)}.");
        }
        foreach (var axis in new[] { "varm", "obsp", "varp" })
            foreach (var (key, value, path) in Children(reader, axis))
                if (!(axis == "varm" && IsMembership(value, key, names)))
                    reader.Skip(path, $"shared {axis} entries have no place in a MultiCellDataset (per-modality ones are kept).");
        var uns = reader.OptionalChild(reader.Root, "uns", "/") is { } unsElement
            ? reader.ReadElement(unsElement, "/uns") as IReadOnlyDictionary<string, object> ?? throw reader.Fail("/uns", "expected a dict.")
            : new Dictionary<string, object>();
        return new SharedAnnotations(names, obs, var, obsMap, varMap, obsm, uns);
    }

    private static void CheckRoot(H5adReader reader)
    {
        var root = reader.Root;
        string? type = reader.Guard("/", () => H5Values.StringAttribute(root, "encoding-type"));
        if (type is null)
        {
            // muon's 2020 files carry no root attributes; a /mod group is what makes them MuData.
            if (reader.OptionalChild(root, "mod", "/") is null)
                throw reader.Fail("/", "not an h5mu (MuData) file: no 'encoding-type' attribute and no /mod group.");
            return;
        }
        if (type == "anndata") throw reader.Fail("/", "this is an AnnData (.h5ad) file, not MuData; read it with CellDataset.Read or H5adFile.Read.");
        if (type != EncodingType) throw reader.Fail("/", $"encoding-type '{type}' is not MuData.");
        string? version = reader.Guard("/", () => H5Values.StringAttribute(root, "encoding-version"));
        if (version is not null && version != EncodingVersion)
            throw reader.Fail("/", $"MuData encoding-version '{version}' is not supported (supported: {EncodingVersion}).");
        if (reader.Guard("/", () => root.AttributeExists("axis")))
        {
            var axis = reader.Guard("/", () => H5Values.IntegerArrayAttribute(root, "axis"));
            if (axis.Length != 1) throw reader.Fail("/", "the 'axis' attribute must be one integer.");
            if (axis[0] != 0)
                throw reader.Fail("/", $"axis = {axis[0]} (modalities sharing {(axis[0] == 1 ? "features" : "cells and features")}) is not supported; only axis = 0 (modalities sharing cells) is.");
        }
    }

    private static string[] ModalityNames(H5adReader reader)
    {
        if (reader.Child(reader.Root, "mod", "/") is not IH5Group mod) throw reader.Fail("/mod", "expected a group, found a dataset.");
        var children = reader.Guard("/mod", () => mod.Children().Select(c => c.Name).Order(StringComparer.Ordinal).ToArray());
        if (children.Length == 0) throw reader.Fail("/mod", "holds no modality.");
        var order = reader.Guard("/mod", () => H5Values.StringArrayAttribute(mod, "mod-order"));
        // As mudata: mod-order counts only when it names every modality; names it has beyond them are ignored.
        return children.All(order.Contains) ? order.Where(children.Contains).Distinct().ToArray() : children;
    }

    private static Dictionary<string, int[]> ReadMaps(H5adReader reader, string name, string[] modalities, AnnotationTable shared)
    {
        var maps = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (key, value, path) in Children(reader, name))
        {
            if (!modalities.Contains(key))
            {
                reader.Skip(path, "not a modality of this file.");
                continue;
            }
            if (value is not Array { Rank: 1 } array || H5Values.ElementCode(array) is < TypeCode.SByte or > TypeCode.UInt64)
                throw reader.Fail(path, $"expected a one-dimensional integer array, found {H5adReader.Describe(value)}.");
            if (array.Length != shared.RowCount)
                throw reader.Fail(path, $"has {array.Length} entries but /{shared.Axis} has {shared.RowCount} rows.");
            var map = new int[array.Length];
            for (int i = 0; i < map.Length; i++)
            {
                long v = Convert.ToInt64(array.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                map[i] = v is >= 0 and <= int.MaxValue ? (int)v : throw reader.Fail(path, $"entry {i} is {v}, not a row number.");
            }
            maps[key] = map;
        }
        return maps;
    }

    /// <summary>mudata's boolean flag per modality in the shared obsm/varm: true where the modality has the row (the maps say the same).</summary>
    private static bool IsMembership(object value, string key, string[] modalities) => modalities.Contains(key) && value is bool[];

    private static IEnumerable<(string Key, object Value, string Path)> Children(H5adReader reader, string name)
    {
        if (reader.OptionalChild(reader.Root, name, "/") is not { } element) yield break;
        string path = "/" + name;
        if (element is not IH5Group group) throw reader.Fail(path, "expected a group, found a dataset.");
        foreach (var child in reader.Guard(path, () => group.Children().ToList()))
        {
            string childPath = H5adReader.Join(path, child.Name);
            if (reader.ReadElement(child, childPath) is { } value) yield return (child.Name, value, childPath);
        }
    }
}
