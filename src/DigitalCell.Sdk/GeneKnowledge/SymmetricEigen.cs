using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// The largest eigenpairs of a large symmetric operator given only as a matrix–vector product: Lanczos with full
/// re-orthogonalisation (Golub &amp; Van Loan §10.1), Ritz pairs from the tridiagonal matrix. Deterministic for a seed;
/// each eigenvector's sign is fixed so that its largest-magnitude entry is positive.
/// </summary>
internal static class SymmetricEigen
{
    public static (double[] Values, double[][] Vectors) Top(int n, Action<double[], double[]> multiply, int count, int seed, CancellationToken cancellationToken)
    {
        count = Math.Min(count, n);
        int steps = Math.Min(n, Math.Max(6 * count, count + 200));
        var rng = new Random(seed);
        var basis = new List<double[]>(steps);
        var alpha = new List<double>();
        var beta = new List<double>();
        var q = new double[n];
        for (int i = 0; i < n; i++) q[i] = rng.NextDouble() - 0.5;
        Scale(q, 1 / Norm(q));
        var w = new double[n];
        for (int j = 0; j < steps; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            basis.Add(q);
            multiply(q, w);
            alpha.Add(Dot(q, w));
            // Two passes of Gram–Schmidt against the whole basis keep the Ritz vectors orthogonal in floating point.
            for (int pass = 0; pass < 2; pass++)
                foreach (var b in basis) Axpy(-Dot(b, w), b, w);
            double norm = Norm(w);
            if (norm < 1e-10 || j == steps - 1) break;
            beta.Add(norm);
            q = new double[n];
            for (int i = 0; i < n; i++) q[i] = w[i] / norm;
        }
        int m = basis.Count;
        var t = Matrix<double>.Build.Dense(m, m);
        for (int i = 0; i < m; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < m) t[i, i + 1] = t[i + 1, i] = beta[i];
        }
        var evd = t.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, m).OrderByDescending(i => evd.EigenValues[i].Real).Take(Math.Min(count, m)).ToArray();
        var values = order.Select(i => evd.EigenValues[i].Real).ToArray();
        var vectors = new double[order.Length][];
        Parallel.For(0, order.Length, c =>
        {
            var v = new double[n];
            for (int k = 0; k < m; k++) Axpy(evd.EigenVectors[k, order[c]], basis[k], v);
            int arg = 0;
            for (int i = 1; i < n; i++) if (Math.Abs(v[i]) > Math.Abs(v[arg])) arg = i;
            if (v[arg] < 0) Scale(v, -1);
            vectors[c] = v;
        });
        return (values, vectors);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static void Scale(double[] x, double a)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= a;
    }
}
