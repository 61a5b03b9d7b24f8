using DigitalCell.Sdk.Data;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>How <see cref="ModalityEvaluation.Evaluate"/> splits, selects genes and trains.</summary>
public sealed record ModalityEvaluationOptions
{
    /// <summary>The base model's size, masked-expression steps (<see cref="BaseModelOptions.MaskedSteps"/>), learning rate and gene priors; its seed is replaced by each split's.</summary>
    public BaseModelOptions Model { get; init; } = new() { MaskedSteps = 400, Threads = 1 };

    /// <summary>One random split of the cells per seed.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0, 1, 2];

    /// <summary>Share of the cells held out for scoring.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>The RNA panel: this many genes of highest variance over the training cells (never the test cells).</summary>
    public int Genes { get; init; } = 2000;

    /// <summary>Ridge penalties tried by 5-fold cross-validation inside the training cells.</summary>
    public IReadOnlyList<double> RidgePenalties { get; init; } = [0.1, 1, 10, 100, 1000, 10000];
}

/// <summary>One method's score on one modality of the held-out cells.</summary>
/// <param name="Modality"><c>protein</c> (predicted from RNA) or <c>rna</c> (predicted from protein).</param>
/// <param name="Method"><c>base-model</c>, <c>ridge</c> or <c>train-mean</c>.</param>
/// <param name="Pearson">Mean over features of the Pearson correlation across held-out cells (NaN for a constant prediction: the training mean).</param>
/// <param name="Mae">Mean absolute error over held-out cells and features.</param>
/// <param name="PerFeature">Pearson of each feature (marker or gene) that varies in the held-out cells.</param>
public sealed record ModalityScore(string Modality, string Method, double Pearson, double Mae, IReadOnlyDictionary<string, double> PerFeature);

/// <summary>The scores of one split.</summary>
/// <param name="Seed">The split's seed (split, initialisation and batches).</param>
/// <param name="TrainCells">Cells trained on.</param>
/// <param name="TestCells">Cells scored.</param>
/// <param name="Scores">Every method on every modality.</param>
public sealed record ModalitySplit(int Seed, int TrainCells, int TestCells, IReadOnlyList<ModalityScore> Scores);

/// <summary>Per-modality scores over splits.</summary>
/// <param name="DataId">The data set.</param>
/// <param name="Markers">Protein markers scored.</param>
/// <param name="Genes">RNA genes (panel size).</param>
/// <param name="Splits">One per seed.</param>
public sealed record ModalityEvaluationReport(string DataId, int Markers, int Genes, IReadOnlyList<ModalitySplit> Splits)
{
    /// <summary>Mean and 95 % t-interval half-width over splits of <paramref name="metric"/> for a modality and method.</summary>
    public (double Mean, double HalfWidth) Summary(string modality, string method, Func<ModalityScore, double> metric)
    {
        var values = Splits.Select(s => metric(s.Scores.Single(x => x.Modality == modality && x.Method == method))).ToArray();
        double mean = values.Average();
        if (values.Length < 2) return (mean, double.NaN);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return (mean, MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, values.Length - 1, 0.975) * sd / Math.Sqrt(values.Length));
    }
}

/// <summary>
/// Scores the base model on each modality of a data set with RNA and protein (e.g. ECCITE-seq PBMC): per split, the
/// model is pretrained with cross-modal masked expression on the training cells only, then predicts the held-out cells'
/// protein from their RNA and their RNA from their protein; baselines are the training cells' mean and a ridge
/// regression from the other modality (penalty chosen by cross-validation inside the training cells).
/// </summary>
public static class ModalityEvaluation
{
    /// <summary>Runs every split of <paramref name="options"/> on <paramref name="source"/> (which must carry protein).</summary>
    /// <exception cref="DigitalCellException">The source has no protein, or too few cells to split.</exception>
    public static ModalityEvaluationReport Evaluate(BaseModelSource source, ModalityEvaluationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= new ModalityEvaluationOptions();
        var protein = source.Protein ?? throw new DigitalCellException($"data set '{source.Id}' has no protein: per-modality scores need RNA and protein of the same cells");
        int n = source.Data.CellCount, test = (int)Math.Round(n * options.TestFraction);
        if (test < 2 || n - test < 2) throw new DigitalCellException($"data set '{source.Id}': {n} cells are too few to hold out {options.TestFraction:P0}");
        var device = TorchRuntime.Resolve(options.Model.Device);
        if (options.Model.Threads is int threads) set_num_threads(threads);
        var splits = new List<ModalitySplit>();
        int genes = 0;
        foreach (var seed in options.Seeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var order = Enumerable.Range(0, n).ToArray();
            new Random(DigitalCell.Sdk.Seeds.Derive(seed, "modality split")).Shuffle(order);
            var testRows = order[..test].Order().ToArray();
            var trainRows = order[test..].Order().ToArray();
            var panel = VariableGenes(source.Data, trainRows, options.Genes);
            genes = panel.Length;
            var rna = source.Data.SelectGenes(panel);
            var split = Cells.Of(rna, protein, trainRows, testRows);
            var model = TrainModel(source, rna.SelectCells(trainRows), protein.SelectCells(trainRows), options.Model with { Seed = seed }, device, cancellationToken);
            using var network = model.Network;
            var (proteinFromRna, rnaFromProtein) = Predict(network, model.Corpus, split);
            var markers = protein.GeneNames.ToArray();
            var geneNames = rna.GeneNames.ToArray();
            var scores = new List<ModalityScore>
            {
                Score("protein", "base-model", proteinFromRna, split.TestProtein, markers),
                Score("protein", "ridge", Ridge.FitPredict(split.TrainRna, split.TrainProtein, split.TestRna, options.RidgePenalties, seed), split.TestProtein, markers),
                Score("protein", "train-mean", Mean(split.TrainProtein, split.TestProtein.RowCount), split.TestProtein, markers),
                Score("rna", "base-model", rnaFromProtein, split.TestRna, geneNames),
                Score("rna", "ridge", Ridge.FitPredict(split.TrainProtein, split.TrainRna, split.TestProtein, options.RidgePenalties, seed), split.TestRna, geneNames),
                Score("rna", "train-mean", Mean(split.TrainRna, split.TestRna.RowCount), split.TestRna, geneNames),
            };
            splits.Add(new ModalitySplit(seed, trainRows.Length, testRows.Length, scores));
        }
        return new ModalityEvaluationReport(source.Id, protein.GeneCount, genes, splits);
    }

    /// <summary>The RNA and protein of the training and held-out cells as matrices (cells × features).</summary>
    private sealed record Cells(Matrix<double> TrainRna, Matrix<double> TrainProtein, Matrix<double> TestRna, Matrix<double> TestProtein)
    {
        public static Cells Of(CellDataset rna, CellDataset protein, int[] train, int[] test) =>
            new(Dense(rna, train), Dense(protein, train), Dense(rna, test), Dense(protein, test));

        private static Matrix<double> Dense(CellDataset data, int[] rows)
        {
            var m = Matrix<double>.Build.Dense(rows.Length, data.GeneCount);
            var row = new float[data.GeneCount];
            for (int i = 0; i < rows.Length; i++)
            {
                data.X.CopyRow(rows[i], row);
                for (int j = 0; j < row.Length; j++) m[i, j] = row[j];
            }
            return m;
        }
    }

    /// <summary>Columns of the <paramref name="count"/> genes with the highest variance over <paramref name="rows"/> (ties by column), in column order.</summary>
    private static int[] VariableGenes(CellDataset data, int[] rows, int count)
    {
        var sum = new double[data.GeneCount];
        var squares = new double[data.GeneCount];
        var row = new float[data.GeneCount];
        foreach (var r in rows)
        {
            data.X.CopyRow(r, row);
            for (int j = 0; j < row.Length; j++) { sum[j] += row[j]; squares[j] += (double)row[j] * row[j]; }
        }
        return Enumerable.Range(0, data.GeneCount).Select(j => (j, v: squares[j] / rows.Length - Math.Pow(sum[j] / rows.Length, 2)))
            .Where(x => x.v > 0).OrderByDescending(x => x.v).ThenBy(x => x.j).Take(count).Select(x => x.j).Order().ToArray();
    }

    /// <summary>A network pretrained by cross-modal masked expression on the training cells alone.</summary>
    private static (BaseNetwork Network, PerturbationCorpus Corpus) TrainModel(BaseModelSource source, CellDataset rna, CellDataset protein, BaseModelOptions options,
        Device device, CancellationToken cancellationToken)
    {
        var corpus = PerturbationCorpus.Build([new PerturbationCorpus.PartInput(source.Id, rna, source.Schema, source.ModeByContext, null, protein)]);
        var (priorRows, priorDimensions, _) = DigitalCellBaseModel.PriorRows(options, corpus.Genes, cancellationToken);
        var config = options.Config with { GeneVocabulary = corpus.Genes.Count, PriorDimensions = priorDimensions, Contexts = corpus.Contexts.Count, Agents = 1 };
        var network = BaseNetwork.Create(config, priorRows, corpus.Genes.Count, 1, config.Contexts, options.Seed, device);
        try
        {
            network.AddProteinTokens(corpus.Markers, corpus.Genes, options.Seed);
            new BaseModelTrainer(network, options).Masked(options.MaskedSteps, corpus.Parts, cancellationToken);
            return (network, corpus);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The held-out cells' protein from their RNA and RNA from their protein, in sets of the model's set size (consecutive
    /// held-out cells; the last set wraps to the start, and only real rows are kept).
    /// </summary>
    private static (Matrix<double> Protein, Matrix<double> Rna) Predict(BaseNetwork network, PerturbationCorpus corpus, Cells split)
    {
        var part = corpus.Parts[0];
        int n = split.TestRna.RowCount, s = network.Config.SetSize, chunks = (n + s - 1) / s;
        Tensor Sets(Matrix<double> m)
        {
            var values = new float[chunks * s * m.ColumnCount];
            for (int c = 0; c < chunks * s; c++)
                for (int j = 0; j < m.ColumnCount; j++) values[c * m.ColumnCount + j] = (float)m[c % n, j];
            return tensor(values, [chunks, s, m.ColumnCount], device: network.Device);
        }
        Matrix<double> Rows(Tensor t)
        {
            int width = (int)t.shape[2];
            var values = t.reshape(chunks * s, width)[..n].cpu().data<float>().ToArray();
            return Matrix<double>.Build.Dense(n, width, (i, j) => values[i * width + j]);
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rna = Sets(split.TestRna);
        var panel = network.Index(part.Panel);
        var markers = network.Index(part.Protein!.Panel);
        var protein = network.ImputedProtein(network.EncodeCells(rna, panel, null), markers);
        var fromProtein = network.EncodeCells(rna.index_select(2, network.Index([])), network.Index([]), new ProteinInput(Sets(split.TestProtein), markers));
        return (Rows(protein), Rows(network.HiddenGenes(fromProtein, panel)));
    }

    private static Matrix<double> Mean(Matrix<double> train, int rows)
    {
        var mean = train.ColumnSums() / train.RowCount;
        return Matrix<double>.Build.Dense(rows, train.ColumnCount, (_, j) => mean[j]);
    }

    private static ModalityScore Score(string modality, string method, Matrix<double> predicted, Matrix<double> measured, string[] features)
    {
        var perFeature = new Dictionary<string, double>(StringComparer.Ordinal);
        var correlations = new List<double>();
        for (int j = 0; j < measured.ColumnCount; j++)
        {
            var truth = measured.Column(j).ToArray();
            if (truth.All(v => v == truth[0])) continue; // a feature constant in the held-out cells has no correlation to score
            double r = MathNet.Numerics.Statistics.Correlation.Pearson(predicted.Column(j).ToArray(), truth);
            perFeature[features[j]] = r;
            correlations.Add(r);
        }
        return new ModalityScore(modality, method, correlations.Count == 0 ? double.NaN : correlations.Average(),
            (predicted - measured).Enumerate().Average(Math.Abs), perFeature);
    }
}
