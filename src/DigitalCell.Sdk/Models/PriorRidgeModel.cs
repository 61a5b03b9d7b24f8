using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// <c>prior-ridge</c>: ridge regression from the prior vector of the targeted gene(s) (summed for combinations) to the
/// pseudobulk change from control, ŷ = ȳ + (x − x̄)·W. Solved in its dual form (perturbations ≪ features), with the
/// penalty chosen by exact leave-one-perturbation-out error (the hat-matrix shortcut of kernel ridge) over a grid of
/// multiples of the mean kernel diagonal. In the spirit of Molina &amp; Zhang's prior-feature ridge and the VCC 2025
/// winners' "statistics + gene priors".
/// </summary>
public sealed class PriorRidgeModel : PriorModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "prior/ridge";

    private static readonly double[] PenaltyGrid = [1e-3, 1e-2, 0.1, 1, 10, 100];
    private double[] _weights = [];   // features × genes, row-major
    private double[] _inputMean = [];
    private double[] _center = [];

    /// <summary>Creates an unfitted prior ridge model.</summary>
    public PriorRidgeModel(PriorModelOptions? options = null) : base("prior-ridge", Architecture,
        "Ridge from gene-prior features (GO spectral, regulons, PROGENy, Hallmark, Geneformer median, data PCA) of the target(s) to the pseudobulk change; penalty by leave-one-out.", options) { }

    /// <summary>Loads a saved prior ridge model (the prior files are located with GenePriors.FromEnvironment).</summary>
    public static PriorRidgeModel Load(string directory) => Load(directory, card => new PriorRidgeModel(PriorModelOptions.FromCard(card)));

    private protected override IReadOnlyDictionary<string, object> FitMap(double[][] inputs, double[][] deltas)
    {
        int n = inputs.Length, d = inputs[0].Length, genes = deltas[0].Length;
        _inputMean = Enumerable.Range(0, d).Select(j => inputs.Average(x => x[j])).ToArray();
        _center = Enumerable.Range(0, genes).Select(g => deltas.Average(y => y[g])).ToArray();
        var xc = Matrix<double>.Build.Dense(n, d, (i, j) => inputs[i][j] - _inputMean[j]);
        var yc = Matrix<double>.Build.Dense(n, genes, (i, g) => deltas[i][g] - _center[g]);
        var kernel = xc.TransposeAndMultiply(xc);
        double scale = kernel.Diagonal().Average();
        double best = double.PositiveInfinity, chosen = PenaltyGrid[0] * Math.Max(scale, 1e-12);
        Matrix<double>? dual = null;
        foreach (double a in PenaltyGrid)
        {
            double lambda = a * Math.Max(scale, 1e-12);
            var inverse = (kernel + Matrix<double>.Build.DenseIdentity(n) * lambda).Inverse();
            var hat = kernel * inverse;
            var fitted = hat * yc;
            double error = 0;
            for (int i = 0; i < n; i++)
            {
                // The unpenalised intercept adds 1/n to every leverage (the hat matrix is J/n + Kc(Kc + λI)⁻¹).
                double leverage = 1 - 1.0 / n - hat[i, i];
                for (int g = 0; g < genes; g++) { double r = (yc[i, g] - fitted[i, g]) / leverage; error += r * r; }
            }
            if (error < best) (best, chosen, dual) = (error, lambda, inverse * yc);
        }
        _weights = (xc.TransposeThisAndMultiply(dual!)).ToRowMajorArray();
        return new Dictionary<string, object> { ["ridge"] = chosen, ["loo_mse"] = best / (n * (double)genes) };
    }

    private protected override double[] Apply(double[] input)
    {
        int genes = _center.Length;
        var y = (double[])_center.Clone();
        for (int j = 0; j < input.Length; j++)
        {
            double x = input[j] - _inputMean[j];
            if (x == 0) continue;
            for (int g = 0; g < genes; g++) y[g] += x * _weights[j * genes + g];
        }
        return y;
    }

    private protected override IEnumerable<NamedTensor> MapParameters() =>
    [
        new("weights", [_inputMean.Length, _center.Length], _weights),
        new("input_mean", [_inputMean.Length], _inputMean),
        new("center", [_center.Length], _center),
    ];

    private protected override void RestoreMap(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        _center = Vector(tensors, "center", Genes.Length, path);
        _inputMean = Vector(tensors, "input_mean", Features.Dimensions, path);
        _weights = Vector(tensors, "weights", Features.Dimensions * Genes.Length, path);
    }
}
