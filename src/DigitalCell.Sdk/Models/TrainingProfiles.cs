using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The pseudobulk view of a training set that the baselines fit on: the control mean and, per training perturbation,
/// its parsed form, cell count and mean profile (the pseudobulk: arithmetic mean of X over its cells).
/// </summary>
internal sealed class TrainingProfiles
{
    private TrainingProfiles(string[] genes, double[] control, IReadOnlyList<TrainingProfile> perturbations)
    {
        Genes = genes;
        Control = control;
        Perturbations = perturbations;
    }

    public string[] Genes { get; }

    public double[] Control { get; }

    public IReadOnlyList<TrainingProfile> Perturbations { get; }

    public static TrainingProfiles From(PerturbationTrainingSet train)
    {
        var bulk = train.Data.Pseudobulk(train.Schema.PerturbationColumn);
        var perturbations = train.TrainPerturbations
            .Select(label => (Label: label, Parsed: train.Parse(label)))
            .Where(p => !p.Parsed.IsControl)
            .Select(p => new TrainingProfile(p.Label, p.Parsed, train.CellsOf(p.Label).Count, Mean(bulk, p.Label)))
            .ToArray();
        if (perturbations.Length == 0)
            throw new DigitalCellException($"Column '{train.Schema.PerturbationColumn}': the training set has no non-control perturbations to fit on.");
        // Several control labels (e.g. two non-targeting guide families) pool into one control mean, weighted by cells.
        var control = new double[train.Genes.Count];
        foreach (var label in train.Schema.ControlLabels.Where(l => train.CellsOf(l).Count > 0))
        {
            double w = train.CellsOf(label).Count / (double)train.ControlCells.Count;
            var m = Mean(bulk, label);
            for (int g = 0; g < control.Length; g++) control[g] += w * m[g];
        }
        return new TrainingProfiles(train.Genes.ToArray(), control, perturbations);
    }

    /// <summary>The mean profile of all rows of <paramref name="cells"/> (e.g. a context's control cells).</summary>
    public static double[] MeanOfAll(CellMatrix cells, IReadOnlyList<string> genes)
    {
        if (cells.RowCount == 0) throw new DigitalCellException("Cannot average an empty group of cells.");
        var bulk = PseudobulkAggregation.Compute(cells, Enumerable.Repeat<string?>("all", cells.RowCount).ToArray(), genes);
        return Mean(bulk, "all");
    }

    private static double[] Mean(PseudobulkProfiles bulk, string label)
    {
        var profile = bulk.Profile(label);
        var mean = new double[profile.Length];
        for (int g = 0; g < mean.Length; g++) mean[g] = profile[g];
        return mean;
    }
}

/// <summary>One training perturbation's pseudobulk.</summary>
internal sealed record TrainingProfile(string Label, Perturbation Perturbation, int Cells, double[] Mean);
