using DigitalCell.Sdk.Perturbations;
using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// <c>prior-mlp</c>: a one-hidden-layer perceptron (ReLU) from the prior features of the target(s) — their sum, plus an
/// interaction term (the element-wise product of the first two targets' features; zero for singles) — to the
/// pseudobulk change, expressed in the top principal directions of the training changes. Plain C#: full-batch Adam with
/// L2 weight decay for a fixed number of epochs, seeded initialisation, inputs standardised on the training set.
/// </summary>
public sealed class PriorMlpModel : PriorModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "prior/mlp";

    private double[] _inputMean = [], _inputScale = [];
    private double[] _w1 = [], _b1 = [], _w2 = [], _b2 = [];
    private double[] _directions = [];  // r × genes
    private double[] _center = [];
    private int _rank;

    /// <summary>Creates an unfitted prior MLP.</summary>
    /// <param name="options">Priors and blocks.</param>
    /// <param name="hidden">Hidden units.</param>
    /// <param name="epochs">Full-batch Adam steps.</param>
    /// <param name="weightDecay">L2 penalty on the weights.</param>
    public PriorMlpModel(PriorModelOptions? options = null, int hidden = 16, int epochs = 400, double weightDecay = 1e-2)
        : base("prior-mlp", Architecture, "MLP from gene-prior features of the target(s), with a pairwise interaction term, to the pseudobulk change.", options)
    {
        if (hidden < 1 || epochs < 1 || !(weightDecay >= 0)) throw new DigitalCellException($"prior-mlp: hidden ({hidden}) and epochs ({epochs}) must be ≥ 1 and weight decay ({weightDecay}) ≥ 0.");
        Hidden = hidden;
        Epochs = epochs;
        WeightDecay = weightDecay;
        Card = Card with { Hyperparameters = new Dictionary<string, object> { ["hidden"] = (long)hidden, ["epochs"] = (long)epochs, ["weight_decay"] = weightDecay } };
    }

    /// <summary>Hidden units.</summary>
    public int Hidden { get; }

    /// <summary>Adam steps.</summary>
    public int Epochs { get; }

    /// <summary>L2 weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Loads a saved prior MLP (the prior files are located with GenePriors.FromEnvironment).</summary>
    public static PriorMlpModel Load(string directory) => Load(directory, card =>
        new PriorMlpModel(PriorModelOptions.FromCard(card), (int)card.Number("hidden"), (int)card.Number("epochs"), card.Number("weight_decay")));

    private protected override double[] Inputs(Perturbation perturbation)
    {
        var sum = Features.Of(perturbation.Targets);
        var interaction = new double[sum.Length];
        if (perturbation.Targets.Count >= 2)
        {
            var a = Features.OfGene(perturbation.Targets[0]);
            var b = Features.OfGene(perturbation.Targets[1]);
            for (int i = 0; i < a.Length; i++) interaction[i] = a[i] * b[i];
        }
        return [.. sum, .. interaction];
    }

    private protected override IReadOnlyDictionary<string, object> FitMap(double[][] inputs, double[][] deltas)
    {
        int n = inputs.Length, d = inputs[0].Length, genes = deltas[0].Length;
        _inputMean = Enumerable.Range(0, d).Select(j => inputs.Average(x => x[j])).ToArray();
        _inputScale = Enumerable.Range(0, d).Select(j => Math.Sqrt(inputs.Average(x => (x[j] - _inputMean[j]) * (x[j] - _inputMean[j])))).Select(s => s > 1e-12 ? 1 / s : 0).ToArray();
        _center = Enumerable.Range(0, genes).Select(g => deltas.Average(y => y[g])).ToArray();
        // Targets: the centred changes in their top principal directions (at most n − 1 carry signal).
        var yc = Matrix<double>.Build.Dense(n, genes, (i, g) => deltas[i][g] - _center[g]);
        var evd = yc.TransposeAndMultiply(yc).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderByDescending(i => evd.EigenValues[i].Real).Where(i => evd.EigenValues[i].Real > 1e-10).Take(Math.Min(20, n)).ToArray();
        _rank = Math.Max(order.Length, 1);
        var directions = Matrix<double>.Build.Dense(_rank, genes);
        for (int r = 0; r < order.Length; r++)
        {
            var v = yc.TransposeThisAndMultiply(evd.EigenVectors.Column(order[r]));
            directions.SetRow(r, v / v.L2Norm());
        }
        _directions = directions.ToRowMajorArray();
        var targets = (yc * directions.Transpose()).ToRowArrays();
        var x = inputs.Select(Standardise).ToArray();
        Train(x, targets);
        return new Dictionary<string, object> { ["output_rank"] = (long)_rank };
    }

    private double[] Standardise(double[] input) => input.Select((v, j) => (v - _inputMean[j]) * _inputScale[j]).ToArray();

    private void Train(double[][] x, double[][] y)
    {
        int n = x.Length, d = x[0].Length, h = Hidden, r = _rank;
        var rng = new Random(Options.Seed);
        double Init(double fanIn) => (rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / fanIn);
        _w1 = Enumerable.Range(0, d * h).Select(_ => Init(d)).ToArray();
        _b1 = new double[h];
        _w2 = Enumerable.Range(0, h * r).Select(_ => Init(h)).ToArray();
        _b2 = new double[r];
        var parameters = new[] { _w1, _b1, _w2, _b2 };
        var grads = parameters.Select(p => new double[p.Length]).ToArray();
        var m = parameters.Select(p => new double[p.Length]).ToArray();
        var v = parameters.Select(p => new double[p.Length]).ToArray();
        const double rate = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var hidden = new double[h];
        var error = new double[r];
        var backHidden = new double[h];
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            foreach (var g in grads) Array.Clear(g);
            for (int i = 0; i < n; i++)
            {
                Forward(x[i], hidden, error);
                for (int o = 0; o < r; o++) error[o] = 2 * (error[o] - y[i][o]) / (n * r);
                Array.Clear(backHidden);
                for (int k = 0; k < h; k++)
                {
                    if (hidden[k] <= 0) continue;
                    for (int o = 0; o < r; o++) { grads[2][k * r + o] += hidden[k] * error[o]; backHidden[k] += _w2[k * r + o] * error[o]; }
                }
                for (int o = 0; o < r; o++) grads[3][o] += error[o];
                for (int k = 0; k < h; k++)
                {
                    if (backHidden[k] == 0) continue;
                    grads[1][k] += backHidden[k];
                    for (int j = 0; j < d; j++) if (x[i][j] != 0) grads[0][j * h + k] += x[i][j] * backHidden[k];
                }
            }
            for (int j = 0; j < _w1.Length; j++) grads[0][j] += WeightDecay * _w1[j];
            for (int j = 0; j < _w2.Length; j++) grads[2][j] += WeightDecay * _w2[j];
            double c1 = 1 - Math.Pow(beta1, epoch), c2 = 1 - Math.Pow(beta2, epoch);
            for (int p = 0; p < parameters.Length; p++)
                for (int j = 0; j < parameters[p].Length; j++)
                {
                    m[p][j] = beta1 * m[p][j] + (1 - beta1) * grads[p][j];
                    v[p][j] = beta2 * v[p][j] + (1 - beta2) * grads[p][j] * grads[p][j];
                    parameters[p][j] -= rate * (m[p][j] / c1) / (Math.Sqrt(v[p][j] / c2) + eps);
                }
        }
    }

    /// <summary>hidden = ReLU(x·W1 + b1); output = hidden·W2 + b2 (written to <paramref name="output"/>).</summary>
    private void Forward(double[] x, double[] hidden, double[] output)
    {
        int h = Hidden, r = _rank;
        Array.Copy(_b1, hidden, h);
        for (int j = 0; j < x.Length; j++)
        {
            if (x[j] == 0) continue;
            for (int k = 0; k < h; k++) hidden[k] += x[j] * _w1[j * h + k];
        }
        for (int k = 0; k < h; k++) hidden[k] = Math.Max(hidden[k], 0);
        Array.Copy(_b2, output, r);
        for (int k = 0; k < h; k++)
            if (hidden[k] > 0) for (int o = 0; o < r; o++) output[o] += hidden[k] * _w2[k * r + o];
    }

    private protected override double[] Apply(double[] input)
    {
        var hidden = new double[Hidden];
        var coefficients = new double[_rank];
        Forward(Standardise(input), hidden, coefficients);
        var y = (double[])_center.Clone();
        for (int o = 0; o < _rank; o++)
            for (int g = 0; g < y.Length; g++) y[g] += coefficients[o] * _directions[o * y.Length + g];
        return y;
    }

    private protected override IEnumerable<NamedTensor> MapParameters() =>
    [
        new("input_mean", [_inputMean.Length], _inputMean), new("input_scale", [_inputScale.Length], _inputScale),
        new("w1", [_inputMean.Length, Hidden], _w1), new("b1", [Hidden], _b1),
        new("w2", [Hidden, _rank], _w2), new("b2", [_rank], _b2),
        new("directions", [_rank, _center.Length], _directions), new("center", [_center.Length], _center),
    ];

    private protected override void RestoreMap(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        int d = 2 * Features.Dimensions;
        _center = Vector(tensors, "center", Genes.Length, path);
        _rank = tensors.TryGetValue("b2", out var b2) ? b2.Data.Length : throw new DigitalCellException(path, "b2", "tensor missing.");
        _inputMean = Vector(tensors, "input_mean", d, path);
        _inputScale = Vector(tensors, "input_scale", d, path);
        _w1 = Vector(tensors, "w1", d * Hidden, path);
        _b1 = Vector(tensors, "b1", Hidden, path);
        _w2 = Vector(tensors, "w2", Hidden * _rank, path);
        _b2 = b2.Data;
        _directions = Vector(tensors, "directions", _rank * Genes.Length, path);
    }
}
