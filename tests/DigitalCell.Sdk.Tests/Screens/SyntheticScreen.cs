using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Tests.Screens;

/// <summary>
/// A small synthetic screen whose answers are known by construction: genes P1–P3 form the program, every cell sits at
/// 2.0 (± a fixed ripple), and each knockout shifts the program genes by a chosen amount (its own target to 0).
/// </summary>
internal static class SyntheticScreen
{
    public static readonly string[] Genes = ["P1", "P2", "P3", "O1", "O2", "A", "B", "C", "D", "E"];

    /// <summary>Program shift per knockout: A and E are the "known hits".</summary>
    public static readonly IReadOnlyDictionary<string, double> Shift = new Dictionary<string, double>
    {
        ["A"] = -1.0, ["B"] = -0.5, ["C"] = 0.3, ["D"] = 0.0, ["E"] = -0.8,
    };

    public static readonly PerturbationSchema Schema = new("perturbation", "control", PerturbationMode.Knockout);

    /// <summary>20 control cells and 10 cells per knockout.</summary>
    public static CellDataset Data()
    {
        var labels = Enumerable.Repeat("control", 20).Concat(Shift.Keys.SelectMany(k => Enumerable.Repeat(k, 10))).ToArray();
        var x = new float[labels.Length * Genes.Length];
        for (int c = 0; c < labels.Length; c++)
            for (int g = 0; g < Genes.Length; g++)
            {
                // A ripple that averages to zero over each group of 10 cells keeps group means exact.
                double value = 2.0 + 0.1 * ((c % 10) - 4.5) / 4.5;
                if (labels[c] != "control" && g < 3) value += Shift[labels[c]];
                if (Genes[g] == labels[c]) value = 0;
                x[c * Genes.Length + g] = (float)value;
            }
        var obs = new AnnotationTable("obs", labels.Select((_, i) => $"cell{i}").ToArray(), [CategoricalColumn.FromLabels("perturbation", labels)]);
        return new CellDataset(new DenseCellMatrix(labels.Length, Genes.Length, x), obs, new AnnotationTable("var", Genes));
    }

    public static CellDataset Controls(CellDataset data) =>
        data.SelectCells(Enumerable.Range(0, data.CellCount).Where(i => data.Obs["perturbation"].GetValue(i)?.ToString() == "control").ToArray());
}

/// <summary>
/// A model with hand-set answers: each target shifts the program genes by <c>shift × scale</c>; an unknown target
/// moves nothing. Fitting records the training labels (to check what a validation held out) and learns the shifts
/// of the labels it sees, predicting the mean learned shift for a label it did not see.
/// </summary>
internal sealed class KnownEffectsModel(double scale = 1, bool learn = false) : IPerturbationModel
{
    private readonly Dictionary<string, double> _shift = learn ? new() : SyntheticScreen.Shift.ToDictionary(k => k.Key, k => k.Value * scale);

    public static readonly System.Collections.Concurrent.ConcurrentBag<(string[] Trained, string Name)> Fits = [];

    public string Name => "known-effects";

    public ModelCard Card { get; } = new("known-effects", "test/known-effects");

    public bool IsFitted { get; private set; } = !learn;

    public IReadOnlyList<string> Trained { get; private set; } = [];

    public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Trained = train.TrainPerturbations;
        Fits.Add((train.TrainPerturbations.ToArray(), Name));
        double control = train.ControlCells.Average(c => (double)train.Data.X[c, 0]);
        foreach (var label in train.TrainPerturbations)
            _shift[label] = train.CellsOf(label).Average(c => (double)train.Data.X[c, 0]) - control;
        IsFitted = true;
    }

    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
    {
        var genes = SyntheticScreen.Genes;
        var control = new float[genes.Length];
        if (context?.ControlCells is { } cells) cells.CopyRow(0, control); else Array.Fill(control, 2f);
        double unseen = _shift.Count == 0 ? 0 : _shift.Values.Average();
        var means = new float[perturbations.Count * genes.Length];
        for (int i = 0; i < perturbations.Count; i++)
            for (int g = 0; g < genes.Length; g++)
            {
                var p = perturbations[i];
                double shift = p.IsControl ? 0 : p.Targets.Sum(t => _shift.TryGetValue(t, out double s) ? s : learn ? unseen : 0);
                means[i * genes.Length + g] = p.Targets.Contains(genes[g]) ? 0 : (float)(control[g] + (g < 3 ? shift : 0));
            }
        return new PerturbationPrediction(Name, perturbations, genes, new DenseCellMatrix(perturbations.Count, genes.Length, means));
    }

    public void Save(string directory) => throw new NotSupportedException();
}
