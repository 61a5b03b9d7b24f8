using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial class DigitalCellBaseModel
{
    /// <summary>File name of the weights inside a model directory.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The gene vocabulary, one symbol per line in token order (also in the weights' metadata), for readers without safetensors.</summary>
    public const string VocabularyFile = "vocabulary.txt";

    /// <summary>
    /// Predicted mean profile of each perturbation: the context's control cells (<see cref="PredictionContext.ControlCells"/>,
    /// else those kept from training) are perturbed set by set and averaged. Genes never trained on are embedded from
    /// their gene prior; a context never seen adds only its data set's token.
    /// </summary>
    /// <exception cref="DigitalCellException">Not fitted; a genetic target with neither a token nor a gene prior; an agent (cytokine, compound) never trained on.</exception>
    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null) =>
        PredictModalities(perturbations, context).Rna;

    /// <summary>
    /// As <see cref="Predict"/>, with the predicted mean protein of each perturbation when the model was trained on a
    /// training set with protein (<see cref="BaseModelOptions.TrainingProtein"/>); otherwise <see cref="ModalityPrediction.Protein"/>
    /// is null. The controls' protein is the kept controls' measured protein, or, for control cells given in the
    /// context (RNA only), imputed from their RNA by the cross-modal head.
    /// </summary>
    /// <exception cref="DigitalCellException">As <see cref="Predict"/>.</exception>
    public ModalityPrediction PredictModalities(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(perturbations);
        if (Options.CellsPerForward < 1) throw new DigitalCellException($"model '{Name}': CellsPerForward must be ≥ 1, got {Options.CellsPerForward}");
        var (network, state) = Fitted;
        int g = state.Panel.Length, s = network.Config.SetSize;
        var controls = ModelFiles.ControlCells(context, state.Controls, g);
        int n = controls.Length / g;
        if (n == 0) throw new DigitalCellException($"model '{Name}': no control cells to perturb");
        // Fewer controls that divide S fill a set as S/n copies of each, and attention over equal copies equals attention over
        // one of each: a set of the n cells gives the same prediction S/n times cheaper (a screen's start state is one mean cell).
        if (n < s && s % n == 0) s = n;
        var contextRows = ContextRows(state, context?.Context);
        var notes = new List<string>(state.Notes);
        var tokens = perturbations.Select(p => p.IsControl ? null : Tokens(state, p, notes)).ToArray();
        var protein = state.Protein is { Panel.Length: > 0 } p ? p : null;
        int m = protein?.Panel.Length ?? 0;
        var means = new float[perturbations.Count * g];
        var proteinMeans = new float[perturbations.Count * m];
        var controlMean = Mean(controls, n, g);
        // Sets of S consecutive controls; the last wraps to the start so every set is full, and only real rows are averaged.
        int chunks = (n + s - 1) / s;
        float[] Sets(float[] rows, int width)
        {
            var values = new float[chunks * s * width];
            for (int c = 0; c < chunks * s; c++) rows.AsSpan((c % n) * width, width).CopyTo(values.AsSpan(c * width, width));
            return values;
        }
        // The mean over each set block's real rows: predicted is (rows · chunks) × S × width, one block of chunks per row.
        void AddMeans(Tensor predicted, int width, float[] target, int[] rows)
        {
            var values = predicted.reshape(rows.Length, chunks * s, width).narrow(1, 0, n).mean([1]).cpu().data<float>().ToArray();
            for (int r = 0; r < rows.Length; r++) values.AsSpan(r * width, width).CopyTo(target.AsSpan(rows[r] * width, width));
        }
        // Perturbations share a forward pass, each over every set of controls, up to CellsPerForward cells.
        int stacked = Math.Max(1, Options.CellsPerForward / (chunks * s));
        using (NewDisposeScope())
        using (no_grad())
        {
            var cells = tensor(Sets(controls, g), [chunks, s, g], device: network.Device);
            var vocabulary = state.Genes.Select((gene, index) => (gene, index)).ToDictionary(x => x.gene, x => (long)x.index, StringComparer.Ordinal);
            var panel = network.Index(state.Panel.Select(gene => vocabulary[gene]).ToArray());
            var contextVectors = network.Contexts(Enumerable.Repeat(contextRows, chunks).ToList());
            var proteinInput = protein is null ? null : ControlProtein(network, protein, cells, panel, context?.ControlCells is null, Sets, chunks, notes);
            for (int i = 0; i < perturbations.Count; i++)
            {
                if (tokens[i] is not null) continue;
                controlMean.CopyTo(means.AsSpan(i * g, g));
                if (proteinInput is not null) AddMeans(proteinInput.Values, m, proteinMeans, [i]);
            }
            foreach (var rows in Enumerable.Range(0, perturbations.Count).Where(i => tokens[i] is not null).Chunk(stacked))
            {
                using var pass = NewDisposeScope();
                int k = rows.Length;
                // Row b of the pass is perturbation b / chunks on control set b % chunks.
                var vectors = BaseModelTrainer.PerturbationVectors(network, rows.Select(i => tokens[i]!).ToList());
                var input = proteinInput is null ? null : proteinInput with { Values = proteinInput.Values.repeat(k, 1, 1) };
                var (rna, predictedProtein) = network.Forward(cells.repeat(k, 1, 1), panel,
                    vectors.unsqueeze(1).expand(k, chunks, -1).reshape(k * chunks, -1), contextVectors.repeat(k, 1), input);
                AddMeans(rna, g, means, rows);
                if (predictedProtein is not null) AddMeans(predictedProtein, m, proteinMeans, rows);
            }
        }
        var distinct = notes.Distinct().ToList();
        return new ModalityPrediction(
            new PerturbationPrediction(Name, perturbations, state.Panel, new DenseCellMatrix(perturbations.Count, g, means)) { Notes = distinct },
            protein is null ? null : new PerturbationPrediction(Name, perturbations, protein.Panel, new DenseCellMatrix(perturbations.Count, m, proteinMeans)) { Notes = distinct });
    }

    private static int[] ContextRows(State state, string? context)
    {
        var rows = new List<int> { Array.IndexOf(state.Contexts, PerturbationCorpus.DataToken(state.DataId)) };
        if (context is not null) rows.Add(Array.IndexOf(state.Contexts, PerturbationCorpus.ContextToken(context)));
        return [.. rows.Where(r => r >= 0)];
    }

    private PerturbationTokens Tokens(State state, Perturbation perturbation, List<string> notes)
    {
        var mode = perturbation.Mode;
        // A label parsed without a mode (Other) that names genes rather than trained agents is read in the training set's genetic mode.
        if (mode == PerturbationMode.Other && perturbation.Targets.All(t => !state.Agents.Contains(t) && (state.Genes.Contains(t) || PriorTable()?.Vector(t) is not null)))
        {
            mode = state.GeneticMode;
            notes.Add($"perturbations given without a mode that name genes are read as {mode} (the training set's mode).");
        }
        if (!PerturbationCorpus.IsGenetic(mode))
        {
            var agents = perturbation.Targets.Select(t => (long)Array.IndexOf(state.Agents, t)).ToArray();
            if (agents.Any(a => a < 0))
                throw new DigitalCellException($"Model '{Name}' cannot predict '{perturbation.Label}': {perturbation.Mode} perturbations are learned tokens and it was trained on {(state.Agents.Length == 0 ? "none" : string.Join(", ", state.Agents))}.");
            return new PerturbationTokens([], [], agents, perturbation.Mode);
        }
        var known = new List<long>();
        var priors = new List<float[]>();
        foreach (var target in perturbation.Targets)
        {
            int index = Array.IndexOf(state.Genes, target);
            if (index >= 0) { known.Add(index); continue; }
            if (!Options.UseGenePriors && _network is not null)
            {
                // The no-priors ablation has nothing to say about a gene it never saw: its token is the zero start every gene token has there.
                priors.Add(new float[_network.PriorDimensions]);
                notes.Add($"{target} is outside the gene vocabulary and the model uses no gene priors; its token is the untrained zero token.");
                continue;
            }
            var prior = PriorTable()?.Vector(target)
                ?? throw new DigitalCellException($"Model '{Name}' cannot predict '{target}': it is not in the model's gene vocabulary and has no gene prior" +
                    (ClosestNames.For(target, state.Genes) is { Count: > 0 } close ? $"; did you mean {string.Join(", ", close)}?" : "."));
            priors.Add(prior.Select(v => (float)v).ToArray());
            notes.Add($"{target} is outside the gene vocabulary; its token is its gene-priors vector projected (no learned residual).");
        }
        return new PerturbationTokens([.. known], priors, [], mode);
    }

    /// <summary>The gene-priors table for genes outside the vocabulary, when the model uses priors and they can be located.</summary>
    private GeneFeatureTable? PriorTable()
    {
        if (!Options.UseGenePriors || _network is null || _network.PriorDimensions <= 1) return null;
        try
        {
            var table = (Options.Priors ?? GenePriors.FromEnvironment()).Features();
            return table.Dimensions == _network.PriorDimensions ? table : null;
        }
        catch (DigitalCellException)
        {
            return null; // the priors are not located here: such genes fall to the vocabulary error above
        }
    }

    private static float[] Mean(float[] cells, int count, int genes)
    {
        var mean = new double[genes];
        for (int r = 0; r < count; r++)
            for (int j = 0; j < genes; j++) mean[j] += cells[r * genes + j];
        return mean.Select(v => (float)(v / count)).ToArray();
    }

    /// <summary>Writes <c>model.safetensors</c> (weights and gene prior at <see cref="Precision"/>, kept control cells; vocabulary, contexts, agents and config in its metadata), <c>vocabulary.txt</c> and <c>model-card.json</c> (atomically).</summary>
    public void Save(string directory) => Save(directory, force: false);

    /// <summary>As <see cref="Save(string)"/>; <paramref name="force"/> replaces a folder holding files dcell did not write.</summary>
    public void Save(string directory, bool force)
    {
        var (network, state) = Fitted;
        AtomicFile.WriteDirectory(directory, temp =>
        {
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt", ["architecture"] = ArchitectureName, ["config"] = JsonSerializer.Serialize(network.Config),
                ["genes"] = JsonSerializer.Serialize(state.Genes), ["contexts"] = JsonSerializer.Serialize(state.Contexts),
                ["agents"] = JsonSerializer.Serialize(state.Agents), ["panel"] = JsonSerializer.Serialize(state.Panel),
                ["data_id"] = state.DataId, ["notes"] = JsonSerializer.Serialize(state.Notes), ["genetic_mode"] = state.GeneticMode.ToString(),
            };
            if (Precision != WeightPrecision.Float32) metadata[WeightCodec.MetadataKey] = Precision.ToString(); // float32 files stay as before
            var tensors = WeightCodec.Encode(network.ToSafeTensors(), Precision).Append(
                SafeTensor.FromFloats("control_cells", [state.Controls.Length / state.Panel.Length, state.Panel.Length], state.Controls));
            if (state.Protein is { } protein) tensors = tensors.Concat(protein.Save(metadata, state.Controls.Length / state.Panel.Length));
            SafeTensors.Write(Path.Combine(temp, WeightsFile), tensors, metadata);
            File.WriteAllLines(Path.Combine(temp, VocabularyFile), state.Genes);
            Card.Save(temp);
        }, force);
    }

    /// <summary>Loads a model saved by <see cref="Save(string)"/>; <paramref name="options"/> supplies the device and the gene priors for genes outside the vocabulary.</summary>
    /// <exception cref="DigitalCellException">Not a base-model directory, or a file lacks a tensor or field.</exception>
    public static DigitalCellBaseModel Load(string directory, BaseModelOptions? options = null)
    {
        var card = ModelCard.Load(directory);
        if (card.Architecture != ArchitectureName)
            throw new DigitalCellException(Path.Combine(directory, ModelCard.FileName), "architecture", $"architecture '{card.Architecture}' is not '{ArchitectureName}'");
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new DigitalCellException(directory, null, $"{WeightsFile} not found next to the model card");
        var file = SafeTensors.Read(path);
        var config = JsonSerializer.Deserialize<BaseModelConfig>(file.Metadata.GetValueOrDefault("config") ?? throw new DigitalCellException(path, "__metadata__", "lacks 'config'"))!;
        var model = new DigitalCellBaseModel((options ?? new BaseModelOptions()) with
        {
            Config = config, Name = card.Name, Pretrain = card.Hyperparameters.GetValueOrDefault("pretrain") is not false,
            UseGenePriors = card.Hyperparameters.GetValueOrDefault("gene_priors") is not false,
            SetAttention = card.Hyperparameters.GetValueOrDefault("set_attention") is not false,
        }) { Card = card };
        var (tensors, precision) = WeightCodec.Decode(file, path);
        model.Precision = precision;
        Tensor Get(string name) => tensors.TryGetValue(name, out var t) ? Neural.PerturbationNetwork.FromSafeTensor(t)
            : throw new DigitalCellException(path, name, "tensor missing (another architecture?)");
        var names = tensors.Keys.Where(k => k is not ("gene_prior" or "control_cells" or ProteinState.ControlsTensor)).ToList();
        var device = TorchRuntime.Resolve(model.Options.Device);
        model._network = BaseNetwork.FromTensors(config, names.ToDictionary(n => n, Get), Get("gene_prior"), device);
        model._state = new State(ModelFiles.Names(file, path, "genes"), ModelFiles.Names(file, path, "contexts"), ModelFiles.Names(file, path, "agents"),
            ModelFiles.Names(file, path, "panel"), file.Metadata.GetValueOrDefault("data_id") ?? "", file.Tensors["control_cells"].ToFloats(),
            ModelFiles.Names(file, path, "notes"),
            Enum.TryParse<PerturbationMode>(file.Metadata.GetValueOrDefault("genetic_mode"), out var mode) ? mode : PerturbationMode.Knockout,
            ProteinState.Load(file, path));
        return model;
    }
}
