using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// A model that predicts how cells respond to perturbations: fitted on a <see cref="PerturbationTrainingSet"/>, it
/// predicts expression profiles (pseudobulk means, and sampled cells where it can) for any list of perturbations,
/// including ones it never saw. Baselines (<see cref="Baselines"/>) and neural models implement it alike, so the
/// benchmark scores them side by side.
/// </summary>
/// <remarks>
/// Expression is in the space of the training data's X (log1p-normalised in every SDK benchmark), gene order is
/// <see cref="PerturbationTrainingSet.Genes"/>. A model is saved as a directory holding <c>model-card.json</c> and its
/// weights; <see cref="PerturbationModels.Load"/> reads it back by the card's architecture.
/// </remarks>
public interface IPerturbationModel
{
    /// <summary>Short name used in reports (e.g. <c>linear</c>, <c>cell-mean</c>).</summary>
    string Name { get; }

    /// <summary>What the model is, how it was trained and on what (updated by <see cref="Fit"/>).</summary>
    ModelCard Card { get; }

    /// <summary>True once <see cref="Fit"/> has run (or the model was loaded fitted).</summary>
    bool IsFitted { get; }

    /// <summary>Fits the model on the training perturbations (and uses the validation ones for early stopping, if it trains iteratively).</summary>
    /// <param name="train">Cells, schema and the training/validation labels.</param>
    /// <param name="progress">Optional progress reports (epoch, loss); baselines report once.</param>
    /// <param name="cancellationToken">Stops training early.</param>
    void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Predicts the response to each perturbation, in the given order.</summary>
    /// <param name="perturbations">What to predict; controls are allowed and give the control profile.</param>
    /// <param name="context">The cellular context and sampling options; null for the training context and means only.</param>
    /// <exception cref="DigitalCellException">The model is not fitted, or cannot predict a requested perturbation/context.</exception>
    PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null);

    /// <summary>Saves the fitted model to <paramref name="directory"/> (atomically): <c>model-card.json</c> plus weights.</summary>
    void Save(string directory);
}
