using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// One perturbation data set the base model pretrains on: cells (log1p-normalised), how their perturbations are
/// recorded, and the names it goes by (so a benchmark on the same cells leaves it out of pretraining).
/// </summary>
/// <param name="Id">The data set's id (its context token is <c>data:ID</c>); a catalog id where there is one.</param>
/// <param name="Data">The cells.</param>
/// <param name="Schema">Perturbation column, control labels, mode, context column.</param>
/// <param name="ModeByContext">Modes that differ by context (PerturBench: CRISPRa in K562, CRISPRi in the glioblastoma lines); null when one mode fits all.</param>
/// <param name="Aliases">Other ids of the same cells (a subset's or a parent's id, a file stem).</param>
/// <param name="Sha256">Checksum of the data file, for the model card, when known.</param>
/// <param name="Protein">Surface protein (CLR) of the same cells in the same order, markers as var names; null when not measured (see <see cref="FromMultimodal"/>).</param>
public sealed partial record BaseModelSource(string Id, CellDataset Data, PerturbationSchema Schema,
    IReadOnlyDictionary<string, PerturbationMode>? ModeByContext = null, IReadOnlyList<string>? Aliases = null, string? Sha256 = null,
    CellDataset? Protein = null)
{
    /// <summary>
    /// The one way a recipe's sources are read: each of <paramref name="perturbationIds"/> through <see cref="FromCatalogAsync"/>
    /// (controls to the masked phase, perturbations to the joint phase), then each of <paramref name="observationalIds"/>
    /// through <see cref="ObservationalFromCatalogAsync"/> (masked phase only); duplicates are read once. Every id is
    /// looked up before any file is read, so a typo fails at once.
    /// </summary>
    /// <param name="perturbationIds">Catalog ids of perturbation data sets.</param>
    /// <param name="observationalIds">Catalog ids of unperturbed data sets.</param>
    /// <param name="catalog">The catalog (null: <see cref="DatasetCatalog.Default"/>).</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    /// <exception cref="DigitalCellException">An unknown id, a file that cannot be resolved, or an observational id that is a perturbation screen.</exception>
    public static async Task<List<BaseModelSource>> RecipeFromCatalogAsync(IEnumerable<string> perturbationIds, IEnumerable<string> observationalIds,
        DatasetCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        catalog ??= DatasetCatalog.Default;
        var screens = perturbationIds.Distinct(StringComparer.Ordinal).ToList();
        var unperturbed = observationalIds.Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in screens.Concat(unperturbed)) catalog.Get(id);
        var sources = new List<BaseModelSource>();
        foreach (var id in screens) sources.Add(await FromCatalogAsync(id, catalog, cancellationToken).ConfigureAwait(false));
        foreach (var id in unperturbed) sources.Add(await ObservationalFromCatalogAsync(id, catalog, cancellationToken).ConfigureAwait(false));
        return sources;
    }

    // Ids under which the benchmarks and the catalog know the same cells (the harness names subsets of them).
    private static readonly Dictionary<string, string[]> KnownAliases = new(StringComparer.Ordinal)
    {
        ["papalexi2021-thp1-subset"] = ["papalexi2021-thp1", "papalexi2021", "papalexi2021_thp1_eccite_subset"],
        ["norman2019-perturbench-devel"] = ["norman2019-mcfaline2023-perturbench", "norman2019-k562", "norman2019", "perturbench_devel"],
        ["kang2018-pbmc-ifnb"] = ["kang2018_pbmc_ifnb_scgen_valid"],
    };

    // McFaline-Figueroa et al. 2024 knocked the kinases down with CRISPRi, Norman et al. 2019 activated genes in K562; every
    // line is named so that a schema with either mode (the catalog's CRISPRa, the kinase task's CRISPRi) reads both right.
    private static readonly Dictionary<string, IReadOnlyDictionary<string, PerturbationMode>> KnownModes = new(StringComparer.Ordinal)
    {
        ["norman2019-perturbench-devel"] = new Dictionary<string, PerturbationMode>
        {
            ["k562"] = PerturbationMode.CRISPRa,
            ["A172"] = PerturbationMode.CRISPRi, ["T98G"] = PerturbationMode.CRISPRi, ["U87MG"] = PerturbationMode.CRISPRi,
        },
    };

    /// <summary>The modes by context known for the data set named <paramref name="id"/> (a catalog id or an alias), without loading it; null when one mode fits all.</summary>
    public static IReadOnlyDictionary<string, PerturbationMode>? KnownModesOf(string? id) =>
        KnownModes.Where(kv => IsNamed(id, kv.Key, KnownAliases.GetValueOrDefault(kv.Key))).Select(kv => kv.Value).FirstOrDefault();

    /// <summary>True when <paramref name="id"/> names these cells (its id or an alias, ordinal, ignoring a <c>catalog:</c> prefix).</summary>
    public bool Names(string? id) => IsNamed(id, Id, Aliases);

    private static bool IsNamed(string? id, string dataId, IReadOnlyList<string>? aliases)
    {
        if (string.IsNullOrEmpty(id)) return false;
        var bare = id.StartsWith("catalog:", StringComparison.Ordinal) ? id["catalog:".Length..] : id;
        return bare == dataId || (aliases ?? []).Contains(bare, StringComparer.Ordinal);
    }

    /// <summary>A catalog data set as a source: read through the catalog (mirror or cache), log-normalised when it holds counts.</summary>
    /// <param name="id">Catalog id.</param>
    /// <param name="catalog">The catalog (null: <see cref="DatasetCatalog.Default"/>).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<BaseModelSource> FromCatalogAsync(string id, DatasetCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        catalog ??= DatasetCatalog.Default;
        var entry = catalog.Get(id);
        var raw = await catalog.LoadAsync(id, null, cancellationToken).ConfigureAwait(false);
        var data = ExpressionScale.EnsureLogNormalized(raw, id, out _);
        return new BaseModelSource(entry.Id, data, entry.PerturbationSchema, KnownModes.GetValueOrDefault(entry.Id), KnownAliases.GetValueOrDefault(entry.Id), CatalogSha256(raw));
    }

    /// <summary>The data file's checksum the catalog recorded in <c>uns['catalog']</c>; null when absent.</summary>
    private static string? CatalogSha256(CellDataset raw) =>
        raw.Uns.TryGetValue("catalog", out var c) && c is IReadOnlyDictionary<string, object> uns && uns.TryGetValue("sha256", out var s) ? s as string : null;
}
