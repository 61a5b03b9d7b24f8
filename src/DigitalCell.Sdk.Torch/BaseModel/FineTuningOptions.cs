namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>How <see cref="DigitalCellBaseModel.FineTune"/> adapts a trained base model to a new training set.</summary>
public sealed record FineTuningOptions
{
    /// <summary>Fine-tuning steps (default: as the pretraining's fine-tune phase, <see cref="BaseModelOptions.FineTuneSteps"/>).</summary>
    public int Steps { get; init; } = new BaseModelOptions().FineTuneSteps;

    /// <summary>Seed of the new table rows, the batches and the kept controls: the same seed gives the same weights on the CPU.</summary>
    public long Seed { get; init; }

    /// <summary>Peak AdamW learning rate; null keeps the model's (<see cref="BaseModelOptions.LearningRate"/>).</summary>
    public double? LearningRate { get; init; }

    /// <summary>The adapted model's name in reports and its card; null keeps the model's.</summary>
    public string? Name { get; init; }

    /// <summary>libtorch intra-op threads (as <see cref="BaseModelOptions.Threads"/>); null leaves libtorch's choice.</summary>
    public int? Threads { get; init; }

    /// <summary>One report per step (phase <c>fine-tune</c>).</summary>
    public IProgress<BaseTrainingProgress>? Progress { get; init; }
}
