using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The screen <c>linear-transfer</c> learns its perturbation embedding on: a catalog entry (loaded with
/// <see cref="DatasetCatalog.Default"/>, so the mirror and cache apply) or cells already in memory with their schema.
/// </summary>
/// <param name="CatalogId">Catalog id of the source screen, e.g. <c>norman2019-perturbench-devel</c>.</param>
/// <param name="Data">The source screen's cells instead of a catalog id (X log-normalised like the target's).</param>
/// <param name="Schema">How <paramref name="Data"/>'s perturbation labels are read (required with it).</param>
/// <param name="Components">K of the source embedding (fewer when the source has fewer conditions).</param>
public sealed record TransferSource(string? CatalogId = null, CellDataset? Data = null, PerturbationSchema? Schema = null, int Components = 10)
{
    /// <summary>Checks the description: one of a catalog id or data (with its schema), K ≥ 1.</summary>
    /// <exception cref="DigitalCellException">Neither or both of a catalog id and data, data without a schema, or K &lt; 1.</exception>
    internal void Validate()
    {
        if (Components < 1) throw new DigitalCellException($"linear-transfer: source components must be ≥ 1, got {Components}.");
        if ((CatalogId is null) == (Data is null))
            throw new DigitalCellException("linear-transfer: give the source screen either as a catalog id or as loaded cells with their schema, not both or neither.");
        if (Data is not null && Schema is null) throw new DigitalCellException("linear-transfer: source cells were given without their perturbation schema.");
    }

    /// <summary>The source's cells, schema, id and the SHA-256 of the file they came from (empty when unknown).</summary>
    internal (CellDataset Data, PerturbationSchema Schema, string Id, string Sha256) Resolve(CancellationToken cancellationToken = default)
    {
        if (Data is not null) return (Data, Schema!, Data.CatalogId ?? Data.Source ?? "in-memory", Sha256Of(Data));
        var catalog = DatasetCatalog.Default;
        var data = catalog.Load(CatalogId!, cancellationToken: cancellationToken);
        return (data, catalog.Get(CatalogId!).PerturbationSchema, CatalogId!, Sha256Of(data));
    }

    /// <summary>The checksum the catalog records in <c>uns["catalog"]</c> when the cells came from a catalog file.</summary>
    private static string Sha256Of(CellDataset data) =>
        data.Uns.TryGetValue("catalog", out var record) && record is IReadOnlyDictionary<string, object> fields && fields.TryGetValue("sha256", out var sha)
            ? sha?.ToString() ?? "" : "";
}
