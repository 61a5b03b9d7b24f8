using DigitalCell.Sdk.Data;
using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// Distance of a profile to the reference cells' centroid (Geneformer's "in silico treatment" goal state), Euclidean in
/// a <see cref="ReferenceSpace"/>. Genes are those the model predicts and both the start and reference data measure.
/// </summary>
internal sealed class ReferenceStateObjective : ScreenObjective
{
    private readonly CellDataset _reference;
    private readonly ReferenceSpace _space;

    public ReferenceStateObjective(string name, CellDataset reference, ReferenceSpace space)
        : base($"toward {name} ({reference?.CellCount ?? 0} reference cells; {space})")
    {
        _reference = reference ?? throw new ArgumentNullException(nameof(reference));
        _space = space ?? throw new ArgumentNullException(nameof(space));
        if (reference.CellCount == 0) throw new DigitalCellException($"Objective toward {name}: no reference cells match.");
        if (space.VariableGenes < 0 || space.Components < 0) throw new DigitalCellException($"Objective toward {name}: the space needs non-negative sizes.");
    }

    internal override BoundObjective Bind(IReadOnlyList<string> genes, CellDataset start)
    {
        var refIndex = Index(_reference.GeneNames);
        var startIndex = Index(start.GeneNames);
        var shared = Enumerable.Range(0, genes.Count).Where(g => refIndex.ContainsKey(genes[g]) && startIndex.ContainsKey(genes[g])).ToArray();
        if (shared.Length == 0) throw new DigitalCellException($"Objective {Description}: the model's genes and the reference data share none.");
        // Rows: start cells then reference cells, columns: the shared genes in model order.
        var pooled = Rows(start, shared.Select(g => startIndex[genes[g]]).ToArray()).Concat(Rows(_reference, shared.Select(g => refIndex[genes[g]]).ToArray())).ToArray();
        int n = pooled.Length, m = shared.Length;
        var mean = new double[m];
        var variance = new double[m];
        foreach (var row in pooled) for (int j = 0; j < m; j++) mean[j] += row[j] / n;
        foreach (var row in pooled) for (int j = 0; j < m; j++) variance[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        // Most variable first; ties by model order so the choice is reproducible.
        var keep = Enumerable.Range(0, m).OrderByDescending(j => variance[j]).ThenBy(j => j)
            .Take(_space.VariableGenes > 0 ? _space.VariableGenes : m).Order().ToArray();
        var centroid = new double[keep.Length];
        var refRows = pooled.Skip(start.CellCount).ToArray();
        foreach (var row in refRows) for (int k = 0; k < keep.Length; k++) centroid[k] += row[keep[k]] / refRows.Length;
        var columns = keep.Select(j => shared[j]).ToArray();
        double[,]? basis = null;
        if (_space.Components > 0)
        {
            int components = Math.Min(_space.Components, Math.Min(keep.Length, n - 1));
            var centred = Matrix<double>.Build.Dense(n, keep.Length, (i, k) => pooled[i][keep[k]] - mean[keep[k]]);
            // Loadings = right singular vectors (PCA without scaling); signs do not change distances.
            var svd = centred.Svd(computeVectors: true);
            basis = new double[components, keep.Length];
            for (int c = 0; c < components; c++) for (int k = 0; k < keep.Length; k++) basis[c, k] = svd.VT[c, k];
        }
        var missing = genes.Where(g => !refIndex.ContainsKey(g) || !startIndex.ContainsKey(g)).ToArray();
        return new Bound(columns, centroid, basis, missing);
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> names)
    {
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < names.Count; i++) index.TryAdd(names[i], i);
        return index;
    }

    private static IEnumerable<double[]> Rows(CellDataset data, int[] columns)
    {
        var row = new float[data.GeneCount];
        for (int i = 0; i < data.CellCount; i++)
        {
            data.X.CopyRow(i, row);
            yield return columns.Select(c => (double)row[c]).ToArray();
        }
    }

    private sealed class Bound(int[] columns, double[] centroid, double[,]? basis, IReadOnlyList<string> missing) : BoundObjective
    {
        public override IReadOnlyList<int> Columns => columns;

        public override IReadOnlyList<string> Missing => missing;

        public override double Score(ReadOnlySpan<double> profile)
        {
            if (basis is null)
            {
                double s = 0;
                for (int k = 0; k < columns.Length; k++) s += (profile[columns[k]] - centroid[k]) * (profile[columns[k]] - centroid[k]);
                return Math.Sqrt(s);
            }
            double total = 0;
            for (int c = 0; c < basis.GetLength(0); c++)
            {
                double p = 0;
                for (int k = 0; k < columns.Length; k++) p += basis[c, k] * (profile[columns[k]] - centroid[k]);
                total += p * p;
            }
            return Math.Sqrt(total);
        }
    }
}
