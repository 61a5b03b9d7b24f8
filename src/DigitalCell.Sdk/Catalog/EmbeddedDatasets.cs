using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Real data sets shipped inside the SDK assembly, so examples run without a download. Each is extracted once to a
/// cache file whose SHA-256 is checked against the pinned value before use (a damaged or stale copy is replaced).
/// </summary>
public static class EmbeddedDatasets
{
    /// <summary>
    /// Papalexi et al. 2021 (Nature Genetics 53:322–331), ECCITE-seq CRISPR knockout screen in THP-1 cells:
    /// 20,729 cells × 299 genes, raw UMI counts, obs column <c>perturbation</c> (26 targeted genes and <c>control</c>).
    /// See data/PROVENANCE.md.
    /// </summary>
    public const string Papalexi2021Thp1 = "papalexi2021_thp1_eccite_subset.h5ad";

    /// <summary>How <see cref="Papalexi2021Thp1"/> records perturbations: obs column <c>perturbation</c>, control label <c>control</c>, CRISPR knockouts.</summary>
    public static PerturbationSchema Papalexi2021Thp1Schema { get; } = new("perturbation", "control", PerturbationMode.Knockout);

    private const string ResourcePrefix = "DigitalCell.Sdk.Embedded.";

    private static readonly Dictionary<string, string> PinnedSha256 = new(StringComparer.Ordinal)
    {
        [Papalexi2021Thp1] = "72e674cf1466dce845721193d20caf859bc4b0123c48fe00b0672d2555c12ef3",
    };

    /// <summary>The embedded data set file names.</summary>
    public static IReadOnlyCollection<string> Names => PinnedSha256.Keys;

    /// <summary>
    /// The path of the embedded file <paramref name="name"/> on disk, extracting it to <paramref name="directory"/>
    /// (default: <c>embedded</c> under <see cref="CatalogOptions.DefaultCacheDirectory"/>) when no verified copy is there.
    /// </summary>
    /// <exception cref="DigitalCellException">Unknown name, or the embedded bytes do not match the pinned checksum.</exception>
    public static string Extract(string name, string? directory = null)
    {
        if (!PinnedSha256.TryGetValue(name, out var expected))
            throw new DigitalCellException($"No embedded data set '{name}'. Available: {string.Join(", ", Names)}.");
        directory ??= Path.Combine(CatalogOptions.DefaultCacheDirectory, "embedded");
        string path = Path.Combine(directory, name);
        if (File.Exists(path) && Sha256(path) == expected) return path;

        using var resource = typeof(EmbeddedDatasets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new DigitalCellException($"The embedded data set '{name}' is missing from the SDK assembly (a build problem).");
        IO.AtomicFile.Write(path, temp =>
        {
            using (var file = File.Create(temp)) resource.CopyTo(file);
            string actual = Sha256(temp);
            if (actual != expected)
                throw new DigitalCellException(path, null, $"sha256 mismatch for the embedded data set: expected {expected}, got {actual}");
        });
        return path;
    }

    /// <summary>Loads the embedded data set <paramref name="name"/> (extracting it first if needed).</summary>
    /// <exception cref="DigitalCellException">Unknown name or a damaged resource.</exception>
    public static CellDataset Load(string name, string? directory = null) => H5ad.Read(Extract(name, directory));

    private static string Sha256(string path) => Sha256File.ComputeAsync(path).GetAwaiter().GetResult();
}
