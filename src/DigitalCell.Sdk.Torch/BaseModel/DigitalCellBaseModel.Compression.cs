using DigitalCell.Sdk.Torch.Tensors;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial class DigitalCellBaseModel
{
    /// <summary>How <see cref="Save(string)"/> stores the weights (float32 unless the model came from <see cref="Compress"/> or a compressed file).</summary>
    public WeightPrecision Precision { get; private set; }

    /// <summary>
    /// This model with its weights rounded to <paramref name="precision"/>: it predicts exactly as the saved and
    /// reloaded file will (the rounding is applied now, in float32), and <see cref="Save(string)"/> writes bf16, f16 or int8
    /// tensors (int8: per-output-channel symmetric, float32 row scales in <c>NAME.scale</c>; see <see cref="WeightPrecision"/>).
    /// Compressed weights are dequantised when loaded, so they shrink the file, not the memory or time of a prediction.
    /// </summary>
    /// <exception cref="DigitalCellException">Not fitted; a weight outside float16's range.</exception>
    public DigitalCellBaseModel Compress(WeightPrecision precision)
    {
        var (network, state) = Fitted;
        var name = $"{Name}-{precision.ToString().ToLowerInvariant()}";
        var encoded = WeightCodec.Encode(network.ToSafeTensors(), precision).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var (tensors, _) = WeightCodec.Decode(new SafeTensorFile(encoded, new Dictionary<string, string>()), name);
        var parameters = tensors.Where(kv => kv.Key != "gene_prior").ToDictionary(kv => kv.Key, kv => Neural.PerturbationNetwork.FromSafeTensor(kv.Value));
        using var prior = Neural.PerturbationNetwork.FromSafeTensor(tensors["gene_prior"]);
        return new DigitalCellBaseModel(Options with { Name = name })
        {
            _network = BaseNetwork.FromTensors(network.Config, parameters, prior, network.Device),
            _state = state with { Notes = [.. state.Notes, $"weights stored as {precision} (compressed from {Name})"] },
            Precision = precision,
            TrainingLosses = TrainingLosses,
            Card = Card with { Name = name, Description = $"{Card.Description} Weights stored as {precision}." },
        };
    }

    /// <summary>
    /// A smaller student trained to reproduce this model's predictions: control cells of <paramref name="train"/> in
    /// sets, under its training and validation perturbations, the student's predicted cells pulled to the teacher's by
    /// mean squared error (<see cref="DistillationOptions"/>). The student keeps the teacher's vocabulary, gene priors,
    /// contexts, agents, panel and kept controls, so it is a drop-in replacement; the same seed gives the same student on
    /// the CPU.
    /// </summary>
    /// <exception cref="DigitalCellException">Not fitted; a protein panel; options out of range; the training set lacks a panel gene, control cells or perturbations.</exception>
    public DigitalCellBaseModel Distill(PerturbationTrainingSet train, DistillationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= new DistillationOptions();
        if (options.Steps < 0 || options.SetsPerBatch < 1 || options.WarmupSteps < 0 || !(options.LearningRate > 0))
            throw new DigitalCellException($"distilling '{Name}': steps ({options.Steps}) and warm-up steps ({options.WarmupSteps}) must be ≥ 0, sets per batch ({options.SetsPerBatch}) ≥ 1 and the learning rate ({options.LearningRate}) > 0");
        var (teacher, state) = Fitted;
        // the student is trained on the teacher's RNA cells only; a protein panel would be silently lost
        if (state.Protein is not null)
            throw new DigitalCellException($"distilling '{Name}': the model has a protein panel ({state.Protein.Markers.Length} markers); distillation covers RNA-only models so far");
        if ((options.Threads ?? Options.Threads) is int threads) set_num_threads(threads);
        var config = (options.Config ?? DistillationOptions.HalfSize(teacher.Config)) with
        {
            GeneVocabulary = teacher.Config.GeneVocabulary, PriorDimensions = teacher.Config.PriorDimensions,
            Contexts = teacher.Config.Contexts, Agents = teacher.Config.Agents,
        };
        var (controls, groups) = TrainingControls(train, state);
        var notes = new List<string>();
        var perturbations = train.TrainPerturbations.Concat(train.ValidationPerturbations).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(label => Perturbation.Parse(label, train.Schema)).Where(p => !p.IsControl).Select(p => Tokens(state, p, notes)).ToArray();
        if (perturbations.Length == 0) throw new DigitalCellException($"distilling '{Name}': the training set names no perturbations");
        var studentOptions = Options with
        {
            Config = config, Name = options.Name ?? Name + "-student", Seed = options.Seed, SetsPerBatch = options.SetsPerBatch,
            LearningRate = options.LearningRate, WarmupSteps = options.WarmupSteps, Threads = options.Threads ?? Options.Threads, Progress = options.Progress,
        };
        using var prior = teacher.GenePrior.cpu();
        var student = BaseNetwork.Create(config, prior.data<float>().ToArray(), (int)teacher.GeneCount, (int)teacher.AgentCount, (int)teacher.ContextCount, options.Seed, teacher.Device);
        int g = state.Panel.Length, s = config.SetSize;
        var vocabulary = state.Genes.Select((gene, index) => (gene, index)).ToDictionary(x => x.gene, x => (long)x.index, StringComparer.Ordinal);
        var panelIndex = state.Panel.Select(gene => vocabulary[gene]).ToArray();
        var trainer = new BaseModelTrainer(student, studentOptions);
        try
        {
            trainer.Run("distill", options.Steps, random =>
            {
                int b = options.SetsPerBatch;
                var values = new float[b * s * g];
                var contexts = new List<int[]>(b);
                for (int k = 0; k < b; k++)
                {
                    var (context, rows) = groups[random.Next(groups.Count)];
                    for (int c = 0; c < s; c++) controls.AsSpan(rows[random.Next(rows.Length)] * g, g).CopyTo(values.AsSpan((k * s + c) * g, g));
                    contexts.Add(ContextRows(state, context));
                }
                var sets = Enumerable.Range(0, b).Select(_ => perturbations[random.Next(perturbations.Length)]).ToList();
                var cells = tensor(values, [b, s, g], device: teacher.Device);
                var panel = teacher.Index(panelIndex);
                Tensor target;
                using (no_grad()) target = teacher.Forward(cells, panel, BaseModelTrainer.PerturbationVectors(teacher, sets), teacher.Contexts(contexts));
                var predicted = student.Forward(cells, panel, BaseModelTrainer.PerturbationVectors(student, sets), student.Contexts(contexts));
                return (predicted.Minus(target).Squared().mean(), state.DataId);
            }, cancellationToken);
        }
        catch
        {
            student.Dispose();
            throw;
        }
        var model = new DigitalCellBaseModel(studentOptions) { _network = student, TrainingLosses = trainer.Losses };
        var note = $"distilled from {Name} ({teacher.ParameterCount:N0} parameters) into {student.ParameterCount:N0} ({config.Name}): " +
            $"{options.Steps} steps matching its predicted cells on {train.DataId ?? state.DataId}'s controls under {perturbations.Length} training perturbations, seed {options.Seed}";
        model._state = state with { Notes = [.. state.Notes, note] };
        var hyperparameters = model.Hyperparameters(config, student.ParameterCount, markers: 0);
        hyperparameters["distilled_from"] = Name;
        hyperparameters["distill_steps"] = options.Steps;
        model.Card = new ModelCard(model.Name, ArchitectureName)
        {
            Hyperparameters = hyperparameters, TrainingData = Card.TrainingData, TrainingInputs = Card.TrainingInputs,
            Description = $"STATE-like set transformer (DigitalCell.Sdk.Torch), {student.ParameterCount:N0} parameters; {note}.", TrainedAt = DateTimeOffset.UtcNow,
        };
        return model;
    }

    /// <summary>The training set's control cells over the model's panel (row-major) and their rows by context (null: no context column).</summary>
    private (float[] Cells, List<(string? Context, int[] Rows)> Groups) TrainingControls(PerturbationTrainingSet train, State state)
    {
        var data = train.Data;
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < data.GeneCount; j++) byName.TryAdd(data.GeneNames[j], j);
        var columns = state.Panel.Select(gene => byName.GetValueOrDefault(gene, -1)).ToArray();
        if (Array.IndexOf(columns, -1) is int missing and >= 0)
            throw new DigitalCellException($"distilling '{Name}': the training set lacks the model's panel gene '{state.Panel[missing]}'");
        var labels = data.Obs.Categorical(train.Schema.PerturbationColumn);
        var contextColumn = train.Schema.ContextColumn is { } c && data.Obs.Contains(c) ? data.Obs[c] : null;
        var rows = Enumerable.Range(0, data.CellCount).Where(r => labels[r] is { } label && train.Schema.IsControlLabel(label)).ToArray();
        if (rows.Length == 0) throw new DigitalCellException($"distilling '{Name}': the training set has no control cells labelled {string.Join(" or ", train.Schema.ControlLabels)}");
        int g = columns.Length;
        var cells = new float[rows.Length * g];
        var row = new float[data.GeneCount];
        for (int i = 0; i < rows.Length; i++)
        {
            data.X.CopyRow(rows[i], row);
            for (int j = 0; j < g; j++) cells[i * g + j] = row[columns[j]];
        }
        var groups = Enumerable.Range(0, rows.Length).GroupBy(i => contextColumn?.GetText(rows[i]) ?? "", StringComparer.Ordinal).OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => (x.Key.Length == 0 ? null : x.Key, x.ToArray())).ToList();
        return (cells, groups);
    }
}
