using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;

namespace DigitalCell.Sdk.Registry;

/// <summary>What a registry record says about the cells themselves, read from the data: counts and the obs/var columns.</summary>
/// <param name="Cells">Number of cells (rows of X).</param>
/// <param name="Genes">Number of genes (columns of X).</param>
/// <param name="Obs">Per-cell columns: name and type (<c>categorical</c>, <c>string</c>, <c>float32</c>, <c>bool</c>, …).</param>
/// <param name="Var">Per-gene columns: name and type.</param>
/// <param name="Perturbations">Distinct labels of the perturbation column (controls included), or null when it is not known.</param>
public sealed record DatasetContents(int Cells, int Genes, IReadOnlyList<(string Name, string Type)> Obs, IReadOnlyList<(string Name, string Type)> Var, int? Perturbations)
{
    /// <summary>Describes loaded cells; <paramref name="perturbationColumn"/> (when present) is counted.</summary>
    public static DatasetContents Of(CellDataset data, string? perturbationColumn = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Of(data.CellCount, data.GeneCount, data.Obs, data.Var, perturbationColumn);
    }

    /// <summary>Reads the counts and columns of a file without loading X (h5ad is opened backed; other formats are read).</summary>
    /// <exception cref="DigitalCellException">The file cannot be read as cells.</exception>
    public static DatasetContents Read(string path, string? perturbationColumn = null)
    {
        if (path.EndsWith(".h5ad", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var backed = H5adFile.OpenBacked(path);
                return Of(backed.CellCount, backed.GeneCount, backed.Obs, backed.Var, perturbationColumn);
            }
            catch (DigitalCellException)
            {
                // Backed access needs row-major X; anything else is read in full below.
            }
        }
        return Of(CellDatasetFiles.ReadAsStored(path), perturbationColumn);
    }

    private static DatasetContents Of(int cells, int genes, AnnotationTable obs, AnnotationTable var, string? perturbationColumn)
    {
        int? perturbations = perturbationColumn is not null && obs.Contains(perturbationColumn)
            ? Enumerable.Range(0, obs.RowCount).Select(obs[perturbationColumn].GetText).Distinct(StringComparer.Ordinal).Count()
            : null;
        return new DatasetContents(cells, genes, [.. obs.Columns.Select(c => (c.Name, c.TypeName))], [.. var.Columns.Select(c => (c.Name, c.TypeName))], perturbations);
    }
}
