using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Catalog;

/// <summary>
/// Turns a data set as its authors wrote it into DigitalCell conventions, following its manifest's schema mapping:
/// obs <c>perturbation</c> holds the canonical label of each cell's <see cref="Perturbation"/> (<c>control</c> for
/// every control label, targets joined by <c>+</c> whatever the source delimiter, GEARS' <c>A+ctrl</c> read as
/// <c>A</c>), obs <c>is_control</c> flags the controls, and <c>uns["catalog"]</c> records id, citation, licence and
/// checksum so results stay citable. A source column that the canonical one replaces is kept as
/// <c>perturbation_source</c>.
/// </summary>
public static class DatasetSchemaApplication
{
    /// <summary>The obs column holding canonical perturbation labels after <see cref="ApplySchema"/>.</summary>
    public const string PerturbationColumn = "perturbation";

    /// <summary>The canonical control label.</summary>
    public const string ControlLabel = "control";

    extension(DatasetEntry entry)
    {
        /// <summary>The schema of a data set after <see cref="ApplySchema"/>: column <c>perturbation</c>, control
        /// <c>control</c>, combinations joined by <c>+</c>, the entry's context, dose, time and gene-id columns.</summary>
        public PerturbationSchema PerturbationSchema =>
            new(PerturbationColumn, [ControlLabel], PerturbationKind.ToMode(entry.PerturbationKind), "+",
                entry.Schema.ContextColumn, entry.Schema.DoseColumn, entry.Schema.TimeColumn, entry.Schema.GeneIdColumn);

        /// <summary>Applies the entry's schema mapping to <paramref name="data"/> (see the type's summary).</summary>
        /// <param name="data">The cells as read from the entry's data file.</param>
        /// <param name="sha256">Checksum of the file the cells came from, recorded in <c>uns["catalog"]</c>.</param>
        /// <exception cref="DigitalCellException">The mapped perturbation column is missing (allowed for unperturbed data sets, whose cells are then all controls) or holds an unreadable label.</exception>
        public CellDataset ApplySchema(CellDataset data, string? sha256 = null)
        {
            ArgumentNullException.ThrowIfNull(data);
            string column = entry.Schema.PerturbationColumn;
            // Unperturbed cells (perturbationKind none) need no perturbation column: every cell is then a control.
            var source = data.Obs.Contains(column) ? data.Obs[column]
                : entry.PerturbationKind == "none" ? CategoricalColumn.FromLabels(column, Enumerable.Repeat<string?>(entry.Schema.ControlLabels[0], data.CellCount).ToArray())
                : throw new DigitalCellException(entry.ManifestPath, "schema.perturbationColumn",
                    $"data set '{entry.Id}' has no obs column '{column}'; its columns are {string.Join(", ", data.Obs.ColumnNames)}");
            var schema = entry.Schema.ToPerturbationSchema(PerturbationKind.ToMode(entry.PerturbationKind));
            var canonicalByLabel = new Dictionary<string, Perturbation>(StringComparer.Ordinal);
            var labels = new string?[data.CellCount];
            var isControl = new bool[data.CellCount];
            for (int cell = 0; cell < labels.Length; cell++)
            {
                string raw = source.GetText(cell);
                if (!canonicalByLabel.TryGetValue(raw, out var perturbation))
                {
                    try
                    {
                        perturbation = Perturbation.Parse(raw, schema);
                    }
                    catch (DigitalCellException e)
                    {
                        throw new DigitalCellException(entry.ManifestPath, $"obs['{column}'] row {cell}", $"data set '{entry.Id}': {e.Message}", e);
                    }
                    canonicalByLabel[raw] = perturbation;
                }
                isControl[cell] = perturbation.IsControl;
                labels[cell] = perturbation.IsControl ? ControlLabel : string.Join("+", perturbation.Targets);
            }

            var obs = data.Obs;
            if (obs.Contains(PerturbationColumn) && Enumerable.Range(0, labels.Length).Any(i => obs[PerturbationColumn].GetText(i) != labels[i]))
                obs = obs.With(obs[PerturbationColumn].Rename("perturbation_source"));
            obs = obs.With(CategoricalColumn.FromLabels(PerturbationColumn, labels)).With(new BooleanColumn("is_control", isControl));
            return data.WithObs(obs).WithUns("catalog", Provenance(entry, sha256)).WithSource(SourcePrefix + entry.Id);
        }
    }

    extension(CellDataset data)
    {
        /// <summary>The catalog id these cells were read as (by id or by a path to a catalog file), or null.</summary>
        public string? CatalogId => data.Source is { } source && source.StartsWith(SourcePrefix, StringComparison.Ordinal) ? source[SourcePrefix.Length..] : null;
    }

    private const string SourcePrefix = "catalog:";

    /// <summary>
    /// The input record of cells loaded through the catalog, from what <see cref="ApplySchema"/> wrote into
    /// <c>uns["catalog"]</c> (id and the verified sha256, so nothing is hashed again); null when the cells did not come
    /// through the catalog or their checksum was not recorded.
    /// </summary>
    /// <param name="data">Cells returned by <c>DatasetCatalog.Load</c> (or mapped with <see cref="ApplySchema"/> and a checksum).</param>
    /// <param name="subset">The subset applied after loading, or null.</param>
    public static Records.InputRecord? CatalogInput(CellDataset data, string? subset = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Uns.TryGetValue("catalog", out var value) && value is IReadOnlyDictionary<string, object> record
               && record.TryGetValue("id", out var id) && record.TryGetValue("sha256", out var sha256)
            ? new Records.InputRecord((string)id, (string)id, (string)sha256, subset)
            : null;
    }

    private static Dictionary<string, object> Provenance(DatasetEntry entry, string? sha256)
    {
        var record = new Dictionary<string, object>
        {
            ["id"] = entry.Id,
            ["title"] = entry.Title,
            ["citation"] = entry.Citation.ToString(),
            ["doi"] = entry.Citation.Doi,
            ["license"] = entry.License,
            ["perturbation_kind"] = entry.PerturbationKind,
            ["source_perturbation_column"] = entry.Schema.PerturbationColumn,
            ["source_control_labels"] = entry.Schema.ControlLabels.ToArray(),
        };
        if (entry.Via is not null) record["via"] = entry.Via;
        if (sha256 is not null) record["sha256"] = sha256;
        return record;
    }
}
