using DigitalCell.Sdk.Torch.Tensors;
using TorchSharp;
using DigitalCell.Sdk.Torch.Training;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// The base model's optimisation phases. Every step draws one data set (uniformly, so a small screen weighs as much as
/// a large one), sets from it and cells from those sets, all from <c>Random(Seeds.Derive(seed, phase, step))</c>: the
/// batches, like the initialisation, depend on the seed alone. Each phase has its own AdamW state and warm-up + cosine
/// schedule (fine-tuning restarts the optimiser, as is usual).
/// </summary>
internal sealed partial class BaseModelTrainer(BaseNetwork network, BaseModelOptions options)
{
    /// <summary>Each step's loss, by phase, in order.</summary>
    public List<(string Phase, double Loss)> Losses { get; } = [];

    /// <summary>
    /// Masked-expression pretraining: sets of control cells with a random <see cref="BaseModelOptions.MaskFraction"/> of the
    /// panel hidden; MSE on the hidden genes. Data sets with protein mask across modalities instead (<see cref="CrossModalLoss"/>).
    /// </summary>
    public void Masked(int steps, IReadOnlyList<CorpusPart> parts, CancellationToken cancellation) =>
        Run("masked", steps, parts.Where(p => p.GeneCount >= 5).ToList(), (part, random) =>
        {
            int b = options.SetsPerBatch, n = network.Config.SetSize, g = part.GeneCount;
            var contexts = part.ControlContexts.Keys.ToArray();
            var chosen = Enumerable.Range(0, b).Select(_ => contexts[random.Next(contexts.Length)]).ToArray();
            var rows = new int[b][];
            var values = new float[b * n * g];
            for (int s = 0; s < b; s++)
            {
                var pool = part.ControlsOf(chosen[s]);
                rows[s] = Enumerable.Range(0, n).Select(_ => pool[random.Next(pool.Length)]).ToArray();
                part.Gather(rows[s], values, s * n * g);
            }
            var cells = tensor(values, [b, n, g], device: network.Device);
            var context = network.Contexts(chosen.Select(c => part.ControlContexts[c]).ToList());
            if (part.Protein is { } protein) return CrossModalLoss(part, protein, cells, rows, random);
            var (hidden, visible) = Split(g, options.MaskFraction, random);
            var hiddenColumns = network.Index(hidden);
            var visibleColumns = network.Index(visible);
            var panel = network.Index(part.Panel);
            var predicted = network.PredictHidden(cells.index_select(2, visibleColumns), panel.index_select(0, visibleColumns),
                panel.index_select(0, hiddenColumns), context);
            return predicted.Minus(cells.index_select(2, hiddenColumns)).Squared().mean();
        }, cancellation);

    /// <summary>A random <paramref name="fraction"/> of <paramref name="count"/> columns (at least one) and the rest, each in order.</summary>
    private static (long[] Hidden, long[] Visible) Split(int count, double fraction, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        int hiddenCount = Math.Max(1, (int)Math.Round(count * fraction));
        return (order.Take(hiddenCount).Order().Select(i => (long)i).ToArray(), order.Skip(hiddenCount).Order().Select(i => (long)i).ToArray());
    }

    /// <summary>Perturbation training: control sets of each drawn perturbation's context mapped to its measured cells; energy + pseudobulk loss (on protein too where the data set measures it).</summary>
    public void Perturbation(string phase, int steps, IReadOnlyList<CorpusPart> parts, CancellationToken cancellation) =>
        Run(phase, steps, parts.Where(p => p.Sets.Count > 0).ToList(), (part, random) =>
        {
            int b = options.SetsPerBatch, n = network.Config.SetSize, g = part.GeneCount;
            var sets = Enumerable.Range(0, b).Select(_ => part.Sets[random.Next(part.Sets.Count)]).ToArray();
            var observedRows = new int[b][];
            var controlRows = new int[b][];
            var observed = new float[b * n * g];
            var controls = new float[b * n * g];
            for (int s = 0; s < b; s++)
            {
                var set = sets[s];
                observedRows[s] = Enumerable.Range(0, n).Select(_ => set.Rows[random.Next(set.Rows.Length)]).ToArray();
                part.Gather(observedRows[s], observed, s * n * g);
                var pool = part.ControlsOf(set.Context);
                controlRows[s] = Enumerable.Range(0, n).Select(_ => pool[random.Next(pool.Length)]).ToArray();
                part.Gather(controlRows[s], controls, s * n * g);
            }
            var perturbation = PerturbationVectors(network, sets.Select(s => new PerturbationTokens(s.Genes, [], s.Agents, s.Mode)).ToList());
            var (predicted, predictedProtein) = network.Forward(tensor(controls, [b, n, g], device: network.Device), network.Index(part.Panel), perturbation,
                network.Contexts(sets.Select(s => s.ContextRows).ToList()), part.Protein is { } p ? ProteinOf(p, controlRows) : null);
            var measured = tensor(observed, [b, n, g], device: network.Device);
            var loss = SetDistance(predicted, measured);
            return predictedProtein is null ? loss : loss.Plus(SetDistance(predictedProtein, ProteinOf(part.Protein!, observedRows).Values));
        }, cancellation);

    /// <summary>Energy distance + weighted pseudobulk MSE between predicted and measured sets.</summary>
    private Tensor SetDistance(Tensor predicted, Tensor measured)
    {
        using var weight = options.PseudobulkWeight.ToScalar();
        return SetLoss.Energy(predicted, measured).Plus(SetLoss.Pseudobulk(predicted, measured).mul(weight));
    }

    /// <summary>The perturbation vectors of <paramref name="sets"/> (B × d).</summary>
    public static Tensor PerturbationVectors(BaseNetwork network, IReadOnlyList<PerturbationTokens> sets)
    {
        var known = new List<long>(); var knownSets = new List<long>(); var knownModes = new List<long>();
        var priors = new List<float>(); var priorSets = new List<long>(); var priorModes = new List<long>();
        var agents = new List<long>(); var agentSets = new List<long>(); var agentModes = new List<long>();
        for (int s = 0; s < sets.Count; s++)
        {
            long mode = (long)sets[s].Mode;
            foreach (var gene in sets[s].Genes) { known.Add(gene); knownSets.Add(s); knownModes.Add(mode); }
            foreach (var prior in sets[s].UnknownGenePriors) { priors.AddRange(prior); priorSets.Add(s); priorModes.Add(mode); }
            foreach (var agent in sets[s].Agents) { agents.Add(agent); agentSets.Add(s); agentModes.Add(mode); }
        }
        var tokens = network.GeneTokens(network.Index([.. known]));
        if (priorSets.Count > 0)
            tokens = cat([tokens, network.PriorTokens(tensor(priors.ToArray(), [priorSets.Count, network.PriorDimensions], device: network.Device))]);
        return network.Perturbations(tokens, [.. knownSets, .. priorSets], [.. knownModes, .. priorModes], [.. agents], [.. agentSets], [.. agentModes], sets.Count);
    }

    private void Run(string phase, int steps, IReadOnlyList<CorpusPart> parts, Func<CorpusPart, Random, Tensor> loss, CancellationToken cancellation)
    {
        if (steps <= 0) return;
        if (parts.Count == 0) throw new DigitalCellException($"base model, phase '{phase}': no data set has cells to train on");
        Run(phase, steps, random =>
        {
            var part = parts[random.Next(parts.Count)];
            return (loss(part, random), part.Id);
        }, cancellation);
    }

    /// <summary>
    /// One AdamW phase of <paramref name="steps"/> steps; each step's batch and loss come from <paramref name="loss"/>
    /// given <c>Random(Seeds.Derive(seed, phase, step))</c>, with the data set it drew from for the progress report.
    /// </summary>
    public void Run(string phase, int steps, Func<Random, (Tensor Loss, string DataSet)> loss, CancellationToken cancellation)
    {
        using var optimizer = new AdamW(network.Parameters, options.WeightDecay);
        for (int step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            var random = new Random(Seeds.Derive(options.Seed, phase, step));
            double value;
            string dataSet;
            using (NewDisposeScope())
            {
                (var l, dataSet) = loss(random);
                foreach (var t in network.Parameters.Values) t.grad?.zero_();
                l.backward();
                Trainer.ClipGradients(network.Parameters.Values, options.GradientClipNorm);
                optimizer.Update(network.Parameters, LearningRateSchedule.At(step, steps, Math.Min(options.WarmupSteps, steps), options.LearningRate), new HashSet<string>());
                value = l.item<float>();
            }
            Losses.Add((phase, value));
            options.Progress?.Report(new BaseTrainingProgress(phase, step + 1, steps, value, dataSet));
        }
    }
}

/// <summary>A perturbation as the network reads it: vocabulary genes, prior vectors of genes outside the vocabulary, agent rows, and the mode.</summary>
internal sealed record PerturbationTokens(long[] Genes, IReadOnlyList<float[]> UnknownGenePriors, long[] Agents, Perturbations.PerturbationMode Mode);
