using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// What a model is fitted on: a dataset (X log1p-normalised, one perturbation label per cell), its schema, and which
/// labels are for training and which for validation. Test labels are never given to a model.
/// </summary>
public sealed class PerturbationTrainingSet
{
    private readonly string[] _cellLabels;
    private readonly Dictionary<string, int[]> _cellsByLabel;

    /// <summary>Creates a training set.</summary>
    /// <param name="data">The cells: controls plus at least the training perturbations (other cells are ignored).</param>
    /// <param name="schema">How perturbations are recorded in <paramref name="data"/>.</param>
    /// <param name="trainPerturbations">Labels to fit on (controls are always available and need not be listed).</param>
    /// <param name="validationPerturbations">Labels for early stopping; may be empty.</param>
    /// <param name="dataId">Identifier of the data for the model card (catalog id or file name).</param>
    /// <param name="dataSha256">SHA-256 of the data file for the model card, when known.</param>
    /// <exception cref="DigitalCellException">The perturbation column is missing, there are no control cells, or a listed label has no cells.</exception>
    public PerturbationTrainingSet(CellDataset data, PerturbationSchema schema, IReadOnlyList<string> trainPerturbations,
        IReadOnlyList<string>? validationPerturbations = null, string? dataId = null, string? dataSha256 = null)
    {
        Data = data ?? throw new ArgumentNullException(nameof(data));
        Schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _cellLabels = CellLabels(data, schema.PerturbationColumn);
        CellContexts = schema.ContextColumn is string context ? CellLabels(data, context) : null;
        _cellsByLabel = _cellLabels.Select((label, cell) => (label, cell)).GroupBy(x => x.label, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.cell).ToArray(), StringComparer.Ordinal);
        TrainPerturbations = Distinct(trainPerturbations ?? throw new ArgumentNullException(nameof(trainPerturbations)), "training");
        ValidationPerturbations = Distinct(validationPerturbations ?? Array.Empty<string>(), "validation");
        ControlCells = schema.ControlLabels.SelectMany(l => _cellsByLabel.GetValueOrDefault(l, Array.Empty<int>())).Order().ToArray();
        if (ControlCells.Count == 0)
            throw new DigitalCellException($"Column '{schema.PerturbationColumn}': no control cells (labels {string.Join(", ", schema.ControlLabels.Select(l => $"'{l}'"))}); " +
                "baselines and delta metrics need control cells. Pass the right control label.");
        DataId = dataId ?? data.Source;
        DataSha256 = dataSha256;
    }

    /// <summary>Builds the training set of a split: its train and validation labels, and the controls it names.</summary>
    public static PerturbationTrainingSet FromSplit(CellDataset data, PerturbationSchema schema, PerturbationSplit split, string? dataId = null, string? dataSha256 = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        var effective = split.Controls.Count > 0 ? schema with { ControlLabels = split.Controls } : schema;
        return new PerturbationTrainingSet(data, effective, split.Train, split.Validation, dataId ?? split.DataId, dataSha256);
    }

    /// <summary>The cells (all of them; use <see cref="CellsOf"/> and <see cref="ControlCells"/> to select).</summary>
    public CellDataset Data { get; }

    /// <summary>How perturbations are recorded.</summary>
    public PerturbationSchema Schema { get; }

    /// <summary>Labels to fit on.</summary>
    public IReadOnlyList<string> TrainPerturbations { get; }

    /// <summary>Labels for early stopping.</summary>
    public IReadOnlyList<string> ValidationPerturbations { get; }

    /// <summary>Positions of the control cells.</summary>
    public IReadOnlyList<int> ControlCells { get; }

    /// <summary>Gene names, the column order of every prediction.</summary>
    public IReadOnlyList<string> Genes => Data.GeneNames;

    /// <summary>Identifier of the training data, for the model card.</summary>
    public string? DataId { get; }

    /// <summary>SHA-256 of the training data file, when known.</summary>
    public string? DataSha256 { get; }

    /// <summary>The perturbation label of every cell.</summary>
    public IReadOnlyList<string> CellPerturbationLabels => _cellLabels;

    /// <summary>The context (cell line, type or donor) of every cell, or null when the schema has no context column.</summary>
    public IReadOnlyList<string>? CellContexts { get; }

    /// <summary>Positions of the cells carrying <paramref name="label"/> (empty if none).</summary>
    public IReadOnlyList<int> CellsOf(string label) => _cellsByLabel.GetValueOrDefault(label, Array.Empty<int>());

    /// <summary>Parses a label with the schema.</summary>
    public Perturbation Parse(string label) => Perturbation.Parse(label, Schema);

    /// <summary>The labels of a string or categorical obs column, with a clear error when absent or incomplete.</summary>
    internal static string[] CellLabels(CellDataset data, string column)
    {
        if (!data.Obs.Contains(column))
            throw new DigitalCellException($"obs has no perturbation column '{column}'. Available: {string.Join(", ", data.Obs.ColumnNames)}.");
        var col = data.Obs[column];
        var labels = new string[data.CellCount];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = col.GetValue(i)?.ToString()
                ?? throw new DigitalCellException($"obs column '{column}': cell '{data.CellNames[i]}' (row {i}) has no perturbation label.");
        return labels;
    }

    private string[] Distinct(IReadOnlyList<string> labels, string fold)
    {
        var result = labels.Distinct(StringComparer.Ordinal).ToArray();
        var missing = result.Where(l => !_cellsByLabel.ContainsKey(l)).ToArray();
        if (missing.Length > 0)
            throw new DigitalCellException($"Column '{Schema.PerturbationColumn}': {fold} perturbation(s) with no cells: {string.Join(", ", missing.Take(10))}.");
        return result;
    }
}
