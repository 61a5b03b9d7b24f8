using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Neural;

/// <summary>
/// Maps perturbation targets to the network's inputs: the sum of the targets' data-driven priors (a gene's PCA
/// loading over control cells; zero for a compound or an unmeasured gene) and the indicator of targets that have a
/// learned embedding. Also holds the control cells perturbed at prediction time.
/// </summary>
internal sealed class PerturbationEncoding
{
    private readonly Dictionary<string, int> _geneIndex;
    private readonly Dictionary<string, int> _targetIndex;
    private readonly float[] _genePrior;

    public PerturbationEncoding(IReadOnlyList<string> genes, IReadOnlyList<string> targets, float[] genePrior, int priorDimensions, float[] controlCells)
    {
        Genes = genes;
        _geneIndex = genes.Select((g, i) => (g, i)).GroupBy(x => x.g).ToDictionary(x => x.Key, x => x.First().i);
        _targetIndex = targets.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        Targets = targets.ToList();
        _genePrior = genePrior;
        PriorDimensions = priorDimensions;
        ControlCells = controlCells;
    }

    public IReadOnlyList<string> Genes { get; }
    public List<string> Targets { get; }
    public int PriorDimensions { get; }
    public float[] ControlCells { get; }
    public float[] GenePrior => _genePrior;
    public int ControlCount => ControlCells.Length / Genes.Count;

    /// <summary>Adds learned-embedding slots for targets not seen before; returns how many were added.</summary>
    public int AddTargets(IEnumerable<string> targets)
    {
        var added = 0;
        foreach (var t in targets.Where(t => !_targetIndex.ContainsKey(t)).Distinct())
        {
            _targetIndex[t] = Targets.Count;
            Targets.Add(t);
            added++;
        }
        return added;
    }

    public (Tensor PriorSum, Tensor Known) Encode(IReadOnlyList<string[]> perturbations, Device device)
    {
        int k = PriorDimensions, count = perturbations.Count;
        var prior = new float[count * k];
        var known = new float[count * Targets.Count];
        for (int i = 0; i < count; i++)
            foreach (var target in perturbations[i])
            {
                if (_geneIndex.TryGetValue(target, out var g))
                    for (int d = 0; d < k; d++) prior[i * k + d] += _genePrior[g * k + d];
                if (_targetIndex.TryGetValue(target, out var t)) known[i * Targets.Count + t] += 1;
            }
        return (tensor(prior, [count, k], device: device), tensor(known, [count, Targets.Count], device: device));
    }

    /// <summary>Mean predicted profile (P × G) of the stored control cells under each perturbation.</summary>
    public Tensor PredictMeans(PerturbationNetwork network, IReadOnlyList<string[]> perturbations) => PredictMeans(network, perturbations, ControlCells);

    /// <summary>Mean predicted profile (P × G) of <paramref name="controlCells"/> (row-major, G columns) under each perturbation.</summary>
    public Tensor PredictMeans(PerturbationNetwork network, IReadOnlyList<string[]> perturbations, float[] controlCells)
    {
        var device = network.Device;
        var count = controlCells.Length / Genes.Count;
        using var control = tensor(controlCells, [count, Genes.Count], device: device);
        var rows = new List<Tensor>();
        foreach (var targets in perturbations)
        {
            var (prior, known) = Encode([targets], device);
            rows.Add(network.Forward(control, prior.expand(count, -1), known.expand(count, -1)).mean([0]));
        }
        return stack(rows);
    }
}
