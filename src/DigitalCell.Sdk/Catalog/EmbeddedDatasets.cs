using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Real data sets shipped inside the SDK assembly, so examples run without a download. Each is extracted once to a
/// cache file whose SHA-256 is checked against the checksum in its catalog manifest entry before use (a damaged or
/// stale copy is replaced). The catalog (<see cref="Catalog"/>) serves the same files by data set id.
/// </summary>
public static class EmbeddedDatasets
{
    /// <summary>
    /// Papalexi et al. 2021 (Nature Genetics 53:322–331), ECCITE-seq CRISPR knockout screen in THP-1 cells:
    /// 20,729 cells × 299 genes, raw UMI counts, obs column <c>perturbation</c> (25 knocked-out genes and <c>control</c>).
    /// Catalog id <c>papalexi2021-thp1-subset</c>; see data/PROVENANCE.md.
    /// </summary>
    public const string Papalexi2021Thp1 = "papalexi2021_thp1_eccite_subset.h5ad";

    /// <summary>How <see cref="Papalexi2021Thp1"/> records perturbations: obs column <c>perturbation</c>, control label <c>control</c>, CRISPR knockouts.</summary>
    public static PerturbationSchema Papalexi2021Thp1Schema { get; } = new("perturbation", "control", PerturbationMode.Knockout);

    private const string ResourcePrefix = "DigitalCell.Sdk.Embedded.";
    /// <summary>
    /// PerturBench's devel set: Norman 2019 K562 CRISPRa singles and <c>A+B</c> doubles plus McFaline-Figueroa GBM
    /// CRISPRi, 5,961 cells × 500 genes, log-normalised. Catalog id <c>norman2019-perturbench-devel</c>.
    /// </summary>
    public const string PerturbenchDevel = "perturbench_devel.h5ad";

    /// <summary>
    /// Kang et al. 2018 IFN-β-stimulated vs control PBMCs (scGen validation split), 1,975 cells × 6,998 genes,
    /// log-normalised, obs <c>condition</c> and <c>cell_type</c>. Catalog id <c>kang2018-pbmc-ifnb</c>.
    /// </summary>
    public const string Kang2018PbmcIfnb = "kang2018_pbmc_ifnb_scgen_valid.h5ad";

    private static readonly Lazy<Dictionary<string, DatasetFile>> Files = new(() =>
        DatasetManifest.Embedded.SelectMany(e => e.Files).Where(f => f.IsEmbedded).ToDictionary(f => f.Name, StringComparer.Ordinal));

    /// <summary>The embedded data set file names.</summary>
    public static IReadOnlyCollection<string> Names => Files.Value.Keys;

    /// <summary>
    /// The path of the embedded file <paramref name="name"/> on disk, extracting it to <paramref name="directory"/>
    /// (default: <c>embedded</c> under <see cref="CatalogOptions.DefaultCacheDirectory"/>) when no verified copy is there.
    /// </summary>
    /// <exception cref="DigitalCellException">Unknown name, or the embedded bytes do not match the manifest checksum.</exception>
    public static string Extract(string name, string? directory = null)
    {
        if (!Files.Value.TryGetValue(name, out var file))
            throw new DigitalCellException($"No embedded data set '{name}'. Available: {string.Join(", ", Names)}.");
        string expected = file.Sha256 ?? throw new DigitalCellException($"The manifest of embedded file '{name}' lacks its sha256.");
        directory ??= Path.Combine(CatalogOptions.DefaultCacheDirectory, "embedded");
        string path = Path.Combine(directory, name);
        if (File.Exists(path) && Sha256File.Compute(path) == expected) return path;

        using var resource = DatasetManifest.OpenResource(file.Resource!);
        IO.AtomicFile.Write(path, temp =>
        {
            using (var output = File.Create(temp)) resource.CopyTo(output);
            string actual = Sha256File.Compute(temp);
            if (actual != expected)
                throw new DigitalCellException(path, null, $"sha256 mismatch for the embedded data set: expected {expected}, got {actual}");
        });
        return path;
    }

    /// <summary>Loads the embedded data set <paramref name="name"/> (extracting it first if needed).</summary>
    /// <exception cref="DigitalCellException">Unknown name or a damaged resource.</exception>
    public static CellDataset Load(string name, string? directory = null) => H5ad.Read(Extract(name, directory));
}
