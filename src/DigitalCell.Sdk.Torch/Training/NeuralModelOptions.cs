namespace DigitalCell.Sdk.Torch.Training;

/// <summary>Architecture of a <see cref="NeuralPerturbationModel"/>.</summary>
public sealed record NeuralModelOptions
{
    /// <summary>Width of the hidden layers of encoder and decoder.</summary>
    public int Hidden { get; init; } = 128;
    /// <summary>Size of the cell-state and perturbation embeddings.</summary>
    public int Latent { get; init; } = 32;
    /// <summary>Principal components of the control cells used as each gene's prior embedding.</summary>
    public int PriorDimensions { get; init; } = 16;
    /// <summary>Control cells kept in the model and perturbed at prediction time (a seeded sample).</summary>
    public int ControlCells { get; init; } = 512;
}
