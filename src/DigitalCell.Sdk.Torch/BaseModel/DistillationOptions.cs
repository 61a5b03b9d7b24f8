namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// How <see cref="DigitalCellBaseModel.Distill"/> trains a smaller student on a teacher's predictions. Every step draws
/// <see cref="SetsPerBatch"/> of the training set's perturbations and as many sets of its control cells, all from
/// <c>Random(Seeds.Derive(seed, "distill", step))</c>; the loss is the mean squared difference between the student's and
/// the teacher's predicted cells. The default student has about half the teacher's parameters.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>The student's sizes; null for <see cref="HalfSize"/> of the teacher's.</summary>
    public BaseModelConfig? Config { get; init; }

    /// <summary>The student's name; null for the teacher's name with <c>-student</c> appended.</summary>
    public string? Name { get; init; }

    /// <summary>Optimisation steps.</summary>
    public int Steps { get; init; } = 600;

    /// <summary>Sets per step.</summary>
    public int SetsPerBatch { get; init; } = 8;

    /// <summary>Peak AdamW learning rate (linear warm-up, cosine decay).</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Warm-up steps.</summary>
    public int WarmupSteps { get; init; } = 30;

    /// <summary>Seed of the student's initialisation and of the batches: the same seed gives the same student on the CPU.</summary>
    public long Seed { get; init; }

    /// <summary>libtorch intra-op threads (see <see cref="BaseModelOptions.Threads"/>); null leaves the teacher's setting.</summary>
    public int? Threads { get; init; }

    /// <summary>One report per step (phase <c>distill</c>).</summary>
    public IProgress<BaseTrainingProgress>? Progress { get; init; }

    /// <summary>
    /// The teacher with half the width (and half the feed-forward width; heads halved too when they no longer divide it)
    /// or with half the layers, whichever has parameters nearer half the teacher's (<see cref="BaseModelFootprint.ParameterCount"/>
    /// with the teacher's vocabulary): half the width shrinks the transformer to a quarter and the gene table to half, so
    /// it wins when the gene table dominates (large vocabularies); half the layers wins when the transformer does.
    /// </summary>
    public static BaseModelConfig HalfSize(BaseModelConfig teacher)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        int d = Math.Max(1, teacher.Dimension / 2);
        var narrow = teacher with { Name = teacher.Name + "-half-width", Dimension = d, Heads = d % teacher.Heads == 0 ? teacher.Heads : Math.Max(1, teacher.Heads / 2), FeedForward = Math.Max(1, teacher.FeedForward / 2) };
        var shallow = teacher with { Name = teacher.Name + "-half-depth", Layers = teacher.Layers / 2 };
        double half = BaseModelFootprint.ParameterCount(teacher) / 2.0;
        return (Math.Abs(BaseModelFootprint.ParameterCount(narrow) - half) <= Math.Abs(BaseModelFootprint.ParameterCount(shallow) - half) ? narrow : shallow).Validate();
    }
}
