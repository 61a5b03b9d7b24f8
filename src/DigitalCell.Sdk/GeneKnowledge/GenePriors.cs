using System.Collections.Concurrent;

namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// The gene-level priors of the catalog entry <c>gene-priors</c>: MSigDB Hallmark and GO Biological Process gene
/// sets, PROGENy pathway weights, DoRothEA regulons, Geneformer's gene table (the identifier map) and scGPT's
/// vocabulary. Each file is read on first use and kept; derived features (<see cref="Features"/>) are computed once
/// per options and kept too. Nothing is downloaded here and nothing is embedded in the SDK.
/// </summary>
/// <example>
/// <code>
/// var priors = GenePriors.FromDirectory("/data/gene-priors");
/// var features = priors.Features();          // one prior vector per gene, layout in features.Layout
/// double[]? stat1 = features.Vector("STAT1");
/// </code>
/// </example>
public sealed class GenePriors
{
    /// <summary>MSigDB Hallmark v7.0 (GMT).</summary>
    public const string HallmarkFile = "h.all.v7.0.symbols.gmt";
    /// <summary>Enrichr GO Biological Process 2021 (gzip GMT).</summary>
    public const string GoBiologicalProcessFile = "enrichr.GO_Biological_Process_2021.gmt.gz";
    /// <summary>PROGENy human top-100 weights (TSV).</summary>
    public const string ProgenyFile = "progeny_human_top100.tsv";
    /// <summary>DoRothEA human regulons, non-academic release (gzip TSV).</summary>
    public const string DorotheaFile = "dorothea_hs_nonacademic.tsv.gz";
    /// <summary>Geneformer gene medians, symbols and tokens, 95M corpus (gzip TSV).</summary>
    public const string GeneformerFile = "geneformer_gene_medians_gc95M.tsv.gz";
    /// <summary>scGPT default gene vocabulary (JSON).</summary>
    public const string ScGptFile = "scgpt_default_gene_vocab.json";

    /// <summary>The catalog id of the prior files.</summary>
    public const string CatalogId = "gene-priors";

    /// <summary>Every file of the entry, in the order of the manifest.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [HallmarkFile, GoBiologicalProcessFile, ProgenyFile, DorotheaFile, GeneformerFile, ScGptFile];

    private readonly Lazy<GeneSetLibrary> _hallmark;
    private readonly Lazy<GeneSetLibrary> _go;
    private readonly Lazy<PathwayWeights> _progeny;
    private readonly Lazy<Regulons> _dorothea;
    private readonly Lazy<GeneIdentifierMap> _ids;
    private readonly Lazy<ScGptVocabulary> _scgpt;
    private readonly ConcurrentDictionary<GeneFeatureOptions, Lazy<GeneFeatureTable>> _features = new();
    // The two expensive derivations, shared by every block selection with the same settings (an ablation derives them once).
    private readonly ConcurrentDictionary<object, Lazy<object>> _derived = new();

    /// <summary>A derived part of the prior table, computed once per <paramref name="key"/> (its settings).</summary>
    internal T Derived<T>(object key, Func<T> derive) where T : class =>
        (T)_derived.GetOrAdd(key, _ => new Lazy<object>(() => derive())).Value;

    private GenePriors(string directory)
    {
        Directory = directory;
        _hallmark = new(() => GeneSetLibrary.ReadGmt(PathOf(HallmarkFile)));
        _go = new(() => GeneSetLibrary.ReadGmt(PathOf(GoBiologicalProcessFile)));
        _progeny = new(() => PathwayWeights.Read(PathOf(ProgenyFile)));
        _dorothea = new(() => Regulons.Read(PathOf(DorotheaFile)));
        _ids = new(() => GeneIdentifierMap.Read(PathOf(GeneformerFile)));
        _scgpt = new(() => ScGptVocabulary.Read(PathOf(ScGptFile)));
        _description = new(DescribeFiles);
    }

    /// <summary>The folder holding the six prior files.</summary>
    public string Directory { get; }

    /// <summary>Opens the priors in <paramref name="directory"/> (files are read lazily, on first use).</summary>
    /// <exception cref="DigitalCellException">The folder does not exist.</exception>
    public static GenePriors FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory))
            throw new DigitalCellException(directory, null, "gene-prior folder not found; it must hold the files of the catalog entry 'gene-priors'.");
        return Cache.GetOrAdd(Path.GetFullPath(directory), d => new GenePriors(d));
    }

    /// <summary>
    /// The priors of the catalog entry <c>gene-priors</c>, resolved like every data set: the cache, then the local mirror
    /// (<c>DIGITALCELL_MIRROR</c> / <see cref="Catalog.CatalogOptions.Mirror"/>), then HTTPS, each file checked against its
    /// SHA-256. (Four files are conversions with no public copy of their bytes, so in practice they come from a mirror.)
    /// </summary>
    /// <param name="catalog">The catalog (null: <see cref="Catalog.DatasetCatalog.Default"/>).</param>
    /// <param name="progress">Download progress, when a file is fetched.</param>
    /// <param name="cancellationToken">Stops the fetch.</param>
    public static async Task<GenePriors> FromCatalogAsync(Catalog.DatasetCatalog? catalog = null, IProgress<Catalog.DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var fetched = await (catalog ?? Catalog.DatasetCatalog.Default).FetchAsync(CatalogId, progress, cancellationToken).ConfigureAwait(false);
        return FromDirectory(Path.GetDirectoryName(fetched.Files[0].Path)!);
    }

    /// <summary>
    /// The priors of the local mirror: <c>DIGITALCELL_GENE_PRIORS</c> when set, else <c>$DIGITALCELL_MIRROR/gene-priors</c>
    /// (the catalog's mirror layout: one folder per entry).
    /// </summary>
    /// <exception cref="DigitalCellException">Neither variable is set, or the folder does not exist.</exception>
    public static GenePriors FromEnvironment()
    {
        string? direct = Environment.GetEnvironmentVariable("DIGITALCELL_GENE_PRIORS");
        if (!string.IsNullOrEmpty(direct)) return FromDirectory(direct);
        string? mirror = Environment.GetEnvironmentVariable("DIGITALCELL_MIRROR");
        if (!string.IsNullOrEmpty(mirror)) return FromDirectory(Path.Combine(mirror, CatalogId));
        throw new DigitalCellException("The gene priors are not located: set DIGITALCELL_GENE_PRIORS to the folder of the catalog entry 'gene-priors', or DIGITALCELL_MIRROR to a mirror holding it.");
    }

    // One instance per folder, so every model of a benchmark shares the parsed files and derived features.
    private static readonly ConcurrentDictionary<string, GenePriors> Cache = new(StringComparer.Ordinal);

    /// <summary>MSigDB Hallmark gene sets (50).</summary>
    public GeneSetLibrary Hallmark => _hallmark.Value;

    /// <summary>GO Biological Process terms (Enrichr 2021, 6,036 terms).</summary>
    public GeneSetLibrary GoBiologicalProcess => _go.Value;

    /// <summary>PROGENy pathway weights (14 pathways × 100 genes).</summary>
    public PathwayWeights Progeny => _progeny.Value;

    /// <summary>DoRothEA regulons (all confidence levels; filter with <see cref="Regulons.WithConfidence"/>).</summary>
    public Regulons Dorothea => _dorothea.Value;

    /// <summary>The symbol ↔ Ensembl map and Geneformer's medians and tokens.</summary>
    public GeneIdentifierMap Genes => _ids.Value;

    /// <summary>scGPT's gene vocabulary.</summary>
    public ScGptVocabulary ScGpt => _scgpt.Value;

    /// <summary>The derived per-gene prior vectors (computed on first call per options, then reused).</summary>
    public GeneFeatureTable Features(GeneFeatureOptions? options = null, CancellationToken cancellationToken = default)
    {
        var key = options ?? new GeneFeatureOptions();
        return _features.GetOrAdd(key, o => new Lazy<GeneFeatureTable>(() => GeneFeatureTable.Build(this, o, cancellationToken))).Value;
    }

    /// <summary>The GEARS-style GO graph (computed on each call; <see cref="Features"/> keeps its own).</summary>
    public GoGraph GoGraph(GeneFeatureOptions? options = null) =>
        GeneKnowledge.GoGraph.Build(GoBiologicalProcess, Genes, (options ?? new GeneFeatureOptions()).GoMinimumJaccard, (options ?? new GeneFeatureOptions()).GoNeighbours);

    /// <summary>Provenance for model cards: each file with the first 12 hex digits of its SHA-256 (computed once).</summary>
    public string Describe() => _description.Value;

    private readonly Lazy<string> _description;

    private string DescribeFiles() => string.Join("; ", FileNames.Select(f =>
    {
        string path = PathOf(f);
        if (!File.Exists(path)) return $"{f} (missing)";
        using var stream = File.OpenRead(path);
        return $"{f} sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12]}";
    }));

    private string PathOf(string file) => Path.Combine(Directory, file);
}
