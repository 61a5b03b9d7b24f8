namespace DigitalCell.Sdk.Models;

/// <summary>A progress report from <see cref="IPerturbationModel.Fit"/>.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Step">Completed steps (epochs for iterative models; 1 for closed-form baselines).</param>
/// <param name="TotalSteps">Planned steps, or null when unknown (early stopping).</param>
/// <param name="TrainLoss">Training loss of the last step, when the model has one.</param>
/// <param name="ValidationLoss">Validation loss of the last step, when computed.</param>
/// <param name="Message">A short human-readable note.</param>
public sealed record FitProgress(string Model, int Step, int? TotalSteps, double? TrainLoss = null, double? ValidationLoss = null, string? Message = null);
