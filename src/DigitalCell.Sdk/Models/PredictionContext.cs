using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Models;

/// <summary>Where and how to predict: the cellular context and whether to sample individual cells.</summary>
/// <param name="Context">The context (cell line/type) to predict in, a value of the schema's context column; null = the training data's only or pooled context.</param>
/// <param name="CellsPerPerturbation">Cells to sample per perturbation when the model can generate cells; 0 = means only.</param>
/// <param name="Seed">Seed for sampling.</param>
/// <param name="ControlCells">Control cells of the target context (cells × training genes), for models that transform controls or need the context's control mean.</param>
public sealed record PredictionContext(string? Context = null, int CellsPerPerturbation = 0, int Seed = 0, CellMatrix? ControlCells = null);
