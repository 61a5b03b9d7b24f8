using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The model zoo: saved models by id, each a folder named by its id holding <c>model-card.json</c>, its weights and
/// (for the base model) <c>vocabulary.txt</c>. The zoo folder is <c>$DIGITALCELL_MODELS</c> when set, else the
/// <c>models</c> folder shipped beside the application (the dcell tools carry <c>dcell-base-tiny</c> there).
/// </summary>
public static class ModelZoo
{
    /// <summary>The environment variable naming another zoo folder.</summary>
    public const string EnvironmentVariable = "DIGITALCELL_MODELS";

    /// <summary>The zoo folder in use.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } custom ? custom : Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>The models in <paramref name="directory"/> (default <see cref="DefaultDirectory"/>), by id; empty when the folder is absent.</summary>
    public static IReadOnlyList<ZooModel> List(string? directory = null)
    {
        directory ??= DefaultDirectory;
        if (!Directory.Exists(directory)) return [];
        return Directory.GetDirectories(directory).Where(d => File.Exists(Path.Combine(d, ModelCard.FileName)))
            .Order(StringComparer.Ordinal).Select(Describe).ToList();
    }

    /// <summary>The model <paramref name="id"/>.</summary>
    /// <exception cref="DigitalCellException">No such model (the message lists the zoo's ids and its folder).</exception>
    public static ZooModel Find(string id, string? directory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        directory ??= DefaultDirectory;
        var folder = Path.Combine(directory, id);
        if (File.Exists(Path.Combine(folder, ModelCard.FileName)) && Path.GetFileName(folder) == id) return Describe(folder);
        var known = List(directory).Select(m => m.Id).ToArray();
        throw new DigitalCellException($"no model '{id}' in the model zoo {directory}; " +
            (known.Length == 0 ? $"it holds none (set {EnvironmentVariable} to a folder of model folders)" : $"it holds {string.Join(", ", known)}"));
    }

    /// <summary>Loads the model <paramref name="id"/> through <see cref="PerturbationModels.Load"/> (neural architectures need their assembly, e.g. DigitalCell.Sdk.Torch, loaded).</summary>
    public static IPerturbationModel Load(string id, string? directory = null) => PerturbationModels.Load(Find(id, directory).Directory);

    private static ZooModel Describe(string folder) => new(Path.GetFileName(folder), folder, ModelCard.Load(folder),
        // Dot files are bookkeeping (the atomic writer's ownership marker), not part of the model.
        Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).Select(f => new ZooFile(Path.GetFileName(f), new FileInfo(f).Length, Sha256File.Compute(f))).ToList());
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
