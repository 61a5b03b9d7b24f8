using System.Globalization;
using DigitalCell.Sdk.Perturbations;
using MathNet.Numerics.LinearAlgebra;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// <c>linear-transfer</c>: Ahlmann-Eltze, Huber &amp; Anders's linear model with the perturbation embedding P learned on
/// <em>another</em> screen (their best model took P from the Replogle K562 screen). P of a gene the source perturbed
/// (alone) is its row of the source's perturbation PCA: the first K principal-component scores of the source pseudobulk
/// (conditions × genes, the control included, each gene centred), each component scaled to unit root-mean-square over
/// the conditions. A gene the source never perturbed falls back to its prior vector (<c>linear-prior</c>'s P: prior
/// blocks + data PCA) in separate columns, P_g = [S_g, 0] or [0, F_g], summed over the targets of a combination; the
/// prediction notes every fallback. G and the bilinear ridge are <see cref="PriorLinearModel"/>'s.
/// </summary>
public sealed class LinearTransferModel : PriorLinearModel
{
    /// <summary>The architecture id in the model card.</summary>
    public new const string Architecture = "prior/linear-transfer";

    private readonly TransferSource _source;
    private Dictionary<string, double[]> _embedding = new(StringComparer.OrdinalIgnoreCase);
    private string[] _sourceGenes = [];
    private int _components;

    /// <summary>Creates an unfitted linear-transfer model.</summary>
    /// <param name="source">The screen P is learned on.</param>
    /// <param name="options">Priors and blocks of the fallback embedding.</param>
    /// <param name="ridge">λ on both sides (paper default 0.1).</param>
    public LinearTransferModel(TransferSource source, PriorModelOptions? options = null, double ridge = 0.1) : base("linear-transfer", Architecture,
        "Linear model of Ahlmann-Eltze, Huber & Anders 2025 with the perturbation embedding P learned on another screen; genes that screen did not perturb use their gene-prior vector.",
        options, ridge)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        source.Validate();
    }

    /// <summary>Loads a saved linear-transfer model (the source embedding is in its weights; the prior files are located with GenePriors.FromEnvironment).</summary>
    public static new LinearTransferModel Load(string directory) =>
        Load(directory, card => new LinearTransferModel(new TransferSource(CatalogId: card.Hyperparameters.TryGetValue("source_id", out var id) ? (string)id : "saved"),
            PriorModelOptions.FromCard(card), card.Number("ridge")));

    /// <summary>Creates the model from its benchmark name <c>linear-transfer:CATALOG-ID</c>.</summary>
    internal static LinearTransferModel FromName(string name)
    {
        var parts = name.Split(':', 2);
        if (parts.Length < 2 || parts[1].Trim().Length == 0)
            throw new DigitalCellException($"Model '{name}': name the source screen as linear-transfer:CATALOG-ID (e.g. linear-transfer:norman2019-perturbench-devel).");
        return new LinearTransferModel(new TransferSource(CatalogId: parts[1].Trim()));
    }

    /// <summary>The screen P is learned on.</summary>
    public TransferSource Source => _source;

    /// <summary>The genes the source screen perturbed alone (they have a transferred embedding).</summary>
    public IReadOnlyList<string> SourceGenes => _sourceGenes;

    private protected override int InputDimensions => _components + Features.Dimensions;

    private protected override void PrepareInputs()
    {
        var (data, schema, id, sha) = _source.Resolve();
        var all = Enumerable.Range(0, data.CellCount).Select(i => data.Obs[schema.PerturbationColumn].GetText(i))
            .Where(l => l.Length > 0 && !schema.IsControlLabel(l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var profiles = TrainingProfiles.From(new PerturbationTrainingSet(data, schema, all, dataId: id));
        var scores = PerturbationEmbedding(profiles.Perturbations.Select(p => p.Mean).Append(profiles.Control).ToArray(), _source.Components);
        _components = scores.ColumnCount;
        _embedding = new Dictionary<string, double[]>(StringComparer.OrdinalIgnoreCase);
        for (int j = 0; j < profiles.Perturbations.Count; j++)
            if (profiles.Perturbations[j].Perturbation.Targets is [var gene])
                _embedding.TryAdd(gene, scores.Row(j).ToArray());
        _sourceGenes = [.. _embedding.Keys.Order(StringComparer.OrdinalIgnoreCase)];
        Card = Card with
        {
            Hyperparameters = new Dictionary<string, object>(Card.Hyperparameters)
            {
                ["source_id"] = id, ["source_sha256"] = sha, ["source_components"] = (long)_components, ["source_genes"] = string.Join(",", _sourceGenes),
            },
        };
    }

    /// <summary>
    /// PCA scores of the conditions (rows) with each gene centred over them, from the small conditions × conditions
    /// Gram matrix (scores = U·√λ); each component scaled to unit root-mean-square over the conditions.
    /// </summary>
    internal static Matrix<double> PerturbationEmbedding(double[][] conditions, int components)
    {
        int n = conditions.Length, genes = conditions[0].Length;
        var x = Matrix<double>.Build.Dense(n, genes, (j, g) => conditions[j][g]);
        for (int g = 0; g < genes; g++)
        {
            double mean = x.Column(g).Sum() / n;
            for (int j = 0; j < n; j++) x[j, g] -= mean;
        }
        var evd = x.TransposeAndMultiply(x).Evd(Symmetricity.Symmetric);
        // Centring leaves n − 1 directions; a further one would be numerical noise scaled up to unit size.
        int k = Math.Min(components, n - 1);
        var order = Enumerable.Range(0, n).OrderByDescending(i => evd.EigenValues[i].Real).Take(k).ToArray();
        var scores = Matrix<double>.Build.Dense(n, k, (j, c) => evd.EigenVectors[j, order[c]] * Math.Sqrt(Math.Max(evd.EigenValues[order[c]].Real, 0)));
        for (int c = 0; c < k; c++)
        {
            double rms = Math.Sqrt(scores.Column(c).Sum(v => v * v) / n);
            if (rms > 0) scores.SetColumn(c, scores.Column(c) / rms);
        }
        return scores;
    }

    private protected override double[] Inputs(Perturbation perturbation)
    {
        var x = new double[InputDimensions];
        foreach (var target in perturbation.Targets)
        {
            if (_embedding.TryGetValue(target, out var s))
                for (int c = 0; c < s.Length; c++) x[c] += s[c];
            else
            {
                var f = Features.OfGene(target);
                for (int i = 0; i < f.Length; i++) x[_components + i] += f[i];
            }
        }
        return x;
    }

    private protected override IReadOnlyList<string> FallbackNotes(IReadOnlyList<Perturbation> perturbations)
    {
        var missing = perturbations.SelectMany(p => p.Targets).Where(t => !_embedding.ContainsKey(t)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
        string source = Card.Hyperparameters.TryGetValue("source_id", out var id) ? (string)id : "the source";
        return missing.Length == 0 ? []
            : [$"target(s) {string.Join(", ", missing)} were not perturbed in '{source}', so they have no transferred embedding; their embedding is the gene-prior vector (as linear-prior)."];
    }

    private protected override IEnumerable<NamedTensor> MapParameters() =>
        base.MapParameters().Append(new NamedTensor("source_embedding", [_sourceGenes.Length, _components], _sourceGenes.SelectMany(g => _embedding[g]).ToArray()));

    private protected override void RestoreMap(IReadOnlyDictionary<string, NamedTensor> tensors, string path)
    {
        _sourceGenes = Card.Hyperparameters.TryGetValue("source_genes", out var g) && ((string)g).Length > 0 ? ((string)g).Split(',') : [];
        if (!tensors.TryGetValue("source_embedding", out var e) || e.Shape.Length != 2 || e.Shape[0] != _sourceGenes.Length)
            throw new DigitalCellException(path, "source_embedding", $"expected a {_sourceGenes.Length} × K tensor (one row per source gene in the card).");
        _components = e.Shape[1];
        _embedding = new Dictionary<string, double[]>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < _sourceGenes.Length; i++) _embedding[_sourceGenes[i]] = e.Data.AsSpan(i * _components, _components).ToArray();
        if ((long)_components != (long)Card.Number("source_components"))
            throw new DigitalCellException(path, "source_embedding", string.Create(CultureInfo.InvariantCulture, $"has {_components} components, the card says {Card.Number("source_components")}."));
        base.RestoreMap(tensors, path);
    }
}
