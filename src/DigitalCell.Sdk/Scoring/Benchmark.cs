using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// Fits models on a split's training perturbations, predicts its test perturbations, and scores the predictions
/// against the real held-out cells with cell-eval's pipeline:
/// <code>
/// var report = Benchmark.On(data, schema, split)
///     .Models(Baselines.ControlMean(), Baselines.CellMean(), Baselines.Linear())
///     .Metrics(Metrics.VirtualCellChallenge)
///     .Run();
/// </code>
/// </summary>
/// <remarks>
/// Predictions become cell-eval-style predicted AnnData: each test perturbation gets as many cells as the real data
/// has (copies of the predicted mean unless the model samples cells), plus the real control cells, exactly as
/// cell-eval's baseline builder does. Counts are normalised to the median library size and log1p-transformed first.
/// The overall score is scaled against <c>cell-mean</c>, which is added when not listed.
/// </remarks>
public sealed class Benchmark
{
    private readonly CellDataset _data;
    private readonly PerturbationSchema _schema;
    private readonly PerturbationSplit _split;
    private readonly List<IPerturbationModel> _models = [];
    private IReadOnlyList<Metric>? _metrics;
    private ScoringMode _mode = ScoringMode.CellEval;
    private ScoreReportOptions _options = new();
    private readonly List<string> _provenance = [];

    private Benchmark(CellDataset data, PerturbationSchema schema, PerturbationSplit split)
    {
        _data = data;
        _schema = schema;
        _split = split;
    }

    /// <summary>The default metrics: the VCC trio, Pearson delta (cell-eval and Systema's perturbed reference), MSE and the delta errors.</summary>
    public static IReadOnlyList<Metric> Default { get; } =
        [Scoring.Metrics.OverlapAtN, Scoring.Metrics.DiscriminationScoreL1, Scoring.Metrics.Mae, Scoring.Metrics.PearsonDelta,
         Scoring.Metrics.PearsonDeltaPerturbedReference, Scoring.Metrics.Mse, Scoring.Metrics.MaeDelta, Scoring.Metrics.DeDirectionMatch];

    /// <summary>Starts a benchmark on a dataset, its schema and a split of its perturbations.</summary>
    public static Benchmark On(CellDataset data, PerturbationSchema schema, PerturbationSplit split)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(split);
        return new Benchmark(data, schema, split);
    }

    /// <summary>Adds models to compare (unfitted; the benchmark fits them).</summary>
    public Benchmark Models(params IPerturbationModel[] models)
    {
        foreach (var m in models)
        {
            if (_models.Any(x => x.Name == m.Name)) throw new DigitalCellException($"Benchmark: two models are named '{m.Name}'.");
            _models.Add(m);
        }
        return this;
    }

    /// <summary>Chooses the metrics (default <see cref="Default"/>, or the VCC 2026 six in <see cref="ScoringMode.Vcc2026"/>).</summary>
    public Benchmark Metrics(IEnumerable<Metric> metrics)
    {
        _metrics = metrics.ToArray();
        if (_metrics.Count == 0) throw new DigitalCellException("Benchmark: no metric chosen.");
        return this;
    }

    /// <summary>Chooses the scoring definitions (default <see cref="ScoringMode.CellEval"/>).</summary>
    public Benchmark Mode(ScoringMode mode)
    {
        _mode = mode ?? throw new ArgumentNullException(nameof(mode));
        return this;
    }

    /// <summary>Sets aggregation options (baseline model, bootstrap samples, seed).</summary>
    public Benchmark Options(ScoreReportOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Adds lines to the report's provenance (e.g. how the data was subset before the benchmark).</summary>
    public Benchmark Provenance(params string[] notes)
    {
        _provenance.AddRange(notes.Where(n => !string.IsNullOrWhiteSpace(n)));
        return this;
    }

    /// <summary>Fits, predicts and scores every model.</summary>
    /// <exception cref="DigitalCellException">No model, a test perturbation without cells, or no control cells in the test context.</exception>
    public ScoreReport Run(IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (_models.Count == 0) throw new DigitalCellException("Benchmark: add at least one model with .Models(...).");
        var models = _models.ToList();
        var metrics = _metrics ?? _mode.DefaultMetrics ?? Default;
        if (_options.BaselineModel == "cell-mean" && models.All(m => m.Name != "cell-mean")) models.Add(Baselines.CellMean());

        progress?.Report(new BenchmarkProgress("prepare", null, 0, models.Count));
        var data = ExpressionScale.EnsureLogNormalized(_data, "data", out string scaleNote);
        // Context-aware throughout: a perturbation's effect is measured, fitted and scored against its own context's controls.
        string? contextColumn = _schema.ContextColumn ?? _split.ContextColumn;
        var schema = _schema with { ContextColumn = contextColumn };
        var (trainData, testData) = SplitCells(data);
        string control = _schema.PrimaryControl;
        var realTest = WithUnifiedControl(testData, control);
        var train = PerturbationTrainingSet.FromSplit(trainData, schema, _split, _split.DataId ?? _data.Source);
        var builder = new ScoringInputBuilder(realTest, _schema.PerturbationColumn, control, _mode, contextColumn) { PerturbedReference = PerturbedReference(train) };
        var units = builder.Units;
        var groups = TestGroups(realTest, units, control, contextColumn);

        var scores = new List<ModelScores>();
        var notes = new List<string>();
        for (int i = 0; i < models.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var model = models[i];
            progress?.Report(new BenchmarkProgress("fit", model.Name, i, models.Count));
            model.Fit(train, null, cancellationToken);
            progress?.Report(new BenchmarkProgress("predict", model.Name, i, models.Count));
            var predictions = groups.Select(g => (g.Context, g.ControlRows, Prediction: model.Predict(
                g.Labels.Select(l => Perturbation.Parse(l, _schema)).ToArray(),
                new PredictionContext(g.Context, ControlCells: realTest.X.SelectRows(g.ControlRows))))).ToArray();
            notes.AddRange(predictions.SelectMany(p => p.Prediction.Notes).Distinct(StringComparer.Ordinal).Select(n => $"{model.Name}: {n}"));
            var predicted = PredictedDataset(predictions.Select(p => new ContextPrediction(p.Context, p.Prediction, p.ControlRows)).ToArray(),
                realTest, CellCounts(realTest, units, contextColumn), control, _schema.PerturbationColumn, contextColumn);
            progress?.Report(new BenchmarkProgress("score", model.Name, i, models.Count));
            var scoring = progress is null ? null : new Forward(progress, "score", model.Name, i, models.Count);
            scores.Add(Scorer.Score(model.Name, builder.Build(predicted, metrics, scoring), metrics, _mode));
        }
        progress?.Report(new BenchmarkProgress("bootstrap", null, models.Count, models.Count));
        var counts = CellCounts(realTest, units, contextColumn);
        var report = ScoreReport.Create(scores, metrics, _mode, _options, progress is null ? null : new Forward(progress, "bootstrap", null, models.Count, models.Count));
        progress?.Report(new BenchmarkProgress("done", null, models.Count, models.Count));
        return report.WithProvenance(_split, _split.DataId ?? _data.Source,
            [
                scaleNote,
                .. _provenance,
                contextColumn is null
                    ? ContextColumns.Warning(_data, _schema) ?? "Contexts: none (every perturbation is compared with all control cells)."
                    : $"Contexts: obs column '{contextColumn}'; each perturbation is fitted and scored against the controls of its own context " +
                      $"({string.Join(", ", groups.Select(g => $"{g.Context}: {g.ControlRows.Length} control cells"))}).",
                $"Predictions: {string.Join(", ", units.Select(u => $"{u.Id} ({counts[u]} cells)"))} as copies of each model's predicted mean " +
                $"(or its sampled cells), plus the real control cells of each context, as cell-eval's baseline builder does.",
                $"Differential expression: Wilcoxon rank-sum with tie and continuity correction, {(_mode.GlobalFdr ? "one BH over all perturbation × gene tests" : "BH per perturbation")}" +
                $"{(contextColumn is null ? "" : " (within each context)")}, " +
                $"{(_mode.ClippedFoldChange ? "fold change clipped at 20" : "log2 fold change with ε = 0")}; significant = FDR < 0.05.",
                .. notes.Distinct(StringComparer.Ordinal),
            ]);
    }

    /// <summary>Passes a long step's <see cref="WorkProgress"/> on as a <see cref="BenchmarkProgress"/> of its stage.</summary>
    private sealed class Forward(IProgress<BenchmarkProgress> progress, string stage, string? model, int completed, int total) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => progress.Report(new BenchmarkProgress(stage, model, completed, total) { Work = value });
    }

    /// <summary>The test units of each context with the rows of that context's control cells.</summary>
    private (string? Context, string[] Labels, int[] ControlRows)[] TestGroups(CellDataset realTest, IReadOnlyList<ScoringUnit> units, string control, string? contextColumn)
    {
        var labels = PerturbationTrainingSet.CellLabels(realTest, _schema.PerturbationColumn);
        var contexts = contextColumn is null ? null : PerturbationTrainingSet.CellLabels(realTest, contextColumn);
        return units.GroupBy(u => u.Context).Select(g => (g.Key, g.Select(u => u.Perturbation).ToArray(),
                Enumerable.Range(0, labels.Length).Where(i => labels[i] == control && (contexts is null || contexts[i] == g.Key)).ToArray()))
            .ToArray();
    }

    /// <summary>
    /// The predicted AnnData of cell-eval's convention: per perturbation, the model's sampled cells when it made them,
    /// else as many copies of the predicted mean as the real data has cells; then the real control cells.
    /// </summary>
    public static CellDataset PredictedDataset(PerturbationPrediction prediction, CellDataset realTest, int[] controlCells,
        IReadOnlyDictionary<string, int> cellCounts, string control, string perturbationColumn = "perturbation")
    {
        ArgumentNullException.ThrowIfNull(cellCounts);
        return PredictedDataset([new ContextPrediction(null, prediction, controlCells)], realTest,
            cellCounts.ToDictionary(kv => new ScoringUnit(kv.Key, null), kv => kv.Value), control, perturbationColumn, null);
    }

    /// <summary>
    /// The predicted AnnData of several contexts: each context's predictions (sampled cells or copies of the mean, as
    /// many as the real unit has cells) and that context's real control cells, with the context in
    /// <paramref name="contextColumn"/>.
    /// </summary>
    internal static CellDataset PredictedDataset(IReadOnlyList<ContextPrediction> predictions, CellDataset realTest,
        IReadOnlyDictionary<ScoringUnit, int> cellCounts, string control, string perturbationColumn, string? contextColumn)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(realTest);
        int genes = realTest.GeneCount;
        var rows = new List<float[]>();
        var labels = new List<string>();
        var contexts = new List<string>();
        foreach (var (context, prediction, controlCells) in predictions)
        {
            ArgumentNullException.ThrowIfNull(prediction);
            if (prediction.Genes.Count != genes)
                throw new DigitalCellException($"Model '{prediction.Model}' predicted {prediction.Genes.Count} genes; the scored data has {genes}.");
            var sampledLabels = prediction.Cells is null ? null : PerturbationTrainingSet.CellLabels(prediction.Cells, "perturbation");
            void Add(float[] row, string label) { rows.Add(row); labels.Add(label); contexts.Add(context ?? ""); }
            for (int i = 0; i < prediction.Perturbations.Count; i++)
            {
                string label = prediction.Perturbations[i].Label;
                if (sampledLabels is not null && sampledLabels.Contains(label))
                {
                    for (int r = 0; r < sampledLabels.Length; r++)
                        if (sampledLabels[r] == label) { var row = new float[genes]; prediction.Cells!.X.CopyRow(r, row); Add(row, label); }
                    continue;
                }
                var mean = prediction.Means.Row(i).ToArray();
                if (mean.Any(v => !float.IsFinite(v)))
                    throw new DigitalCellException($"Model '{prediction.Model}' predicted a non-finite value for '{label}'; NaN/∞ predictions are not scored.");
                for (int c = 0; c < cellCounts[new ScoringUnit(label, context)]; c++) Add(mean, label);
            }
            var controlRow = new float[genes];
            foreach (int r in controlCells) { realTest.X.CopyRow(r, controlRow); Add(controlRow.ToArray(), control); }
        }
        var values = new float[(long)rows.Count * genes];
        for (int r = 0; r < rows.Count; r++) rows[r].CopyTo(values, (long)r * genes);
        var columns = new List<AnnotationColumn> { CategoricalColumn.FromLabels(perturbationColumn, labels) };
        if (contextColumn is not null) columns.Add(CategoricalColumn.FromLabels(contextColumn, contexts));
        var obs = new AnnotationTable("obs", Enumerable.Range(0, rows.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), columns);
        return new CellDataset(new DenseCellMatrix(rows.Count, genes, values), obs, new AnnotationTable("var", realTest.GeneNames.ToArray()));
    }

    private (CellDataset Train, CellDataset Test) SplitCells(CellDataset data)
    {
        var labels = PerturbationTrainingSet.CellLabels(data, _schema.PerturbationColumn);
        var test = _split.Test.ToHashSet(StringComparer.Ordinal);
        var train = _split.Train.Concat(_split.Validation).ToHashSet(StringComparer.Ordinal);
        bool IsControl(string l) => _schema.IsControlLabel(l);
        if (_split.ContextColumn is string column && _split.TestContexts is { Count: > 0 } testContexts)
        {
            // Unseen context: training uses only training contexts; scoring only the held-out contexts.
            var contexts = PerturbationTrainingSet.CellLabels(data, column);
            var held = testContexts.ToHashSet(StringComparer.Ordinal);
            return (Select(data, i => !held.Contains(contexts[i]) && (IsControl(labels[i]) || train.Contains(labels[i]))),
                    Select(data, i => held.Contains(contexts[i]) && (IsControl(labels[i]) || test.Contains(labels[i]))));
        }
        return (Select(data, i => IsControl(labels[i]) || train.Contains(labels[i])),
                Select(data, i => IsControl(labels[i]) || test.Contains(labels[i])));
    }

    private static CellDataset Select(CellDataset data, Func<int, bool> keep)
    {
        var rows = Enumerable.Range(0, data.CellCount).Where(keep).ToArray();
        if (rows.Length == 0) throw new DigitalCellException("Benchmark: the split selects no cells; check the perturbation column and the split's labels.");
        return data.SelectCells(rows);
    }

    /// <summary>Relabels every control label to the primary one, since cell-eval scores against a single control group.</summary>
    private CellDataset WithUnifiedControl(CellDataset data, string control)
    {
        var labels = PerturbationTrainingSet.CellLabels(data, _schema.PerturbationColumn);
        if (!labels.Any(_schema.IsControlLabel))
            throw new DigitalCellException($"Benchmark: the scored cells have no control cells ({string.Join(", ", _schema.ControlLabels)}); delta metrics need them.");
        var unified = labels.Select(l => _schema.IsControlLabel(l) ? control : l).ToArray();
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels(_schema.PerturbationColumn, unified)));
    }

    private Dictionary<ScoringUnit, int> CellCounts(CellDataset data, IReadOnlyList<ScoringUnit> units, string? contextColumn)
    {
        var labels = PerturbationTrainingSet.CellLabels(data, _schema.PerturbationColumn);
        var contexts = contextColumn is null ? null : PerturbationTrainingSet.CellLabels(data, contextColumn);
        var all = labels.Select((l, i) => new ScoringUnit(l, contexts?[i])).GroupBy(u => u).ToDictionary(g => g.Key, g => g.Count());
        return units.ToDictionary(u => u, u => all[u]);
    }

    /// <summary>Systema's reference: the mean over training perturbations of their centroids (pseudobulk means).</summary>
    private static double[] PerturbedReference(PerturbationTrainingSet train)
    {
        var bulk = train.Data.Pseudobulk(train.Schema.PerturbationColumn);
        var reference = new double[train.Genes.Count];
        foreach (var label in train.TrainPerturbations)
        {
            var profile = bulk.Profile(label);
            for (int g = 0; g < reference.Length; g++) reference[g] += profile[g] / (double)train.TrainPerturbations.Count;
        }
        return reference;
    }
}

/// <summary>One context's prediction and the rows of that context's real control cells.</summary>
internal sealed record ContextPrediction(string? Context, PerturbationPrediction Prediction, int[] ControlRows);

/// <summary>A progress report of <see cref="Benchmark.Run"/>.</summary>
/// <param name="Stage"><c>prepare</c>, <c>fit</c>, <c>predict</c>, <c>score</c>, <c>bootstrap</c> or <c>done</c>.</param>
/// <param name="Model">The model concerned, if any.</param>
/// <param name="Completed">Models completed.</param>
/// <param name="Total">Models in total.</param>
public sealed record BenchmarkProgress(string Stage, string? Model, int Completed, int Total)
{
    /// <summary>Within a long stage (a model's differential expression and VCC 2026 anchors while scoring, the bootstrap), how far it is; null for the report that starts a stage.</summary>
    public WorkProgress? Work { get; init; }
}
