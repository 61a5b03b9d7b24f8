using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5mu;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial record BaseModelSource
{
    /// <summary>The panel an observational source keeps at most (its most variable genes): a 25,000-gene atlas would otherwise multiply the gene table and each masked step's width.</summary>
    public const int ObservationalGeneLimit = 2_000;

    /// <summary>
    /// Unperturbed cells (an atlas, a disease cohort, a control sample) as a source: every cell is a control, so the
    /// source takes part in masked-expression pretraining only, never in joint or fine-tuning steps (it has no
    /// perturbation to map to). Counts are normalised to the median library size and log1p-transformed, as the
    /// perturbation sources are; at most <paramref name="maxGenes"/> genes are kept (the most variable, scanpy's
    /// dispersion flavour). Each value of <paramref name="contextColumn"/> (cell type, donor) becomes a context token
    /// beside the data set's own.
    /// </summary>
    /// <param name="id">The source's id (its context token is <c>data:ID</c>).</param>
    /// <param name="data">The cells (counts or log1p-normalised).</param>
    /// <param name="contextColumn">Obs column naming each cell's context; null or absent: the data set is one context.</param>
    /// <param name="maxGenes">Most genes kept.</param>
    /// <param name="sha256">Checksum of the data file, for the model card.</param>
    /// <exception cref="DigitalCellException">The data is neither counts nor log1p-normalised, or <paramref name="maxGenes"/> is below 5 (the masked phase needs genes to hide and to see).</exception>
    public static BaseModelSource Observational(string id, CellDataset data, string? contextColumn = null, int maxGenes = ObservationalGeneLimit, string? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (maxGenes < 5) throw new DigitalCellException($"data set '{id}': an observational source keeps at least 5 genes, not {maxGenes}");
        data = ExpressionScale.EnsureLogNormalized(data, id, out _);
        data = MostVariable(data, maxGenes);
        var context = contextColumn is not null && data.Obs.Contains(contextColumn) ? contextColumn : null;
        var (cells, schema) = AllControls(data);
        return new BaseModelSource(id, cells, schema with { ContextColumn = context }, Sha256: sha256);
    }

    /// <summary>
    /// An unperturbed catalog data set (<c>perturbationKind</c> <c>none</c>) as an observational source: an h5ad through
    /// <see cref="Observational"/> with the catalog's context column (COMBAT: cell type; its disease condition is not a
    /// perturbation, so all six donors' cells are controls); an h5mu with RNA and protein (ECCITE-seq) through
    /// <see cref="FromMultimodal"/>. Either keeps at most <see cref="ObservationalGeneLimit"/> genes.
    /// </summary>
    /// <param name="id">Catalog id.</param>
    /// <param name="catalog">The catalog (null: <see cref="DatasetCatalog.Default"/>).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="DigitalCellException">An unknown id, or a perturbation screen (its controls enter pretraining as a perturbation source).</exception>
    public static async Task<BaseModelSource> ObservationalFromCatalogAsync(string id, DatasetCatalog? catalog = null, CancellationToken cancellationToken = default)
    {
        catalog ??= DatasetCatalog.Default;
        var entry = catalog.Get(id);
        if (entry.PerturbationKind != "none")
            throw new DigitalCellException($"data set '{id}' is a {entry.PerturbationKind} screen, not unperturbed cells; name it as a pretraining source (its controls enter masked-expression pretraining there)");
        if (entry.PrimaryFile.Format == "h5mu")
        {
            var fetched = await catalog.FetchAsync(id, null, cancellationToken).ConfigureAwait(false);
            var multi = await Task.Run(() => H5muFile.Read(fetched.DataPath), cancellationToken).ConfigureAwait(false);
            var cite = FromMultimodal(entry.Id, multi);
            return cite with { Data = MostVariable(cite.Data, ObservationalGeneLimit), Sha256 = fetched.Files.First(f => f.File == entry.PrimaryFile).Sha256 };
        }
        var raw = await catalog.LoadAsync(id, null, cancellationToken).ConfigureAwait(false);
        return Observational(entry.Id, raw, entry.PerturbationSchema.ContextColumn, sha256: CatalogSha256(raw));
    }

    /// <summary>The <paramref name="maxGenes"/> most variable genes of log1p data (all when it has no more).</summary>
    private static CellDataset MostVariable(CellDataset data, int maxGenes) => data.GeneCount > maxGenes ? data.HighlyVariableGenes(maxGenes, subset: true) : data;

    /// <summary>The cells with a constant perturbation column whose one label is the control label.</summary>
    private static (CellDataset Cells, PerturbationSchema Schema) AllControls(CellDataset data) =>
        (data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", Enumerable.Repeat<string?>(UnperturbedLabel, data.CellCount).ToArray()))),
         new PerturbationSchema("perturbation", UnperturbedLabel));
}
