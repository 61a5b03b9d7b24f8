using DigitalCell.Sdk.Torch.Neural;
using DigitalCell.Sdk.Torch.Tensors;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Training;

/// <summary>
/// The optimisation loop shared by training and fine-tuning: AdamW, warm-up + cosine schedule, global gradient
/// clipping, early stopping on the validation fold, atomic checkpoints and exact resumption.
/// </summary>
internal sealed class Trainer(PerturbationNetwork network, PerturbationEncoding encoding, CellSets data, TrainingOptions options)
{
    public double BestValidationMetric { get; private set; } = double.NaN;
    public int StepsRun { get; private set; }

    public void Run(IReadOnlyList<CellSet> train, IReadOnlyList<CellSet> validation, CancellationToken cancellation)
    {
        if (train.Count == 0) throw new DigitalCellException("no perturbations left to train on after holding out the validation fold");
        var device = network.Device;
        var frozen = options.FreezeEncoder ? PerturbationNetwork.EncoderNames.ToHashSet() : new HashSet<string>();
        var names = network.Parameters.Keys.ToList();
        using var optimizer = new AdamW(network.Parameters, options.WeightDecay);
        var best = double.PositiveInfinity;
        var stale = 0;
        Dictionary<string, Tensor>? bestParameters = null;
        var start = 0;
        if (options.CheckpointPath is { } path && options.Resume && File.Exists(path))
        {
            var checkpoint = Checkpoint.Read(path, names, options.Seed, device);
            using (no_grad())
                foreach (var name in names)
                {
                    network.Parameters[name].copy_(checkpoint.Parameters[name]);
                    optimizer.FirstMoments[name].copy_(checkpoint.FirstMoments[name]);
                    optimizer.SecondMoments[name].copy_(checkpoint.SecondMoments[name]);
                }
            (start, best, stale, bestParameters) = (checkpoint.Step, checkpoint.BestMetric, checkpoint.EvaluationsWithoutImprovement, checkpoint.Best);
            optimizer.Step = start;
            foreach (var t in checkpoint.Parameters.Values.Concat(checkpoint.FirstMoments.Values).Concat(checkpoint.SecondMoments.Values)) t.Dispose();
        }

        using var cells = tensor(data.Cells, [data.CellCount, data.GeneCount]).to(device);
        int p = options.PerturbationsPerBatch, n = options.CellsPerPerturbation;
        using TorchSharp.Scalar meanWeight = options.MeanLossWeight; // explicit: see DistributionLoss
        for (int step = start; step < options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double lossValue, rate;
            using (NewDisposeScope())
            {
                // Batches depend only on (seed, step), which is what makes a resumed run identical to an uninterrupted one.
                var random = new Random(Seeds.Derive(options.Seed, "training step", step));
                var sets = Enumerable.Range(0, p).Select(_ => train[random.Next(train.Count)]).ToArray();
                var observedRows = sets.SelectMany(s => Enumerable.Range(0, n).Select(_ => (long)s.Rows[random.Next(s.Rows.Length)])).ToArray();
                var controlRows = Enumerable.Range(0, p * n).Select(_ => (long)data.ControlRows[random.Next(data.ControlRows.Length)]).ToArray();
                var (priorSum, known) = encoding.Encode(sets.SelectMany(s => Enumerable.Repeat(s.Targets, n)).ToList(), device);
                var predicted = network.Forward(cells.index_select(0, tensor(controlRows, device: device)), priorSum, known).view(p, n, -1);
                var observed = cells.index_select(0, tensor(observedRows, device: device)).view(p, n, -1);
                var loss = DistributionLoss.Energy(predicted, observed).Plus(DistributionLoss.MeanProfile(predicted, observed).mul(meanWeight));
                foreach (var t in network.Parameters.Values) t.grad?.zero_();
                loss.backward();
                ClipGradients(network.Parameters.Values, options.GradientClipNorm);
                rate = LearningRateSchedule.At(step, options.Steps, options.WarmupSteps, options.LearningRate);
                optimizer.Update(network.Parameters, rate, frozen);
                lossValue = loss.item<float>();
            }
            StepsRun = step + 1;
            double? metric = null;
            var stop = false;
            if (validation.Count > 0 && (StepsRun % options.EvaluateEvery == 0 || StepsRun == options.Steps))
            {
                metric = Evaluate(validation);
                if (metric < best)
                {
                    best = metric.Value;
                    stale = 0;
                    if (bestParameters is not null) foreach (var t in bestParameters.Values) t.Dispose();
                    bestParameters = network.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
                }
                else stop = options.Patience > 0 && ++stale >= options.Patience;
            }
            options.Progress?.Report(new TrainingProgress(StepsRun, options.Steps, lossValue, rate, metric));
            if (options.CheckpointPath is { } checkpointPath && (StepsRun % options.CheckpointEvery == 0 || stop || StepsRun == options.Steps))
                new Checkpoint(StepsRun, best, stale, options.Seed, (int)network.TargetCount, network.Parameters.ToDictionary(),
                    optimizer.FirstMoments, optimizer.SecondMoments, bestParameters).Write(checkpointPath);
            if (stop) break;
        }
        if (bestParameters is not null)
        {
            using (no_grad())
                foreach (var (name, t) in bestParameters) network.Parameters[name].copy_(t);
            foreach (var t in bestParameters.Values) t.Dispose();
            BestValidationMetric = best;
        }
    }

    /// <summary>Mean over validation perturbations of the squared error between predicted and observed mean profiles.</summary>
    private double Evaluate(IReadOnlyList<CellSet> validation)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var predicted = encoding.PredictMeans(network, validation.Select(s => s.Targets).ToList());
        var observed = tensor(validation.SelectMany(s => data.Mean(s.Rows)).ToArray(), [validation.Count, data.GeneCount], device: network.Device);
        return predicted.Minus(observed).Squared().mean().item<float>();
    }

    /// <summary>torch.nn.utils.clip_grad_norm_: scale all gradients by min(1, max / (‖g‖₂ + 1e−6)).</summary>
    internal static void ClipGradients(IEnumerable<Tensor> parameters, double maxNorm)
    {
        var grads = parameters.Select(t => t.grad).OfType<Tensor>().ToList();
        using var _ = no_grad();
        using TorchSharp.Scalar eps = 1e-6, max = maxNorm, one = 1.0; // explicit: see AdamW.Update
        var total = stack(grads.Select(g => g.mul(g).sum()).ToArray()).sum().sqrt(); // g·g, not square() = pow(2) with a temporary Scalar
        var scale = total.add(eps, one).reciprocal().mul(max).clamp_max(one); // alpha given: its default is a temporary Scalar
        foreach (var g in grads) g.mul_(scale);
    }
}
