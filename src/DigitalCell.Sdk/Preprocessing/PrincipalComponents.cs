using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Statistics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace DigitalCell.Sdk.Preprocessing;

/// <summary>
/// Principal component analysis by randomized truncated SVD (Halko, Martinsson &amp; Tropp 2011, as sklearn's
/// <c>randomized_svd</c>) of the mean-centred matrix, without densifying a sparse X: centring is implicit,
/// (X − 1μᵀ)·M = X·M − 1(μᵀM), so only sparse products and thin dense blocks are formed.
/// </summary>
public static class PrincipalComponents
{
    /// <summary>The <see cref="WorkProgress.Step"/> reported through <see cref="PcaOptions.Progress"/>.</summary>
    public const string ProgressStep = "PCA";

    /// <summary>
    /// Adds the first <paramref name="components"/> principal components as scanpy does: obsm <c>X_pca</c>
    /// (cells × k), varm <c>PCs</c> (genes × k, zero rows for genes left out), uns <c>pca</c> with
    /// <c>variance</c> and <c>variance_ratio</c>. Signs follow sklearn's <c>svd_flip</c>: in each component the cell
    /// with the largest absolute score is positive.
    /// </summary>
    /// <exception cref="DigitalCellException">NaN or ∞ in X, named by cell and gene.</exception>
    public static CellDataset Pca(this CellDataset data, int components = 50, PcaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new PcaOptions();
        NonFiniteValues.Reject(data, "PCA", "NaN/∞ have no principal components (drop or impute them first).");
        bool useHvg = options.UseHighlyVariable ?? data.Var.Contains("highly_variable");
        int[] genes = useHvg ? HighlyVariable(data) : Enumerable.Range(0, data.GeneCount).ToArray();
        var x = genes.Length == data.GeneCount ? data.X : data.X.SelectColumns(genes);
        var pca = Fit(x, components, options);
        int k = pca.ComponentCount, n = pca.CellCount;
        var scores = new float[(long)n * k];
        for (long i = 0; i < scores.LongLength; i++) scores[i] = (float)pca.Scores[i];
        var loadings = new float[(long)data.GeneCount * k];
        for (int c = 0; c < k; c++)
            for (int g = 0; g < genes.Length; g++) loadings[(long)genes[g] * k + c] = (float)pca.Components[(long)c * genes.Length + g];
        var uns = new Dictionary<string, object>
        {
            ["variance"] = pca.ExplainedVariance,
            ["variance_ratio"] = pca.ExplainedVarianceRatio,
            ["params"] = new Dictionary<string, object> { ["zero_center"] = options.ZeroCenter, ["use_highly_variable"] = useHvg, ["svd_solver"] = "randomized" },
        };
        return data.WithObsm("X_pca", new DenseCellMatrix(n, k, scores))
            .WithVarm("PCs", new DenseCellMatrix(data.GeneCount, k, loadings))
            .WithUns("pca", uns);
    }

    /// <summary>The PCA of <paramref name="x"/> (cells × genes) itself.</summary>
    /// <exception cref="DigitalCellException">Too many components, or NaN/∞ in <paramref name="x"/> (named by row and column).</exception>
    public static PcaResult Fit(CellMatrix x, int components, PcaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        options ??= new PcaOptions();
        int n = x.RowCount, p = x.ColumnCount;
        int maxK = Math.Min(n, p);
        if (components <= 0 || components > maxK)
            throw new DigitalCellException($"PCA: asked for {components} components but a {n} × {p} matrix has at most {maxK}.");
        if (NonFiniteValues.First(x) is var (row, column, value))
            throw new DigitalCellException($"PCA: the matrix is {value} at row {row}, column {column}; NaN/∞ have no principal components (drop or impute them first).");
        int l = Math.Min(maxK, components + Math.Max(0, options.Oversampling));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism is > 0 and var m ? m : -1 };
        var moments = GeneMoments.Compute(x);
        // Without centring the operator subtracts a zero mean; the total variance stays the centred one (sklearn's TruncatedSVD ratio).
        var op = new CenteredOperator(x.ToSparse(), options.ZeroCenter ? moments : moments with { Mean = new double[p] }, parallel);

        var rng = new MathNet.Numerics.Random.SystemRandomSource(options.Seed, threadSafe: false);
        var omega = new double[(long)p * l];
        MathNet.Numerics.Distributions.Normal.Samples(rng, omega, 0, 1);
        // Progress counts the passes over X: the range finder's first, two per power iteration, the projection's last.
        long passes = 2 + 2L * Math.Max(0, options.PowerIterations), done = 0;
        void Passed() => WorkProgress.ReportStep(options.Progress, ProgressStep, ++done, passes);
        var q = Orthonormalize(op.Times(omega, l), n, l, parallel);
        Passed();
        for (int it = 0; it < options.PowerIterations; it++)
        {
            var z = Orthonormalize(op.TransposeTimes(q, l), p, l, parallel);
            Passed();
            q = Orthonormalize(op.Times(z, l), n, l, parallel);
            Passed();
        }
        // B = Qᵀ·A = Cᵀ with C = Aᵀ·Q (p × l); C = Q₂R, R = U S Vᵀ  ⇒  A ≈ (Q V) S (Q₂ U)ᵀ
        var c = op.TransposeTimes(q, l);
        Passed();
        var qr = Matrix<double>.Build.Dense(p, l, (i, j) => c[(long)i * l + j]).QR(QRMethod.Thin);
        var svd = qr.R.Svd(computeVectors: true);
        var right = qr.Q * svd.U;          // p × l: gene loadings
        var left = svd.VT.Transpose();     // l × l: rotates Q into the cells' singular vectors
        int k = components;
        var scores = new double[(long)n * k];
        Parallel.For(0, n, parallel, i =>
        {
            for (int cIdx = 0; cIdx < k; cIdx++)
            {
                double s = 0;
                for (int t = 0; t < l; t++) s += q[(long)i * l + t] * left[t, cIdx];
                scores[(long)i * k + cIdx] = s * svd.S[cIdx];
            }
        });
        var loadings = new double[(long)k * p];
        for (int cIdx = 0; cIdx < k; cIdx++)
        {
            // sklearn svd_flip (u-based): the largest |score| of each component is positive
            long at = 0;
            double best = -1;
            for (int i = 0; i < n; i++)
                if (Math.Abs(scores[(long)i * k + cIdx]) > best) { best = Math.Abs(scores[(long)i * k + cIdx]); at = i; }
            double sign = scores[at * k + cIdx] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) scores[(long)i * k + cIdx] *= sign;
            for (int g = 0; g < p; g++) loadings[(long)cIdx * p + g] = sign * right[g, cIdx];
        }
        double total = op.Moments.Variance.Sum();
        var variance = new double[k];
        var ratio = new double[k];
        for (int cIdx = 0; cIdx < k; cIdx++)
        {
            variance[cIdx] = svd.S[cIdx] * svd.S[cIdx] / (n - 1);
            ratio[cIdx] = total > 0 ? variance[cIdx] / total : 0;
        }
        return new PcaResult(scores, loadings, variance, ratio, op.Moments.Mean, n, k);
    }

    private static int[] HighlyVariable(CellDataset data)
    {
        if (data.Var["highly_variable"] is not BooleanColumn hv)
            throw new DigitalCellException($"var column 'highly_variable' is {data.Var["highly_variable"].TypeName}, expected bool.");
        var genes = Enumerable.Range(0, data.GeneCount).Where(j => hv.Values[j]).ToArray();
        if (genes.Length == 0) throw new DigitalCellException("PCA: no gene is marked highly_variable.");
        return genes;
    }

    /// <summary>
    /// Orthonormal basis of the columns of a row-major rows × l block by Cholesky QR applied twice (CholeskyQR2: one
    /// pass leaves an orthogonality error of cond²·ε, the second removes it), falling back to Householder QR when the
    /// block is too ill-conditioned for a Cholesky factor.
    /// </summary>
    private static double[] Orthonormalize(double[] y, int rows, int l, ParallelOptions parallel)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            var gram = Gram(y, rows, l, parallel);
            Matrix<double> rInverse;
            try
            {
                var chol = gram.Cholesky();
                rInverse = chol.Factor.Transpose().Inverse();
            }
            catch (ArgumentException)
            {
                var q = Matrix<double>.Build.Dense(rows, l, (i, j) => y[(long)i * l + j]).QR(QRMethod.Thin).Q;
                var result = new double[(long)rows * l];
                for (int i = 0; i < rows; i++) for (int j = 0; j < l; j++) result[(long)i * l + j] = q[i, j];
                return result;
            }
            if (rInverse.Enumerate().Any(v => !double.IsFinite(v)))
                throw new DigitalCellException("PCA: the data has fewer independent directions than requested components.");
            var r = rInverse.ToArray();
            var next = new double[(long)rows * l];
            Parallel.For(0, rows, parallel, i =>
            {
                for (int j = 0; j < l; j++)
                {
                    double s = 0;
                    for (int t = 0; t <= j; t++) s += y[(long)i * l + t] * r[t, j];
                    next[(long)i * l + j] = s;
                }
            });
            y = next;
        }
        return y;
    }

    private static Matrix<double> Gram(double[] y, int rows, int l, ParallelOptions parallel)
    {
        var total = new double[l * l];
        var gate = new object();
        Parallel.For(0, (rows + 4095) / 4096, parallel, () => new double[l * l], (block, _, local) =>
        {
            int end = Math.Min(rows, (block + 1) * 4096);
            for (int i = block * 4096; i < end; i++)
            {
                long o = (long)i * l;
                for (int a = 0; a < l; a++)
                {
                    double ya = y[o + a];
                    if (ya == 0) continue;
                    for (int b = a; b < l; b++) local[a * l + b] += ya * y[o + b];
                }
            }
            return local;
        }, local => { lock (gate) for (int i = 0; i < local.Length; i++) total[i] += local[i]; });
        return Matrix<double>.Build.Dense(l, l, (a, b) => a <= b ? total[a * l + b] : total[b * l + a]);
    }

    /// <summary>Products with the implicitly centred matrix A = X − 1μᵀ, X sparse (CSR, with its CSC transpose).</summary>
    private sealed class CenteredOperator(SparseCellMatrix x, GeneMoments moments, ParallelOptions parallel)
    {
        private readonly SparseCellMatrix _byGene = x.Transpose();

        public GeneMoments Moments => moments;

        /// <summary>A·M for a row-major genes × l block M: rows × l.</summary>
        public double[] Times(double[] m, int l)
        {
            int n = x.RowCount, p = x.ColumnCount;
            var shift = new double[l]; // μᵀM
            for (int j = 0; j < p; j++)
                for (int t = 0; t < l; t++) shift[t] += moments.Mean[j] * m[(long)j * l + t];
            var result = new double[(long)n * l];
            Parallel.For(0, n, parallel, i =>
            {
                var idx = x.RowIndices(i);
                var val = x.RowValues(i);
                var row = result.AsSpan((int)((long)i * l), l);
                for (int t = 0; t < l; t++) row[t] = -shift[t];
                for (int k = 0; k < idx.Length; k++)
                {
                    double v = val[k];
                    long o = (long)idx[k] * l;
                    for (int t = 0; t < l; t++) row[t] += v * m[o + t];
                }
            });
            return result;
        }

        /// <summary>Aᵀ·N for a row-major cells × l block N: genes × l.</summary>
        public double[] TransposeTimes(double[] nBlock, int l)
        {
            int n = x.RowCount, p = x.ColumnCount;
            var columnSums = new double[l]; // 1ᵀN
            for (int i = 0; i < n; i++)
                for (int t = 0; t < l; t++) columnSums[t] += nBlock[(long)i * l + t];
            var result = new double[(long)p * l];
            Parallel.For(0, p, parallel, j =>
            {
                var idx = _byGene.RowIndices(j);
                var val = _byGene.RowValues(j);
                var row = result.AsSpan((int)((long)j * l), l);
                double mu = moments.Mean[j];
                for (int t = 0; t < l; t++) row[t] = -mu * columnSums[t];
                for (int k = 0; k < idx.Length; k++)
                {
                    double v = val[k];
                    long o = (long)idx[k] * l;
                    for (int t = 0; t < l; t++) row[t] += v * nBlock[o + t];
                }
            });
            return result;
        }
    }
}
