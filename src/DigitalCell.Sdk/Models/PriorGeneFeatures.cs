using DigitalCell.Sdk.GeneKnowledge;
using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The per-gene input of the prior models: the gene's prior vector (<see cref="GeneFeatureTable"/>) followed by the
/// data-derived block — the first K principal-component scores of the training pseudobulk with genes as observations
/// (Ahlmann-Eltze's G), each column scaled to unit root-mean-square. A gene neither prior nor data knows gets zeros.
/// </summary>
internal sealed class PriorGeneFeatures
{
    private readonly GeneFeatureTable? _table;
    private readonly Dictionary<string, double[]> _pca;

    private PriorGeneFeatures(GeneFeatureTable? table, Dictionary<string, double[]> pca, int pcaDimensions)
    {
        _table = table;
        _pca = pca;
        PcaDimensions = pcaDimensions;
    }

    public int PcaDimensions { get; }

    public int Dimensions => (_table?.Dimensions ?? 0) + PcaDimensions;

    /// <summary>The data block as a genes × K tensor in training gene order, for saving.</summary>
    public double[] PcaRows(IReadOnlyList<string> genes) =>
        genes.SelectMany(g => _pca.TryGetValue(Key(g), out var row) ? row : new double[PcaDimensions]).ToArray();

    /// <summary>The feature vector of a perturbation: the sum over its targets (combinations add, as in the linear model).</summary>
    public double[] Of(IReadOnlyList<string> targets)
    {
        var x = new double[Dimensions];
        foreach (var t in targets) Add(x, t);
        return x;
    }

    /// <summary>The feature vector of one gene.</summary>
    public double[] OfGene(string gene)
    {
        var x = new double[Dimensions];
        Add(x, gene);
        return x;
    }

    private void Add(double[] x, string gene)
    {
        int offset = 0;
        if (_table is not null)
        {
            if (_table.Vector(gene) is { } v) for (int i = 0; i < v.Length; i++) x[i] += v[i];
            offset = _table.Dimensions;
        }
        if (_pca.TryGetValue(Key(gene), out var row)) for (int i = 0; i < row.Length; i++) x[offset + i] += row[i];
    }

    private string Key(string gene) => _table?.Priors.Genes.Canonical(gene) ?? gene.ToUpperInvariant();

    /// <summary>Fits the data block on the training profiles (training perturbations and the control as conditions).</summary>
    public static PriorGeneFeatures Fit(GeneFeatureTable? table, TrainingProfiles profiles, int pcaDimensions)
    {
        var means = profiles.Perturbations.Select(p => p.Mean).Append(profiles.Control).ToArray();
        int k = Math.Min(pcaDimensions, means.Length);
        var rows = new double[profiles.Genes.Length][];
        if (k > 0)
        {
            var x = Matrix<double>.Build.Dense(profiles.Genes.Length, means.Length, (g, j) => means[j][g]);
            var g0 = LinearModel.GeneEmbedding(x, k);
            for (int c = 0; c < k; c++)
            {
                double rms = Math.Sqrt(g0.Column(c).Sum(v => v * v) / g0.RowCount);
                if (rms > 0) g0.SetColumn(c, g0.Column(c) / rms);
            }
            for (int g = 0; g < rows.Length; g++) rows[g] = g0.Row(g).ToArray();
        }
        return Restore(table, profiles.Genes, rows.SelectMany(r => r ?? []).ToArray(), k);
    }

    /// <summary>Rebuilds the features from a saved data block.</summary>
    public static PriorGeneFeatures Restore(GeneFeatureTable? table, IReadOnlyList<string> genes, double[] pcaRows, int pcaDimensions)
    {
        var features = new PriorGeneFeatures(table, new Dictionary<string, double[]>(StringComparer.Ordinal), pcaDimensions);
        for (int g = 0; g < genes.Count && pcaDimensions > 0; g++)
            features._pca.TryAdd(features.Key(genes[g]), pcaRows.AsSpan(g * pcaDimensions, pcaDimensions).ToArray());
        return features;
    }
}
