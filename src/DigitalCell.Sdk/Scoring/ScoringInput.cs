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
    /// <summary>Creates the input of one context (or data without contexts) after checking that every profile has one value per gene.</summary>
    /// <param name="perturbations">Non-control perturbation labels, in scoring order (cell-eval sorts them ordinally).</param>
    /// <param name="genes">Gene names.</param>
    /// <param name="realMeans">Observed mean profile per perturbation.</param>
    /// <param name="predictedMeans">Predicted mean profile per perturbation.</param>
    /// <param name="realControl">Observed control mean.</param>
    /// <param name="predictedControl">The prediction's own control mean (cell-eval compares each side to its own control).</param>
    /// <exception cref="DigitalCellException">Shapes disagree, a perturbation repeats, or a profile holds NaN/∞.</exception>
    public ScoringInput(IReadOnlyList<string> perturbations, IReadOnlyList<string> genes,
        IReadOnlyList<double[]> realMeans, IReadOnlyList<double[]> predictedMeans, double[] realControl, double[] predictedControl)
        : this((perturbations ?? throw new ArgumentNullException(nameof(perturbations))).Select(p => new ScoringUnit(p, null)).ToArray(), genes,
            realMeans, predictedMeans, perturbations.Select(_ => realControl).ToArray(), perturbations.Select(_ => predictedControl).ToArray())
    {
    }

    /// <summary>
    /// Creates the input of (context, perturbation) units, each compared with its own context's controls: a
    /// perturbation's effect is only measured against controls of the same cell line, type or donor.
    /// </summary>
    /// <param name="units">The scored units, in scoring order.</param>
    /// <param name="genes">Gene names.</param>
    /// <param name="realMeans">Observed mean profile per unit.</param>
    /// <param name="predictedMeans">Predicted mean profile per unit.</param>
    /// <param name="realControls">Observed control mean of each unit's context.</param>
    /// <param name="predictedControls">The prediction's control mean of each unit's context.</param>
    /// <exception cref="DigitalCellException">Shapes disagree, a unit repeats, or a profile holds NaN/∞.</exception>
    public ScoringInput(IReadOnlyList<ScoringUnit> units, IReadOnlyList<string> genes, IReadOnlyList<double[]> realMeans,
        IReadOnlyList<double[]> predictedMeans, IReadOnlyList<double[]> realControls, IReadOnlyList<double[]> predictedControls)
    {
        Units = units ?? throw new ArgumentNullException(nameof(units));
        Genes = genes ?? throw new ArgumentNullException(nameof(genes));
        Perturbations = units.Select(u => u.Id).ToArray();
        if (units.Count == 0) throw new DigitalCellException("Scoring needs at least one non-control perturbation.");
        if (Perturbations.Distinct(StringComparer.Ordinal).Count() != units.Count)
            throw new DigitalCellException("Scoring: a perturbation is listed twice.");
        if (realMeans.Count != units.Count || predictedMeans.Count != units.Count || realControls.Count != units.Count || predictedControls.Count != units.Count)
            throw new DigitalCellException($"Scoring: {units.Count} perturbations but {realMeans.Count} real and {predictedMeans.Count} predicted profiles, " +
                                           $"{realControls.Count} real and {predictedControls.Count} predicted control means.");
        RealMeans = realMeans;
        PredictedMeans = predictedMeans;
        RealControls = realControls;
        PredictedControls = predictedControls;
        foreach (var control in realControls.Distinct()) Check(control, "real control mean", "real");
        foreach (var control in predictedControls.Distinct()) Check(control, "predicted control mean", "predicted");
        for (int i = 0; i < units.Count; i++)
        {
            Check(realMeans[i], $"real mean of '{Perturbations[i]}'", "real");
            Check(predictedMeans[i], $"predicted mean of '{Perturbations[i]}'", "predicted");
        }
    }

    /// <summary>The scored (context, perturbation) units, in scoring order.</summary>
    public IReadOnlyList<ScoringUnit> Units { get; }

    /// <summary>
    /// The units' ids in scoring order: the perturbation label, prefixed with <c>context/</c> when the data has a
    /// context column (a perturbation measured in several contexts is scored once per context).
    /// </summary>
    public IReadOnlyList<string> Perturbations { get; }

    /// <summary>Gene names.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>Observed mean profile per perturbation.</summary>
    public IReadOnlyList<double[]> RealMeans { get; }

    /// <summary>Predicted mean profile per perturbation.</summary>
    public IReadOnlyList<double[]> PredictedMeans { get; }

    /// <summary>Observed control mean of each unit's context.</summary>
    public IReadOnlyList<double[]> RealControls { get; }

    /// <summary>The prediction's control mean of each unit's context.</summary>
    public IReadOnlyList<double[]> PredictedControls { get; }

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

    /// <summary>The VCC 2026 reference and anchors of the real data, for <see cref="Vcc2026Metrics"/>.</summary>
    public Vcc2026Reference? Vcc2026Reference { get; init; }

    /// <summary>This prediction's VCC 2026 values, computed once for the six metrics.</summary>
    internal Vcc2026Comparison Vcc2026Comparison(string metric) =>
        _vcc2026 ??= Require(Vcc2026Reference, "the VCC 2026 reference (baseline and replicate anchors)", metric)
            .Compare(Require(PredictedCells, "predicted cells", metric));

    private Vcc2026Comparison? _vcc2026;

    /// <summary>Δ_real(p) = real mean − real control of p's context.</summary>
    public double[] RealDelta(int p) => Subtract(RealMeans[p], RealControls[p]);

    /// <summary>Δ_pred(p) = predicted mean − predicted control of p's context.</summary>
    public double[] PredictedDelta(int p) => Subtract(PredictedMeans[p], PredictedControls[p]);

    /// <summary>Positions of the units that share unit <paramref name="p"/>'s context (the candidates of discrimination metrics).</summary>
    public int[] SameContext(int p) =>
        Enumerable.Range(0, Units.Count).Where(q => string.Equals(Units[q].Context, Units[p].Context, StringComparison.Ordinal)).ToArray();

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

/// <summary>One scored unit: a perturbation in a context (null when the data has no context column).</summary>
/// <param name="Perturbation">The perturbation label.</param>
/// <param name="Context">The context (cell line, type or donor), or null.</param>
public sealed record ScoringUnit(string Perturbation, string? Context)
{
    /// <summary>The unit's id in reports: <c>context/perturbation</c>, or the perturbation alone without a context.</summary>
    public string Id => Context is null ? Perturbation : $"{Context}/{Perturbation}";
}

/// <summary>Cells of each unit (same order as the scoring input) and of its context's control, for cell-level metrics.</summary>
/// <param name="Perturbations">One cells × genes matrix per unit.</param>
/// <param name="Controls">The control cells of each unit's context (units of one context share the instance).</param>
public sealed record ScoringCells(IReadOnlyList<CellMatrix> Perturbations, IReadOnlyList<CellMatrix> Controls);
