namespace DigitalCell.Sdk.Torch.Training;

/// <summary>
/// Knobs for training and fine-tuning a <see cref="NeuralPerturbationModel"/>. The defaults train the Papalexi
/// subset (299 genes, 26 perturbations) on 2 CPU cores in a few minutes; raise the sizes for GPUs.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Maximum number of optimisation steps.</summary>
    public int Steps { get; init; } = 600;
    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>Decoupled weight decay of AdamW.</summary>
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int WarmupSteps { get; init; } = 50;
    /// <summary>Global gradient-norm clipping threshold (as torch.nn.utils.clip_grad_norm_).</summary>
    public double GradientClipNorm { get; init; } = 1.0;
    /// <summary>Perturbations drawn per step.</summary>
    public int PerturbationsPerBatch { get; init; } = 8;
    /// <summary>Cells drawn per perturbation (and control cells paired with them) per step.</summary>
    public int CellsPerPerturbation { get; init; } = 32;
    /// <summary>Weight of the mean-profile (pseudobulk) loss next to the energy distance.</summary>
    public double MeanLossWeight { get; init; } = 10.0;
    /// <summary>Evaluate the validation fold every this many steps.</summary>
    public int EvaluateEvery { get; init; } = 50;
    /// <summary>Stop after this many evaluations without improvement of the validation metric; 0 disables early stopping.</summary>
    public int Patience { get; init; } = 4;
    /// <summary>Seed for initialisation and batch sampling: the same seed gives the same model on the same device.</summary>
    public long Seed { get; init; }
    /// <summary>Where to train: CUDA when available (Auto), or a fixed device.</summary>
    public DevicePreference Device { get; init; } = DevicePreference.Auto;
    /// <summary>Use bf16 matrix products (autocast-style) when training on CUDA; ignored on CPU.</summary>
    public bool BFloat16OnCuda { get; init; } = true;
    /// <summary>Checkpoint file (safetensors) written atomically every <see cref="CheckpointEvery"/> steps; null for none.</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Resume from <see cref="CheckpointPath"/> when it exists (the default), instead of starting over.</summary>
    public bool Resume { get; init; } = true;
    /// <summary>Fine-tuning: keep the cell-state encoder fixed and train only the perturbation side and the decoder.</summary>
    public bool FreezeEncoder { get; init; }
    /// <summary>Perturbation labels held out for early stopping; null holds out <see cref="ValidationFraction"/> of them (seeded).</summary>
    public IReadOnlyCollection<string>? ValidationPerturbations { get; init; }
    /// <summary>Fraction of perturbations held out for validation when <see cref="ValidationPerturbations"/> is null.</summary>
    public double ValidationFraction { get; init; } = 0.15;
    /// <summary>Progress reports, one per step.</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }
}

/// <summary>One training step's report.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">The planned number of steps.</param>
/// <param name="Loss">The step's training loss (energy distance + weighted mean-profile loss).</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="ValidationMetric">The validation fold's mean-profile MSE when evaluated at this step, else null.</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double LearningRate, double? ValidationMetric);
