using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The model zoo: saved models by id, each a folder named by its id holding <c>model-card.json</c>, its weights and
/// (for the base model) <c>vocabulary.txt</c>. Ids are looked up in order in <c>$DIGITALCELL_MODELS</c> (when set), the
/// model cache (<c>models</c> under the catalog cache folder, where <c>dcell models fetch</c> installs models from the
/// <see cref="ModelManifest"/>) and the <c>models</c> folder shipped beside the application (the dcell tools carry
/// <c>dcell-base-tiny</c> there); the first folder holding an id wins.
/// </summary>
public static class ModelZoo
{
    /// <summary>The environment variable naming a zoo folder searched before the others.</summary>
    public const string EnvironmentVariable = "DIGITALCELL_MODELS";

    /// <summary>The model cache: <c>models</c> under <see cref="CatalogOptions.DefaultCacheDirectory"/>.</summary>
    public static string CacheDirectory => CacheDirectoryOf(null);

    /// <summary>The model cache under the catalog cache folder <paramref name="catalogCache"/> (null: the default one).</summary>
    public static string CacheDirectoryOf(string? catalogCache) => Path.Combine(Path.GetFullPath(catalogCache ?? CatalogOptions.DefaultCacheDirectory), "models");

    /// <summary>The folder of models shipped with the application.</summary>
    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>The folders searched, in order: <c>$DIGITALCELL_MODELS</c> when set, the model cache, the shipped models.</summary>
    public static IReadOnlyList<string> SearchPath =>
        [.. Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } custom ? [custom] : Array.Empty<string>(), CacheDirectory, ShippedDirectory];

    /// <summary>The models in <paramref name="directory"/>, or across <see cref="SearchPath"/> when null (an id found earlier hides later ones), by id.</summary>
    public static IReadOnlyList<ZooModel> List(string? directory = null) => List(directory is null ? SearchPath : [directory]);

    /// <summary>The models across <paramref name="folders"/> (an id found in an earlier folder hides later ones), by id; absent folders hold none.</summary>
    public static IReadOnlyList<ZooModel> List(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return folders.Where(Directory.Exists)
            .SelectMany(f => Directory.GetDirectories(f).Where(d => File.Exists(Path.Combine(d, ModelCard.FileName))))
            .DistinctBy(Path.GetFileName, StringComparer.Ordinal)
            .OrderBy(Path.GetFileName, StringComparer.Ordinal).Select(Describe).ToList();
    }

    /// <summary>The model <paramref name="id"/> in <paramref name="directory"/>, or the first folder of <see cref="SearchPath"/> holding it when null.</summary>
    /// <exception cref="DigitalCellException">No such model (the message lists the ids there and the folders searched).</exception>
    public static ZooModel Find(string id, string? directory = null) => Find(id, directory is null ? SearchPath : [directory]);

    /// <summary>The model <paramref name="id"/> in the first of <paramref name="folders"/> holding it.</summary>
    /// <exception cref="DigitalCellException">No such model (the message lists the ids there and the folders searched).</exception>
    public static ZooModel Find(string id, IReadOnlyList<string> folders)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(folders);
        foreach (var directory in folders)
        {
            var folder = Path.Combine(directory, id);
            if (Path.GetFileName(folder) == id && File.Exists(Path.Combine(folder, ModelCard.FileName))) return Describe(folder);
        }
        var known = List(folders).Select(m => m.Id).ToArray();
        throw new DigitalCellException($"no model '{id}' in the model zoo ({string.Join(", ", folders)}); " +
            (known.Length == 0 ? $"it holds none (set {EnvironmentVariable} to a folder of model folders, or `dcell models fetch ID`)" : $"it holds {string.Join(", ", known)}"));
    }

    /// <summary>Loads the model <paramref name="id"/> through <see cref="PerturbationModels.Load"/> (neural architectures need their assembly, e.g. DigitalCell.Sdk.Torch, loaded).</summary>
    public static IPerturbationModel Load(string id, string? directory = null) => PerturbationModels.Load(Find(id, directory).Directory);

    /// <summary>
    /// A model given as a folder or a zoo id: <paramref name="folderOrId"/> when it is a folder holding a model card,
    /// else the zoo's folder of that id (what <c>--model</c> options accept).
    /// </summary>
    /// <exception cref="DigitalCellException">Neither a model folder nor a zoo id.</exception>
    public static string Resolve(string folderOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderOrId);
        if (File.Exists(Path.Combine(folderOrId, ModelCard.FileName))) return folderOrId;
        if (Directory.Exists(folderOrId) || folderOrId.IndexOfAny(['/', '\\']) >= 0)
            throw new DigitalCellException(folderOrId, ModelCard.FileName, "not a model folder (it holds no model card)");
        return Find(folderOrId).Directory;
    }

    private static ZooModel Describe(string folder) => new(Path.GetFileName(folder), folder, ModelCard.Load(folder),
        // Dot files are bookkeeping (the atomic writer's ownership marker), not part of the model.
        Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).Select(f => new ZooFile(Path.GetFileName(f), FileLinks.Resolve(f).Length, Sha256File.Compute(f))).ToList());
}

/// <summary>A model of the zoo.</summary>
/// <param name="Id">Its id (the folder name).</param>
/// <param name="Directory">Its folder.</param>
/// <param name="Card">Its model card.</param>
/// <param name="Files">Its files with size and SHA-256.</param>
public sealed record ZooModel(string Id, string Directory, ModelCard Card, IReadOnlyList<ZooFile> Files)
{
    /// <summary>Bytes on disk.</summary>
    public long Bytes => Files.Sum(f => f.Bytes);
}

/// <summary>A file of a zoo model.</summary>
/// <param name="Name">File name.</param>
/// <param name="Bytes">Size.</param>
/// <param name="Sha256">SHA-256, lower-case hex.</param>
public sealed record ZooFile(string Name, long Bytes, string Sha256);
