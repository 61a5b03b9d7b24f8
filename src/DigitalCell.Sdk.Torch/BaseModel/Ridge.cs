using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// Multi-output ridge regression with an intercept, solved in its dual (kernel) form, W = Xᵀ(XXᵀ + λI)⁻¹Y on centred X
/// and Y, so thousands of input features cost an n × n solve; λ is chosen by 5-fold cross-validation (mean squared
/// error) inside the training rows. The per-modality baseline of <see cref="ModalityEvaluation"/>.
/// </summary>
internal static class Ridge
{
    /// <summary>Fits <paramref name="y"/> from <paramref name="x"/> (rows are cells) and predicts from <paramref name="xNew"/>.</summary>
    public static Matrix<double> FitPredict(Matrix<double> x, Matrix<double> y, Matrix<double> xNew, IReadOnlyList<double> penalties, int seed)
    {
        var order = Enumerable.Range(0, x.RowCount).ToArray();
        new Random(DigitalCell.Sdk.Seeds.Derive(seed, "ridge folds")).Shuffle(order);
        int folds = Math.Min(5, x.RowCount);
        double best = double.PositiveInfinity, chosen = penalties[0];
        foreach (var penalty in penalties)
        {
            double error = 0;
            for (int f = 0; f < folds; f++)
            {
                var held = order.Where((_, i) => i % folds == f).ToArray();
                var kept = order.Where((_, i) => i % folds != f).ToArray();
                var predicted = Solve(Rows(x, kept), Rows(y, kept), Rows(x, held), penalty);
                error += (predicted - Rows(y, held)).PointwisePower(2).Enumerate().Sum();
            }
            if (error < best) (best, chosen) = (error, penalty);
        }
        return Solve(x, y, xNew, chosen);
    }

    private static Matrix<double> Solve(Matrix<double> x, Matrix<double> y, Matrix<double> xNew, double penalty)
    {
        var xMean = x.ColumnSums() / x.RowCount;
        var yMean = y.ColumnSums() / y.RowCount;
        var xc = x - Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount, (_, j) => xMean[j]);
        var yc = y - Matrix<double>.Build.Dense(y.RowCount, y.ColumnCount, (_, j) => yMean[j]);
        var kernel = xc * xc.Transpose() + Matrix<double>.Build.DenseIdentity(x.RowCount) * penalty;
        var dual = kernel.Cholesky().Solve(yc);
        var centredNew = xNew - Matrix<double>.Build.Dense(xNew.RowCount, xNew.ColumnCount, (_, j) => xMean[j]);
        return centredNew * xc.Transpose() * dual + Matrix<double>.Build.Dense(xNew.RowCount, y.ColumnCount, (_, j) => yMean[j]);
    }

    private static Matrix<double> Rows(Matrix<double> m, int[] rows) => Matrix<double>.Build.Dense(rows.Length, m.ColumnCount, (i, j) => m[rows[i], j]);
}
