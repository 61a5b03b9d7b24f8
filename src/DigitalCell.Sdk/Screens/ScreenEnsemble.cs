using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// An ensemble of refits, the screen's source of uncertainty for deterministic models: member r is fitted on a
/// seeded subsample of the training perturbations (all of them when there is one member).
/// </summary>
public static class ScreenEnsemble
{
    /// <summary>Fits <paramref name="members"/> models.</summary>
    /// <param name="createModel">A new unfitted model for member r.</param>
    /// <param name="data">Training cells, log-normalised.</param>
    /// <param name="schema">How perturbations are recorded.</param>
    /// <param name="members">Ensemble size (≥ 1).</param>
    /// <param name="fraction">Fraction of the training perturbations each member sees when there is more than one.</param>
    /// <param name="seed">Root seed of the subsamples.</param>
    /// <param name="exclude">Perturbation labels to leave out of every member (a held-out candidate).</param>
    /// <param name="cancellationToken">Stops between fits.</param>
    /// <exception cref="DigitalCellException">No perturbation to train on, or bad sizes.</exception>
    public static IReadOnlyList<IPerturbationModel> Fit(Func<int, IPerturbationModel> createModel, CellDataset data, PerturbationSchema schema,
        int members = 5, double fraction = 0.8, long seed = 0, IReadOnlyCollection<string>? exclude = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createModel);
        if (members < 1) throw new DigitalCellException($"Ensemble: members must be ≥ 1, got {members}.");
        if (fraction is <= 0 or > 1) throw new DigitalCellException($"Ensemble: fraction must be in (0, 1], got {fraction}.");
        var all = new PerturbationTrainingSet(data, schema, []);
        var labels = all.CellPerturbationLabels.Distinct(StringComparer.Ordinal)
            .Where(l => !schema.IsControlLabel(l) && (exclude is null || !exclude.Contains(l))).Order(StringComparer.Ordinal).ToArray();
        if (labels.Length == 0) throw new DigitalCellException($"Ensemble: column '{schema.PerturbationColumn}' has no perturbation to train on besides the controls.");
        return Enumerable.Range(0, members).Select(r =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = members == 1 ? labels : Subsample(labels, fraction, Seeds.Derive(seed, "screen-refit", r));
            var model = createModel(r);
            model.Fit(new PerturbationTrainingSet(data, schema, train, dataId: data.Source), cancellationToken: cancellationToken);
            return model;
        }).ToArray();
    }

    private static string[] Subsample(string[] labels, double fraction, int seed)
    {
        var random = new Random(seed);
        int take = Math.Max(1, (int)Math.Round(fraction * labels.Length));
        return labels.OrderBy(_ => random.Next()).Take(take).Order(StringComparer.Ordinal).ToArray();
    }
}
