using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Collections;

/// <summary>One perturbation tested against the controls of its own context.</summary>
/// <param name="Context">The context (cell line, …) whose controls are the reference.</param>
/// <param name="Perturbation">The perturbation tested.</param>
/// <param name="Result">The test of every gene (one group, the perturbation).</param>
public sealed record PerturbationDifferentialExpression(string Context, string Perturbation, DifferentialExpressionResult Result);
