using System.Collections.Concurrent;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// Loads saved models by the architecture named in their <see cref="ModelCard"/>. The core SDK registers its baselines;
/// other assemblies (e.g. DigitalCell.Sdk.Torch) register their architectures with <see cref="Register"/>.
/// </summary>
public static class PerturbationModels
{
    private static readonly ConcurrentDictionary<string, Func<string, IPerturbationModel>> Loaders = new(StringComparer.Ordinal);

    static PerturbationModels() => Baselines.RegisterLoaders();

    /// <summary>Registers (or replaces) the loader for an architecture id; the loader receives the model directory.</summary>
    public static void Register(string architecture, Func<string, IPerturbationModel> loader)
    {
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        Loaders[architecture] = loader ?? throw new ArgumentNullException(nameof(loader));
    }

    /// <summary>The architecture ids that can be loaded.</summary>
    public static IReadOnlyCollection<string> Architectures => Loaders.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Loads the model saved in <paramref name="directory"/>.</summary>
    /// <exception cref="DigitalCellException">No card, or no loader for its architecture (the message lists the known ones).</exception>
    public static IPerturbationModel Load(string directory)
    {
        var card = ModelCard.Load(directory);
        if (!Loaders.TryGetValue(card.Architecture, out var loader))
            throw new DigitalCellException(Path.Combine(directory, ModelCard.FileName), "architecture",
                $"no loader for architecture '{card.Architecture}'. Known: {string.Join(", ", Architectures)}" +
                " (neural models need their assembly loaded, e.g. DigitalCell.Sdk.Torch).");
        return loader(directory);
    }
}
