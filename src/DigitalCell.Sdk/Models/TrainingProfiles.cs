using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The pseudobulk view of a training set that the baselines fit on: the control mean and, per training perturbation,
/// its parsed form, cell count and mean profile (arithmetic mean of X over its cells, in double precision).
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
        var x = train.Data.X;
        var perturbations = train.TrainPerturbations
            .Select(label => (Label: label, Parsed: train.Parse(label)))
            .Where(p => !p.Parsed.IsControl)
            .Select(p => new TrainingProfile(p.Label, p.Parsed, train.CellsOf(p.Label).Count, MeanOfRows(x, train.CellsOf(p.Label))))
            .ToArray();
        if (perturbations.Length == 0)
            throw new DigitalCellException($"Column '{train.Schema.PerturbationColumn}': the training set has no non-control perturbations to fit on.");
        return new TrainingProfiles(train.Genes.ToArray(), MeanOfRows(x, train.ControlCells), perturbations);
    }

    /// <summary>Arithmetic mean of the given rows, accumulated in double (X itself is float32).</summary>
    public static double[] MeanOfRows(CellMatrix x, IReadOnlyList<int> rows)
    {
        if (rows.Count == 0) throw new DigitalCellException("Cannot average an empty group of cells.");
        var sum = new double[x.ColumnCount];
        var row = new float[x.ColumnCount];
        foreach (int r in rows)
        {
            x.CopyRow(r, row);
            for (int g = 0; g < row.Length; g++) sum[g] += row[g];
        }
        for (int g = 0; g < sum.Length; g++) sum[g] /= rows.Count;
        return sum;
    }
}

/// <summary>One training perturbation's pseudobulk.</summary>
internal sealed record TrainingProfile(string Label, Perturbation Perturbation, int Cells, double[] Mean);
