using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Tests.Scoring;

public class SanityChecksTests
{
    private static readonly string[] Genes = ["IRF1", "GBP1", "ACTB", "CXCL10"];
    private static readonly PerturbationSchema Schema = new("perturbation", "control");

    /// <summary>Four control cells (two kinds, alternating) and two STAT1 cells that lower IRF1 and GBP1 by 1 and raise ACTB by 3.</summary>
    private static CellDataset Cells()
    {
        var x = new float[,]
        {
            { 2, 2, 5, 1 }, { 4, 2, 5, 1 }, { 2, 2, 5, 1 }, { 4, 2, 5, 1 }, // controls: mean 3, 2, 5, 1
            { 2, 1, 8, 1 }, { 2, 1, 8, 1 },                                 // STAT1: IRF1 −1, GBP1 −1, ACTB +3
        };
        var data = CellDataset.FromMatrix(DenseCellMatrix.From(x), ["c1", "c2", "c3", "c4", "s1", "s2"], Genes);
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", ["control", "control", "control", "control", "STAT1", "STAT1"])));
    }

    /// <summary>Predicts the control mean shifted by <paramref name="shift"/> for every perturbation.</summary>
    private sealed class Shifted(float[] shift) : IPerturbationModel
    {
        public string Name => "shifted";
        public ModelCard Card => new(Name, "test/shifted");
        public bool IsFitted => true;
        public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default) { }
        public void Save(string directory) => throw new NotSupportedException();
        public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
        {
            var means = new float[perturbations.Count, Genes.Length];
            float[] control = [3, 2, 5, 1];
            for (int p = 0; p < perturbations.Count; p++)
                for (int g = 0; g < Genes.Length; g++) means[p, g] = control[g] + shift[g];
            return new PerturbationPrediction(Name, perturbations, Genes, DenseCellMatrix.From(means));
        }
    }

    [Test]
    public void An_unchanged_control_passes_and_a_shifted_one_fails_against_the_split_half_distance()
    {
        var unchanged = SanityChecks.ControlUnchanged(new Shifted([0, 0, 0, 0]), Cells(), Schema);
        var shifted = SanityChecks.ControlUnchanged(new Shifted([3, 0, 0, 4]), Cells(), Schema);

        // Halves of {2, 4, 2, 4} in IRF1 (other genes constant) have means (3, 3) or (2, 4)/(4, 2): distance 0 or 2.
        Assert.That(unchanged.ControlCells, Is.EqualTo(4));
        Assert.That(unchanged.ReplicateDistance, Is.EqualTo(0).Or.EqualTo(1).Or.EqualTo(2), "the median of distances 0 and 2");
        Assert.That((unchanged.PredictionDistance, unchanged.Passed), Is.EqualTo((0.0, true)));
        Assert.That(shifted.PredictionDistance, Is.EqualTo(5.0).Within(1e-9), "sqrt(3² + 4²)");
        Assert.That(shifted.Passed, Is.False);
    }

    [Test]
    public void A_knockout_points_the_right_way_when_its_response_genes_move_as_measured()
    {
        string[] response = ["IRF1", "GBP1", "NOT-MEASURED"];
        var right = SanityChecks.Direction(new Shifted([-0.5f, -0.1f, 9, 9]), Cells(), Schema, ["STAT1"], response).Single();
        var wrong = SanityChecks.Direction(new Shifted([0.5f, 0.1f, -9, -9]), Cells(), Schema, ["STAT1"], response).Single();

        Assert.That(right.ResponseGenes, Is.EqualTo(2), "genes the model does not predict are ignored; ACTB and CXCL10 are not response genes");
        Assert.That(right.MeasuredChange, Is.EqualTo(-1.0).Within(1e-9), "mean of IRF1 2−3 and GBP1 1−2");
        Assert.That(right.PredictedChange, Is.EqualTo(-0.3).Within(1e-6));
        Assert.That((right.Passed, wrong.Passed), Is.EqualTo((true, false)));
        Assert.That(() => SanityChecks.Direction(new Shifted([0, 0, 0, 0]), Cells(), Schema, ["JAK2"], response),
            Throws.TypeOf<DigitalCellException>().With.Message.Contain("'JAK2' has no cells"));
    }
}
