using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Benchmarks;

/// <summary>
/// Leave-one-perturbation-out as one pooled benchmark: the split trains and tests on every perturbation, and this
/// wrapper predicts each perturbation with a fresh copy of the model fitted on all the others, so no prediction has
/// seen its own perturbation and every model is scored on the same 25 perturbations at once (a one-perturbation test
/// set has no discrimination score). The copy is made from the model's name, or, for the prior models, its options.
/// </summary>
internal sealed class LeaveOneOutModel(IPerturbationModel template) : IPerturbationModel
{
    private PerturbationTrainingSet? _train;

    public string Name => template.Name;

    public ModelCard Card => template.Card;

    public bool IsFitted => _train is not null;

    /// <summary>The pooled split: every perturbation both trains and is tested (the wrapper keeps them apart).</summary>
    public static PerturbationSplit Split(CellDataset data, PerturbationSchema schema)
    {
        var labels = Enumerable.Range(0, data.CellCount).Select(i => data.Obs[schema.PerturbationColumn].GetText(i)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        var perturbed = labels.Where(l => !schema.IsControlLabel(l)).ToList();
        return new PerturbationSplit("leave-one-out", 0, perturbed, [], perturbed, labels.Where(schema.IsControlLabel).ToList())
        {
            PerturbationColumn = schema.PerturbationColumn,
            DataId = data.Source,
        };
    }

    public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default) => _train = train;

    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
    {
        var train = _train ?? throw new DigitalCellException($"Model '{Name}' is not fitted.");
        PerturbationPrediction? last = null;
        var rows = new List<float[]>();
        var notes = new List<string>();
        foreach (var p in perturbations)
        {
            var model = Fresh();
            model.Fit(new PerturbationTrainingSet(train.Data, train.Schema, train.TrainPerturbations.Where(l => l != p.Label).ToArray(), dataId: train.DataId));
            last = model.Predict([p], context);
            rows.Add(last.Means.Row(0).ToArray());
            notes.AddRange(last.Notes);
        }
        var genes = last?.Genes ?? [];
        var means = new float[rows.Count * genes.Count];
        for (int i = 0; i < rows.Count; i++) rows[i].CopyTo(means, i * genes.Count);
        return new PerturbationPrediction(Name, perturbations, genes, new DenseCellMatrix(rows.Count, genes.Count, means)) { Notes = notes.Distinct().ToArray() };
    }

    private IPerturbationModel Fresh() => template switch
    {
        PriorRidgeModel r => new PriorRidgeModel(r.Options),
        PriorMlpModel m => new PriorMlpModel(m.Options),
        LinearTransferModel t => new LinearTransferModel(t.Source, t.Options),
        PriorLinearModel l => new PriorLinearModel(l.Options),
        _ => Baselines.Create(template.Name),
    };

    public void Save(string directory) => throw new NotSupportedException("a leave-one-out evaluation wrapper is not saved");
}
