using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Screens;

/// <summary>How a screen is validated against measured perturbations.</summary>
/// <param name="Direction">The screen's direction (ranks and scores follow it).</param>
/// <param name="Refits">Ensemble members per held-out candidate; with more than one, each is fitted on a seeded subsample of the remaining perturbations.</param>
/// <param name="RefitFraction">Fraction of the remaining perturbations each member sees when <paramref name="Refits"/> &gt; 1.</param>
/// <param name="Permutations">Label permutations of the AUROC null.</param>
/// <param name="Seed">Root seed of the subsamples and the permutations.</param>
/// <param name="K">k of precision@k / recall@k; null = the number of known hits among the measured candidates.</param>
/// <param name="Parallelism">Held-out candidates fitted at once (0 = the processor count).</param>
/// <param name="Candidates">Measured labels to validate on; null = every non-control label.</param>
/// <param name="Training">Data the models are fitted on when it is not the measured data (a generalist); its perturbations sharing a target with the held-out candidate are left out too.</param>
public sealed record ScreenValidationOptions(
    ScreenDirection Direction = ScreenDirection.Down,
    int Refits = 1,
    double RefitFraction = 0.8,
    int Permutations = 10_000,
    long Seed = 0,
    int? K = null,
    int Parallelism = 0,
    IReadOnlyCollection<string>? Candidates = null,
    ScreenTraining? Training = null);

/// <summary>Training data other than the measured data, with its schema.</summary>
/// <param name="Data">Training cells, log-normalised.</param>
/// <param name="Schema">How perturbations are recorded in <paramref name="Data"/>.</param>
public sealed record ScreenTraining(CellDataset Data, PerturbationSchema Schema);

/// <summary>
/// The validation harness: leave-one-perturbation-out. For every measured candidate, the models are fitted without its
/// cells (and without every other measured perturbation sharing a target, so a double cannot leak a single), the
/// candidate is screened from the control state, and its predicted effect is set beside its measured effect
/// (the same objective on the measured mean, target genes held at control). Known hits are then scored as a ranking:
/// AUROC, precision@k, recall@k and a permutation p-value.
/// </summary>
public static class ScreenValidation
{
    /// <summary>The held-out protocol in one sentence, as written to <c>validation.json</c>.</summary>
    public const string Protocol = "leave-one-perturbation-out: for each measured candidate the model(s) are refitted without its cells and without every measured perturbation sharing a target; the candidate is predicted from the control state and scored with the screen's objective (its own target genes held at control); known hits are ranked among the measured candidates by predicted effect";

    /// <summary>Runs the harness.</summary>
    /// <param name="data">Measured perturbation data, log-normalised, with control cells.</param>
    /// <param name="schema">How perturbations are recorded in <paramref name="data"/>.</param>
    /// <param name="createModel">A new unfitted model for ensemble member <c>r</c> (e.g. seeded by r).</param>
    /// <param name="objective">The screen's objective.</param>
    /// <param name="knownHits">Known hit genes (a candidate is a hit when one of its targets is listed).</param>
    /// <param name="options">Direction, refits, permutations, seed, k.</param>
    /// <param name="progress">Candidates done.</param>
    /// <param name="cancellationToken">Stops between candidates.</param>
    /// <exception cref="DigitalCellException">Fewer than two measured candidates, or no known hit / no non-hit among them.</exception>
    public static async Task<ScreenValidationResult> LeaveOnePerturbationOutAsync(CellDataset data, PerturbationSchema schema, Func<int, IPerturbationModel> createModel,
        ScreenObjective objective, IReadOnlyCollection<string> knownHits, ScreenValidationOptions? options = null,
        IProgress<ScreenProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(createModel);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(knownHits);
        options ??= new ScreenValidationOptions();
        if (options.Refits < 1) throw new DigitalCellException($"Validation: refits must be ≥ 1, got {options.Refits}.");
        if (options.RefitFraction is <= 0 or > 1) throw new DigitalCellException($"Validation: refit fraction must be in (0, 1], got {options.RefitFraction}.");
        var all = new PerturbationTrainingSet(data, schema, []);
        var labels = all.CellPerturbationLabels.Distinct(StringComparer.Ordinal).Where(l => !schema.IsControlLabel(l)).Order(StringComparer.Ordinal).ToArray();
        var perturbations = labels.ToDictionary(l => l, l => Perturbation.Parse(l, schema), StringComparer.Ordinal);
        var candidates = options.Candidates is null ? labels : labels.Where(options.Candidates.Contains).ToArray();
        if (candidates.Length < 2) throw new DigitalCellException($"Validation: needs at least two measured candidates, found {candidates.Length}.");
        var known = knownHits.ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool IsKnown(string label) => perturbations[label].Targets.Any(known.Contains);

        var controls = data.SelectCells(all.ControlCells.ToArray());
        var measuredScore = objective.Bind(data.GeneNames, controls);
        var controlMean = Mean(data, all.ControlCells);
        double controlScore = measuredScore.Score(controlMean);

        var rows = new ValidationCandidate[candidates.Length];
        int done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, candidates.Length),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                string label = candidates[i];
                var targets = perturbations[label].Targets.ToHashSet(StringComparer.OrdinalIgnoreCase);
                var training = options.Training ?? new ScreenTraining(data, schema);
                var heldOut = TrainingLabels(training).Where(l => Perturbation.Parse(l, training.Schema).Targets.Any(targets.Contains)).ToArray();
                var models = ScreenEnsemble.Fit(createModel, training.Data, training.Schema, options.Refits, options.RefitFraction,
                    Seeds.Derive(options.Seed, "screen-validation:" + label), heldOut, token);
                var screen = new Screen(models, controls, objective, new ScreenOptions(options.Direction, Parallelism: 1, TopGenes: 0));
                var predicted = (await screen.RunAsync([perturbations[label]], cancellationToken: token).ConfigureAwait(false)).Rows[0];
                var profile = Mean(data, all.CellsOf(label));
                for (int g = 0; g < profile.Length; g++) if (targets.Contains(data.GeneNames[g])) profile[g] = controlMean[g];
                rows[i] = new ValidationCandidate(label, predicted.Effect, predicted.Uncertainty, measuredScore.Score(profile) - controlScore, IsKnown(label), 0, 0);
                progress?.Report(new ScreenProgress(Interlocked.Increment(ref done), candidates.Length));
            }).ConfigureAwait(false);
        return Summarise(rows, known, options);
    }

    private static ScreenValidationResult Summarise(ValidationCandidate[] rows, HashSet<string> known, ScreenValidationOptions options)
    {
        double sign = options.Direction == ScreenDirection.Down ? -1 : 1;
        var positive = rows.Select(r => r.Known).ToArray();
        if (positive.All(p => p) || !positive.Any(p => p))
            throw new DigitalCellException($"Validation: the measured candidates must include known hits and non-hits; {positive.Count(p => p)} of {rows.Length} are known hits.");
        var predicted = rows.Select(r => sign * r.PredictedEffect).ToArray();
        var measured = rows.Select(r => sign * r.MeasuredEffect).ToArray();
        var predictedRank = RankOf(predicted);
        var measuredRank = RankOf(measured);
        var ranked = rows.Select((r, i) => r with { PredictedRank = predictedRank[i], MeasuredRank = measuredRank[i] }).OrderBy(r => r.PredictedRank).ToArray();
        int k = options.K ?? positive.Count(p => p);
        var measuredGenes = rows.SelectMany(r => r.Candidate.Split('+')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new ScreenValidationResult(Protocol, ranked,
            HitRecovery.Auroc(predicted, positive), HitRecovery.PrecisionAtK(predicted, positive, k), HitRecovery.RecallAtK(predicted, positive, k), k,
            HitRecovery.PermutationP(predicted, positive, options.Permutations, options.Seed), options.Permutations,
            HitRecovery.Auroc(measured, positive), Scoring.Numerics.Spearman(predicted, measured), options.Refits,
            known.Where(measuredGenes.Contains).Order(StringComparer.Ordinal).ToArray(), known.Where(g => !measuredGenes.Contains(g)).Order(StringComparer.Ordinal).ToArray());
    }

    private static IEnumerable<string> TrainingLabels(ScreenTraining training) =>
        new PerturbationTrainingSet(training.Data, training.Schema, []).CellPerturbationLabels.Distinct(StringComparer.Ordinal).Where(l => !training.Schema.IsControlLabel(l));

    private static int[] RankOf(double[] scores)
    {
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var rank = new int[scores.Length];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r + 1;
        return rank;
    }

    private static double[] Mean(CellDataset data, IReadOnlyList<int> cells)
    {
        var mean = new double[data.GeneCount];
        var row = new float[data.GeneCount];
        foreach (int c in cells)
        {
            data.X.CopyRow(c, row);
            for (int g = 0; g < row.Length; g++) mean[g] += row[g];
        }
        for (int g = 0; g < mean.Length; g++) mean[g] /= cells.Count;
        return mean;
    }
}
