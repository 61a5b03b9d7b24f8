using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// <c>linear-prior</c>: Ahlmann-Eltze, Huber &amp; Anders's linear model (see <see cref="LinearModel"/>) with the
/// perturbation embedding P taken from the gene priors: P_p = the prior features of the target(s) — the prior blocks
/// followed by the data PCA block, which is the paper's own P — so the model extends <c>linear</c> with knowledge of genes
/// the screen never measured. G is the paper's (PCA of the training pseudobulk), the fit its bilinear ridge
/// W = (GᵀG + λI)⁻¹ GᵀỸPᵀ (PPᵀ + λI)⁻¹, with the control as a condition of zero embedding and zero change.
/// </summary>
public class PriorLinearModel : PriorModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "prior/linear";

    private double[] _map = [];   // genes × features: G·W
    private double[] _center = [];

    /// <summary>Creates an unfitted linear-prior model.</summary>
    /// <param name="options">Priors and blocks.</param>
    /// <param name="ridge">λ on both sides (paper default 0.1).</param>
    public PriorLinearModel(PriorModelOptions? options = null, double ridge = 0.1) : this("linear-prior", Architecture,
        "Linear model of Ahlmann-Eltze, Huber & Anders 2025 with the perturbation embedding P from gene priors (plus the data PCA embedding).", options, ridge) { }

    /// <summary>Creates an unfitted bilinear model whose subclass chooses the perturbation embedding.</summary>
    private protected PriorLinearModel(string name, string architecture, string description, PriorModelOptions? options, double ridge)
        : base(name, architecture, description, options)
    {
        if (!(ridge >= 0)) throw new DigitalCellException($"{name}: ridge must be ≥ 0, got {ridge}.");
        Ridge = ridge;
        Card = Card with { Hyperparameters = new Dictionary<string, object> { ["ridge"] = ridge } };
    }

    /// <summary>λ, the ridge penalty.</summary>
    public double Ridge { get; }

    /// <summary>Loads a saved linear-prior model (the prior files are located with GenePriors.FromEnvironment).</summary>
    public static PriorLinearModel Load(string directory) =>
        Load(directory, card => new PriorLinearModel(PriorModelOptions.FromCard(card), card.Number("ridge")));

    private protected override IReadOnlyDictionary<string, object> FitMap(double[][] inputs, double[][] deltas)
    {
        int n = inputs.Length + 1, d = inputs[0].Length, genes = Genes.Length, used = Features.PcaDimensions, k = Math.Max(1, used);
        var pca = Features.PcaRows(Genes);
        var g0 = Matrix<double>.Build.Dense(genes, k, (g, c) => used == 0 ? 0 : pca[g * k + c]);
        // The control joins as the last condition: zero embedding, zero change (as the paper's script adds "ctrl").
        var y = Matrix<double>.Build.Dense(genes, n, (g, j) => j < inputs.Length ? deltas[j][g] : 0);
        _center = Enumerable.Range(0, genes).Select(g => y.Row(g).Sum() / n).ToArray();
        var yc = Matrix<double>.Build.Dense(genes, n, (g, j) => y[g, j] - _center[g]);
        var p = Matrix<double>.Build.Dense(d, n, (i, j) => j < inputs.Length ? inputs[j][i] : 0);
        var w = LinearModel.BilinearRidge(g0, yc, p, Ridge);
        _map = (g0 * w).ToRowMajorArray();
        return new Dictionary<string, object>();
    }

    private protected override double[] Apply(double[] input)
    {
        int genes = _center.Length, d = input.Length;
        var y = (double[])_center.Clone();
        for (int g = 0; g < genes; g++)
        {
            double s = 0;
            for (int j = 0; j < d; j++) s += _map[g * d + j] * input[j];
            y[g] += s;
        }
        return y;
    }

    private protected override IEnumerable<NamedTensor> MapParameters() =>
        [new("gene_map", [_center.Length, InputDimensions], _map), new("center", [_center.Length], _center)];

    private protected override void RestoreMap(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        _center = Vector(tensors, "center", Genes.Length, path);
        _map = Vector(tensors, "gene_map", Genes.Length * InputDimensions, path);
    }
}
