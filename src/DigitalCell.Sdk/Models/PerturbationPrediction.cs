using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// A model's answer: one predicted mean expression profile (pseudobulk, in the training X space) per requested
/// perturbation, and, when the model can, sampled cells.
/// </summary>
public sealed class PerturbationPrediction
{
    private readonly Dictionary<string, int> _rowByKey;

    /// <summary>Creates a prediction after checking shapes.</summary>
    /// <param name="model">Name of the model that made it.</param>
    /// <param name="perturbations">The perturbations, one per row of <paramref name="means"/>.</param>
    /// <param name="genes">Gene names, one per column of <paramref name="means"/>.</param>
    /// <param name="means">Predicted mean profiles (perturbations × genes).</param>
    /// <param name="cells">Optional sampled cells, with the perturbation labels in obs column <c>perturbation</c>.</param>
    /// <exception cref="DigitalCellException">Shapes disagree or a perturbation is listed twice.</exception>
    public PerturbationPrediction(string model, IReadOnlyList<Perturbation> perturbations, IReadOnlyList<string> genes, DenseCellMatrix means, CellDataset? cells = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Perturbations = perturbations ?? throw new ArgumentNullException(nameof(perturbations));
        Genes = genes ?? throw new ArgumentNullException(nameof(genes));
        Means = means ?? throw new ArgumentNullException(nameof(means));
        if (means.RowCount != perturbations.Count || means.ColumnCount != genes.Count)
            throw new DigitalCellException($"Prediction of '{model}': means are {means.RowCount} × {means.ColumnCount} but there are {perturbations.Count} perturbations × {genes.Count} genes.");
        if (cells is not null && cells.GeneCount != genes.Count)
            throw new DigitalCellException($"Prediction of '{model}': sampled cells have {cells.GeneCount} genes, expected {genes.Count}.");
        Cells = cells;
        _rowByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < perturbations.Count; i++)
            if (!_rowByKey.TryAdd(perturbations[i].Key, i))
                throw new DigitalCellException($"Prediction of '{model}': perturbation '{perturbations[i].Label}' is listed twice.");
    }

    /// <summary>Name of the model.</summary>
    public string Model { get; }

    /// <summary>The predicted perturbations, in row order.</summary>
    public IReadOnlyList<Perturbation> Perturbations { get; }

    /// <summary>Gene names, in column order.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>Predicted mean expression (perturbations × genes).</summary>
    public DenseCellMatrix Means { get; }

    /// <summary>
    /// How the model answered where it could not use what it learned for a perturbation (e.g. a target that is not a
    /// measured gene predicted as the mean training change, or embedded from a gene prior); benchmarks list them in
    /// the report's notes.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Sampled cells (obs column <c>perturbation</c>), or null when the model predicts means only.</summary>
    public CellDataset? Cells { get; }

    /// <summary>The predicted mean profile of <paramref name="perturbation"/>.</summary>
    /// <exception cref="DigitalCellException">The perturbation was not predicted.</exception>
    public ReadOnlySpan<float> Profile(Perturbation perturbation) =>
        _rowByKey.TryGetValue(perturbation.Key, out int row) ? Means.Row(row)
        : throw new DigitalCellException($"Prediction of '{Model}' has no profile for '{perturbation.Label}'.");
}
