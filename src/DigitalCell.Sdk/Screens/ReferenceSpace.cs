using System.Globalization;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// The space a distance to a reference state is measured in: log-normalised expression of the most variable genes
/// (over start + reference cells, among the genes the model predicts), optionally projected on their first principal
/// components (fitted on the same cells, centred, not scaled).
/// </summary>
/// <param name="VariableGenes">Most variable genes kept (0 = all shared genes).</param>
/// <param name="Components">Principal components (0 = no projection: Euclidean distance in expression).</param>
public sealed record ReferenceSpace(int VariableGenes = 2000, int Components = 0)
{
    /// <summary>Reads <c>hvg[:N]</c> or <c>pca[:K]</c> (K components of the top-2,000 variable genes).</summary>
    /// <exception cref="DigitalCellException">Another form.</exception>
    public static ReferenceSpace Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':', 2, StringSplitOptions.TrimEntries);
        int? n = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : null;
        if (parts.Length == 2 && n is null) throw new DigitalCellException($"--space '{spec}': the number after ':' must be a positive integer.");
        return parts[0].ToLowerInvariant() switch
        {
            "hvg" => new ReferenceSpace(n ?? 2000),
            "pca" => new ReferenceSpace(2000, n ?? 20),
            _ => throw new DigitalCellException($"--space '{spec}': expected hvg[:GENES] or pca[:COMPONENTS]."),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Components > 0
        ? string.Create(CultureInfo.InvariantCulture, $"PCA-{Components} of the top-{VariableGenes} variable genes (log-normalised)")
        : VariableGenes > 0 ? string.Create(CultureInfo.InvariantCulture, $"log-normalised expression of the top-{VariableGenes} variable genes") : "log-normalised expression of all shared genes";
}
