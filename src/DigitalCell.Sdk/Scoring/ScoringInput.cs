using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// Everything the metrics compare for one model, over the same perturbations and genes: real and predicted pseudobulk
/// means (log1p space, double precision), each side's control mean, and optionally DE tables, cells, the GEARS top-DE
/// genes and Systema's perturbed reference. Built by <c>Benchmark</c> or <c>ScoringInputBuilder</c>; metrics that need
/// a missing part report a clear error.
/// </summary>
public sealed class ScoringInput
{
    /// <summary>Creates the input after checking that every profile has one value per gene.</summary>
    /// <param name="perturbations">Non-control perturbation labels, in scoring order (cell-eval sorts them ordinally).</param>
    /// <param name="genes">Gene names.</param>
    /// <param name="realMeans">Observed mean profile per perturbation.</param>
    /// <param name="predictedMeans">Predicted mean profile per perturbation.</param>
    /// <param name="realControl">Observed control mean.</param>
    /// <param name="predictedControl">The prediction's own control mean (cell-eval compares each side to its own control).</param>
    /// <exception cref="DigitalCellException">Shapes disagree, a perturbation repeats, or a profile holds NaN/∞.</exception>
    public ScoringInput(IReadOnlyList<string> perturbations, IReadOnlyList<string> genes,
        IReadOnlyList<double[]> realMeans, IReadOnlyList<double[]> predictedMeans, double[] realControl, double[] predictedControl)
    {
        Perturbations = perturbations ?? throw new ArgumentNullException(nameof(perturbations));
        Genes = genes ?? throw new ArgumentNullException(nameof(genes));
        if (perturbations.Count == 0) throw new DigitalCellException("Scoring needs at least one non-control perturbation.");
        if (perturbations.Distinct(StringComparer.Ordinal).Count() != perturbations.Count)
            throw new DigitalCellException("Scoring: a perturbation is listed twice.");
        if (realMeans.Count != perturbations.Count || predictedMeans.Count != perturbations.Count)
            throw new DigitalCellException($"Scoring: {perturbations.Count} perturbations but {realMeans.Count} real and {predictedMeans.Count} predicted profiles.");
        RealMeans = realMeans;
        PredictedMeans = predictedMeans;
        RealControl = realControl;
        PredictedControl = predictedControl;
        Check(realControl, "real control mean", "real");
        Check(predictedControl, "predicted control mean", "predicted");
        for (int i = 0; i < perturbations.Count; i++)
        {
            Check(realMeans[i], $"real mean of '{perturbations[i]}'", "real");
            Check(predictedMeans[i], $"predicted mean of '{perturbations[i]}'", "predicted");
        }
    }

    /// <summary>Non-control perturbation labels, in scoring order.</summary>
    public IReadOnlyList<string> Perturbations { get; }

    /// <summary>Gene names.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>Observed mean profile per perturbation.</summary>
    public IReadOnlyList<double[]> RealMeans { get; }

    /// <summary>Predicted mean profile per perturbation.</summary>
    public IReadOnlyList<double[]> PredictedMeans { get; }

    /// <summary>Observed control mean.</summary>
    public double[] RealControl { get; }

    /// <summary>The prediction's control mean.</summary>
    public double[] PredictedControl { get; }

    /// <summary>Observed DE table per perturbation (same order as <see cref="Perturbations"/>), for the DE metrics.</summary>
    public IReadOnlyList<DifferentialExpressionTable>? RealDifferentialExpression { get; init; }

    /// <summary>Predicted DE table per perturbation, for the DE metrics.</summary>
    public IReadOnlyList<DifferentialExpressionTable>? PredictedDifferentialExpression { get; init; }

    /// <summary>GEARS' top DE genes per perturbation (gene positions, best first), for <c>pearson_delta_top20_de</c> and <c>mse_top20_de</c>.</summary>
    public IReadOnlyList<int[]>? TopDifferentiallyExpressedGenes { get; init; }

    /// <summary>Systema's reference: the mean of the training perturbations' centroids (perturbed, not control).</summary>
    public double[]? PerturbedReference { get; init; }

    /// <summary>Observed cells per perturbation and control, for the E-distance metric.</summary>
    public ScoringCells? RealCells { get; init; }

    /// <summary>Predicted cells per perturbation and control, for the E-distance metric.</summary>
    public ScoringCells? PredictedCells { get; init; }

    /// <summary>Δ_real(p) = real mean − real control.</summary>
    public double[] RealDelta(int p) => Subtract(RealMeans[p], RealControl);

    /// <summary>Δ_pred(p) = predicted mean − predicted control.</summary>
    public double[] PredictedDelta(int p) => Subtract(PredictedMeans[p], PredictedControl);

    internal T Require<T>(T? part, string what, string metric) where T : class =>
        part ?? throw new DigitalCellException($"Metric '{metric}' needs {what}, which this scoring input does not have.");

    private void Check(double[] profile, string what, string side)
    {
        if (profile is null) throw new DigitalCellException($"Scoring: {what} is missing.");
        if (profile.Length != Genes.Count)
            throw new DigitalCellException($"Scoring: {what} has {profile.Length} genes, expected {Genes.Count} (genes missing from the {side} data?).");
        for (int g = 0; g < profile.Length; g++)
            if (!double.IsFinite(profile[g]))
                throw new DigitalCellException($"Scoring: {what} is {profile[g]} at gene '{Genes[g]}'; {side} profiles must be finite (NaN predictions are not scored).");
    }

    private static double[] Subtract(double[] a, double[] b)
    {
        var d = new double[a.Length];
        for (int i = 0; i < d.Length; i++) d[i] = a[i] - b[i];
        return d;
    }
}

/// <summary>Cells of each perturbation (same order as the scoring input) and of the control, for cell-level metrics.</summary>
/// <param name="Perturbations">One cells × genes matrix per perturbation.</param>
/// <param name="Control">The control cells.</param>
public sealed record ScoringCells(IReadOnlyList<CellMatrix> Perturbations, CellMatrix Control);
