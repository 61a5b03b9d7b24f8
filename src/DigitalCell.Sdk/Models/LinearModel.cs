using DigitalCell.Sdk.Perturbations;
using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The linear baseline of Ahlmann-Eltze, Huber &amp; Anders ("Deep-learning-based gene perturbation effect prediction
/// does not yet outperform simple linear baselines", Nature Methods 22, 1657–1661, 2025), as in their
/// <c>run_linear_pretrained_model.R</c>:
/// <list type="number">
/// <item>pseudobulk each training condition (and the control) and take the change from the control mean, Y (genes × conditions); centre rows: b = rowMeans(Y), Ỹ = Y − b;</item>
/// <item>gene embedding G (genes × K): the first K principal-component scores of the training pseudobulk matrix (genes as observations, each condition column centred — R's <c>prcomp</c>);</item>
/// <item>perturbation embedding P (K × conditions): the row of G of the targeted gene (zero for the control);</item>
/// <item>ridge bilinear fit W = (GᵀG + λI)⁻¹ GᵀỸPᵀ (PPᵀ + λI)⁻¹; prediction ŷ_p = G W P_p + b + c.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>Prior for unseen genes: a target that is not a measured gene has no PCA row; its embedding is the prior
/// zero vector, so its prediction is b + c, the mean training change (the paper's "mean" baseline), instead of the
/// paper's missing value. Such conditions also enter Y with zero embedding, so b averages all training conditions.</para>
/// <para>Combinations: P_AB = P_A + P_B (the model is linear in the embedding).</para>
/// <para>The control condition is part of the fit, as in the paper's script (<c>ctrl</c> is added to the training set).</para>
/// </remarks>
public sealed class LinearModel : BaselineModel
{
    /// <summary>The architecture id in the model card.</summary>
    public const string Architecture = "baseline/linear";

    private double[,] _geneEmbedding = new double[0, 0];
    private double[,] _coefficients = new double[0, 0];
    private Matrix<double>? _geneMap; // G·W, the part of every prediction that does not depend on the perturbation
    private double[] _center = Array.Empty<double>();
    private Dictionary<string, int> _geneIndex = new(StringComparer.Ordinal);

    /// <summary>Creates an unfitted linear baseline.</summary>
    /// <param name="components">K, the PCA dimension of the embeddings (paper default 10).</param>
    /// <param name="ridge">λ, the ridge penalty on both sides (paper default 0.1).</param>
    public LinearModel(int components = 10, double ridge = 0.1)
        : base("linear", Architecture, "Linear baseline of Ahlmann-Eltze, Huber & Anders, Nature Methods 2025 (PCA gene/perturbation embeddings, ridge bilinear map).")
    {
        if (components < 1) throw new DigitalCellException($"Linear baseline: components must be ≥ 1, got {components}.");
        if (!(ridge >= 0)) throw new DigitalCellException($"Linear baseline: ridge must be ≥ 0, got {ridge}.");
        Components = components;
        Ridge = ridge;
        Card = Card with { Hyperparameters = new Dictionary<string, object> { ["components"] = (long)components, ["ridge"] = ridge } };
    }

    /// <summary>Requested PCA dimension K (fewer are used when there are fewer training conditions).</summary>
    public int Components { get; }

    /// <summary>Ridge penalty λ.</summary>
    public double Ridge { get; }

    /// <summary>Loads a saved linear baseline.</summary>
    public static LinearModel Load(string directory) =>
        Load(directory, card => new LinearModel((int)card.Number("components"), card.Number("ridge")));

    private protected override void FitCore(TrainingProfiles profiles)
    {
        int genes = profiles.Genes.Length;
        _geneIndex = IndexGenes(profiles.Genes);
        // Conditions: every training perturbation plus the control (as the paper's script adds "ctrl" to train).
        var means = profiles.Perturbations.Select(p => p.Mean).Append(profiles.Control).ToArray();
        int n = means.Length;
        var x = Matrix<double>.Build.Dense(genes, n, (g, j) => means[j][g]);

        var g0 = GeneEmbedding(x, Math.Min(Components, n));
        _geneEmbedding = g0.ToArray();

        // Each condition's change from its own context's control (the control column's change is 0).
        var deltas = profiles.Perturbations.Select(p => p.Delta).Append(new double[genes]).ToArray();
        var y = Matrix<double>.Build.Dense(genes, n, (g, j) => deltas[j][g]);
        _center = Enumerable.Range(0, genes).Select(g => y.Row(g).Sum() / n).ToArray();
        var yc = Matrix<double>.Build.Dense(genes, n, (g, j) => y[g, j] - _center[g]);

        var p = Matrix<double>.Build.Dense(g0.ColumnCount, n);
        for (int j = 0; j < profiles.Perturbations.Count; j++)
            p.SetColumn(j, Embedding(profiles.Perturbations[j].Perturbation));
        // The last column (control) keeps the zero embedding.

        int k = g0.ColumnCount;
        _coefficients = BilinearRidge(g0, yc, p, Ridge).ToArray();
        _geneMap = null;
        Card = Card with { Hyperparameters = new Dictionary<string, object>(Card.Hyperparameters) { ["components_used"] = (long)k } };
    }

    /// <summary>W = (GᵀG + λI)⁻¹ GᵀỸPᵀ (PPᵀ + λI)⁻¹, the paper's <c>solve_y_axb</c>; NaN coefficients (λ = 0 with a singular system) become 0 as there.</summary>
    internal static Matrix<double> BilinearRidge(Matrix<double> g, Matrix<double> yc, Matrix<double> p, double ridge)
    {
        var left = (g.TransposeThisAndMultiply(g) + Matrix<double>.Build.DenseIdentity(g.ColumnCount) * ridge).Inverse();
        var right = (p.TransposeAndMultiply(p) + Matrix<double>.Build.DenseIdentity(p.RowCount) * ridge).Inverse();
        var w = left * g.TransposeThisAndMultiply(yc) * p.Transpose() * right;
        return w.Map(v => double.IsNaN(v) ? 0 : v);
    }

    /// <summary>
    /// PCA scores of the genes × conditions matrix with each condition column centred: the top-k eigenvectors V of the
    /// small conditions × conditions Gram matrix XcᵀXc give the scores Xc·V (= U·D of the SVD, what prcomp's x holds).
    /// Component signs are arbitrary but cancel in G·W·P.
    /// </summary>
    internal static Matrix<double> GeneEmbedding(Matrix<double> x, int k)
    {
        var xc = x.Clone();
        for (int j = 0; j < xc.ColumnCount; j++)
        {
            double mean = xc.Column(j).Sum() / xc.RowCount;
            for (int g = 0; g < xc.RowCount; g++) xc[g, j] -= mean;
        }
        var evd = xc.TransposeThisAndMultiply(xc).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, xc.ColumnCount).OrderByDescending(i => evd.EigenValues[i].Real).Take(k).ToArray();
        var v = Matrix<double>.Build.Dense(xc.ColumnCount, k, (i, c) => evd.EigenVectors[i, order[c]]);
        return xc * v;
    }

    private Vector<double> Embedding(Perturbation perturbation)
    {
        int k = _geneEmbedding.GetLength(1);
        var e = Vector<double>.Build.Dense(k);
        foreach (var target in perturbation.Targets)
            if (_geneIndex.TryGetValue(target, out int row))
                for (int c = 0; c < k; c++) e[c] += _geneEmbedding[row, c];
        return e;
    }

    private protected override double[] PredictDelta(Perturbation perturbation)
    {
        _geneMap ??= Matrix<double>.Build.DenseOfArray(_geneEmbedding) * Matrix<double>.Build.DenseOfArray(_coefficients);
        var delta = _geneMap * Embedding(perturbation);
        return Enumerable.Range(0, Genes.Length).Select(g => delta[g] + _center[g]).ToArray();
    }

    private protected override IReadOnlyList<string> FallbackNotes(IReadOnlyList<Perturbation> perturbations)
    {
        var unknown = perturbations.SelectMany(p => p.Targets).Where(t => !_geneIndex.ContainsKey(t)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return unknown.Length == 0 ? []
            : [$"target(s) {string.Join(", ", unknown)} are not measured genes, so they have no PCA embedding; their change is the mean training change (the paper's 'mean' baseline, i.e. cell-mean)."];
    }

    private protected override IReadOnlyList<NamedTensor> Parameters()
    {
        int k = _geneEmbedding.GetLength(1);
        return
        [
            new("gene_embedding", [Genes.Length, k], Flatten(_geneEmbedding)),
            new("coefficients", [k, k], Flatten(_coefficients)),
            new("center", [Genes.Length], _center),
        ];
    }

    private protected override void Restore(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        _center = Vector(tensors, "center", Genes.Length, path);
        if (!tensors.TryGetValue("gene_embedding", out var g) || g.Shape.Length != 2 || g.Shape[0] != Genes.Length)
            throw new DigitalCellException(path, "gene_embedding", $"expected a {Genes.Length} × K tensor.");
        int k = g.Shape[1];
        if (!tensors.TryGetValue("coefficients", out var w) || w.Shape.Length != 2 || w.Shape[0] != k || w.Shape[1] != k)
            throw new DigitalCellException(path, "coefficients", $"expected a {k} × {k} tensor.");
        _geneEmbedding = Unflatten(g.Data, Genes.Length, k);
        _coefficients = Unflatten(w.Data, k, k);
        _geneMap = null;
        _geneIndex = IndexGenes(Genes);
    }

    private static Dictionary<string, int> IndexGenes(IReadOnlyList<string> genes)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < genes.Count; i++) index.TryAdd(genes[i], i);
        return index;
    }

    private static double[] Flatten(double[,] m) => m.Cast<double>().ToArray();

    private static double[,] Unflatten(double[] data, int rows, int cols)
    {
        var m = new double[rows, cols];
        Buffer.BlockCopy(data, 0, m, 0, data.Length * sizeof(double));
        return m;
    }
}
