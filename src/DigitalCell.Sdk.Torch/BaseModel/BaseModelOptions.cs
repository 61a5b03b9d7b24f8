using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// How a <see cref="DigitalCellBaseModel"/> is built and trained. <see cref="DigitalCellBaseModel.Fit"/> runs three
/// phases: masked-expression pretraining on the control cells of every data set, joint perturbation training on every
/// data set (each in its contexts), then fine-tuning on the training set alone. Data sets that are the training set's
/// own cells (by id or alias) are always left out of pretraining, so a benchmark's test fold never reaches the model.
/// The defaults train the tiny size in about a minute on 2 CPU cores.
/// </summary>
public sealed record BaseModelOptions
{
    /// <summary>The sizes (default <see cref="BaseModelConfig.Tiny"/>).</summary>
    public BaseModelConfig Config { get; init; } = BaseModelConfig.Tiny;

    /// <summary>The name in reports; null for <c>dcell-base-SIZE</c> (<c>-no-pretraining</c> / <c>-no-priors</c> / <c>-no-set-attention</c> appended for ablations).</summary>
    public string? Name { get; init; }

    /// <summary>Pretrain on <see cref="Sources"/> / <see cref="CatalogIds"/> before fine-tuning; false trains on the training set alone for the same number of perturbation steps (the "no pretraining" ablation).</summary>
    public bool Pretrain { get; init; } = true;

    /// <summary>Initialise gene tokens from the gene-priors vectors; false starts them at zero (the "no gene priors" ablation; tokens are then learned per vocabulary gene).</summary>
    public bool UseGenePriors { get; init; } = true;

    /// <summary>
    /// Attend across the cells of a set; false replaces each layer's attention by a per-cell feed-forward of the same
    /// width (d → d → d), so every cell is predicted from itself alone (the "no set attention" ablation).
    /// </summary>
    public bool SetAttention { get; init; } = true;

    /// <summary>Pretraining data sets given directly; null loads <see cref="CatalogIds"/> and <see cref="ObservationalIds"/> through <see cref="Catalog"/>.</summary>
    public IReadOnlyList<BaseModelSource>? Sources { get; init; }

    /// <summary>
    /// Surface protein (CLR; markers as var names) of the training set's cells, in its cell order; null when it measures
    /// none. With it the model learns and predicts the perturbations' protein shifts as well (<see cref="DigitalCellBaseModel.PredictModalities"/>).
    /// </summary>
    public Data.CellDataset? TrainingProtein { get; init; }

    /// <summary>Catalog ids of perturbation data sets pretrained on when <see cref="Sources"/> is null.</summary>
    public IReadOnlyList<string> CatalogIds { get; init; } = BaseModelRecipe.PerturbationIds;

    /// <summary>
    /// Catalog ids of unperturbed data sets added to masked-expression pretraining when <see cref="Sources"/> is null:
    /// the shipped model's recipe (every one held) by default, empty for the perturbation data sets alone.
    /// </summary>
    public IReadOnlyList<string> ObservationalIds { get; init; } = BaseModelRecipe.ObservationalIds;

    /// <summary>The catalog resolving <see cref="CatalogIds"/> and <see cref="ObservationalIds"/> (null: <see cref="DatasetCatalog.Default"/>).</summary>
    public DatasetCatalog? Catalog { get; init; }

    /// <summary>The gene priors (null: <see cref="GenePriors.FromEnvironment"/>, i.e. <c>DIGITALCELL_GENE_PRIORS</c> or the mirror).</summary>
    public GenePriors? Priors { get; init; }

    /// <summary>Masked-expression pretraining steps (on control cells of every data set).</summary>
    public int MaskedSteps { get; init; } = 150;

    /// <summary>Joint perturbation steps over every data set.</summary>
    public int JointSteps { get; init; } = 400;

    /// <summary>Fine-tuning steps on the training set alone.</summary>
    public int FineTuneSteps { get; init; } = 300;

    /// <summary>Fraction of a panel's genes hidden per masked-expression step.</summary>
    public double MaskFraction { get; init; } = 0.2;

    /// <summary>Sets per step.</summary>
    public int SetsPerBatch { get; init; } = 8;

    /// <summary>Peak AdamW learning rate (linear warm-up, cosine decay, per phase).</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Warm-up steps of each phase.</summary>
    public int WarmupSteps { get; init; } = 30;

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Global gradient-norm clip.</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Weight of the pseudobulk MSE next to the energy distance.</summary>
    public double PseudobulkWeight { get; init; } = 10.0;

    /// <summary>Control cells kept with the model and perturbed at prediction time when the caller gives none.</summary>
    public int PredictionCells { get; init; } = 512;

    /// <summary>
    /// Cells in one forward pass at prediction: the perturbations of one <see cref="DigitalCellBaseModel.Predict"/> call
    /// are stacked, each over all its control cells, up to this many cells (at least one perturbation a pass), so a
    /// screen's candidates from one start cell share a pass and the panel's gene tokens are projected once a pass.
    /// The default bounds a pass's gene-wide tensors to ≈ 8 MB per thousand panel genes; a larger one saves little once
    /// a pass holds hundreds of cells. The numbers are the same up to float rounding.
    /// </summary>
    public int CellsPerForward { get; init; } = 2048;

    /// <summary>Seed of initialisation, batches and samples: the same seed gives the same model on the CPU.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// libtorch intra-op threads for the process (<c>torch.set_num_threads</c>, set when <see cref="DigitalCellBaseModel.Fit"/>
    /// starts); null leaves libtorch's choice. On a shared CPU 1 is often several times faster for the tiny size: its
    /// matrices are too small to split, and waiting threads contend with other processes.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>Where to train and predict.</summary>
    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    /// <summary>One report per training step.</summary>
    public IProgress<BaseTrainingProgress>? Progress { get; init; }
}

/// <summary>One training step of a base model.</summary>
/// <param name="Phase"><c>masked</c>, <c>joint</c> or <c>fine-tune</c>.</param>
/// <param name="Step">Steps completed in the phase.</param>
/// <param name="Steps">Steps planned in the phase.</param>
/// <param name="Loss">The step's loss (masked MSE, or energy + weighted pseudobulk MSE).</param>
/// <param name="DataSet">The data set the step's sets came from.</param>
public sealed record BaseTrainingProgress(string Phase, int Step, int Steps, double Loss, string DataSet);
