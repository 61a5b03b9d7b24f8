using DigitalCell.Sdk;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Web;

/// <summary>
/// A data set ready to answer requests: X log1p-normalised (cell-eval's rule), its contexts with their control cells,
/// the cells of every perturbation label, its treatments when the perturbations are cytokines or compounds rather than
/// genes, and a PCA of a sample of cells for the embedding plot, all computed once at start.
/// </summary>
internal sealed class ServedDataset
{
    private readonly Dictionary<string, ServedContext> _contexts;
    private readonly Dictionary<string, int[]> _cellsByKey;

    private ServedDataset(ServedData source, CellDataset normalized, string scaleNote, IReadOnlyList<ServedContext> contexts, Embedding embedding, GeneIdentifierMap? genes)
    {
        Source = source;
        Data = normalized;
        ScaleNote = scaleNote;
        Contexts = contexts;
        _contexts = contexts.ToDictionary(c => c.Value ?? "", StringComparer.Ordinal);
        Embedding = embedding;
        var contextOf = new string[normalized.CellCount];
        foreach (var context in contexts) foreach (int cell in context.Cells) contextOf[cell] = context.Label;
        EmbeddingContexts = embedding.Cells.Select(i => contextOf[i] ?? "(no controls)").ToArray();
        Labels = PerturbationLabels(normalized, source.Schema.PerturbationColumn);
        _cellsByKey = Enumerable.Range(0, normalized.CellCount).Where(i => !source.Schema.IsControlLabel(Labels[i]))
            .GroupBy(i => Labels[i], StringComparer.Ordinal)
            .GroupBy(g => Perturbation.Parse(g.Key, source.Schema).Key, StringComparer.Ordinal)
            .ToDictionary(k => k.Key, k => k.SelectMany(g => g).Order().ToArray(), StringComparer.Ordinal);
        Targets = Labels.Distinct(StringComparer.Ordinal).Select(l => Perturbation.Parse(l, source.Schema))
            .Where(p => !p.IsControl).SelectMany(p => p.Targets).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
        TreatmentKind = TreatmentKindOf(source, Targets, normalized.GeneNames, genes);
        Treatments = TreatmentKind is null ? [] : Labels.Where(l => !source.Schema.IsControlLabel(l)).GroupBy(l => l, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ServedTreatment(g.Key, Perturbation.Parse(g.Key, source.Schema), g.Count())).ToArray();
    }

    /// <summary>What the caller served.</summary>
    public ServedData Source { get; }

    /// <summary>The id requests use.</summary>
    public string Id => Source.Id;

    /// <summary>How perturbations and contexts are recorded.</summary>
    public PerturbationSchema Schema => Source.Schema;

    /// <summary>The cells, log1p-normalised.</summary>
    public CellDataset Data { get; }

    /// <summary>How X was brought to log1p scale.</summary>
    public string ScaleNote { get; }

    /// <summary>The contexts (one, with a null value, when the schema has no context column).</summary>
    public IReadOnlyList<ServedContext> Contexts { get; }

    /// <summary>The PCA of a sample of cells.</summary>
    public Embedding Embedding { get; }

    /// <summary>The context label of each embedded cell.</summary>
    public IReadOnlyList<string> EmbeddingContexts { get; }

    /// <summary>The perturbation label of every cell.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The genes perturbed somewhere in the data set.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>
    /// What the perturbations are when they are treatments rather than genes: <c>cytokine</c> or <c>compound</c> (the
    /// catalog's kind, or a compound schema), or <c>treatment</c> for labels that name no gene where nothing says more; null for genes.
    /// </summary>
    public string? TreatmentKind { get; }

    /// <summary>The treatments, one per perturbation label, by label; empty when the perturbations are genes.</summary>
    public IReadOnlyList<ServedTreatment> Treatments { get; }

    /// <summary>The treatment labelled <paramref name="name"/> (case-insensitive), or null.</summary>
    public ServedTreatment? Treatment(string name) => Treatments.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The API's name of a mode: <c>ko</c>, <c>crispri</c>, <c>crispra</c>, or the data set's treatment kind for its own mode.</summary>
    public string ModeName(PerturbationMode mode) => mode switch
    {
        PerturbationMode.Knockout => "ko",
        PerturbationMode.CRISPRi => "crispri",
        PerturbationMode.CRISPRa => "crispra",
        _ => TreatmentKind ?? mode.ToString().ToLowerInvariant(),
    };

    /// <summary>Positions of the cells perturbed as <paramref name="key"/> (<see cref="Perturbation.Key"/>: A+B and B+A alike); empty when not measured.</summary>
    public int[] CellsOf(string key) => _cellsByKey.GetValueOrDefault(key, []);

    /// <summary>The context with this value (null or empty for a data set without a context column), or null when unknown.</summary>
    public ServedContext? Context(string? value) => _contexts.GetValueOrDefault(value ?? "");

    /// <summary>Normalises, indexes and embeds <paramref name="source"/>; <paramref name="genes"/> (the priors' gene map, when loaded) tells gene labels from treatments where the catalog does not.</summary>
    public static ServedDataset Prepare(ServedData source, GeneIdentifierMap? genes, int embeddingCells, int seed, CancellationToken cancellationToken)
    {
        var data = ExpressionScale.EnsureLogNormalized(source.Data, source.Id, out string note);
        cancellationToken.ThrowIfCancellationRequested();
        var labels = PerturbationLabels(data, source.Schema.PerturbationColumn);
        var contextValues = source.Schema.ContextColumn is string column ? ContextLabels(data, column) : null;
        var contexts = new List<ServedContext>();
        foreach (var group in Enumerable.Range(0, data.CellCount).GroupBy(i => contextValues?[i] ?? "", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int[] cells = group.ToArray();
            int[] controls = cells.Where(i => source.Schema.IsControlLabel(labels[i])).ToArray();
            if (controls.Length == 0) continue; // a context without controls has no reference to predict against
            string? value = contextValues is null ? null : group.Key;
            string label = value ?? source.CellContext ?? "all cells";
            contexts.Add(new ServedContext(source.Schema.ContextColumn, value, label, cells, controls, ColumnMeans(data.X, controls))
                { ControlData = new Lazy<CellDataset>(() => data.SelectCells(controls)) });
        }
        if (contexts.Count == 0)
            throw new DigitalCellException($"Data set '{source.Id}': no control cells (labels {string.Join(", ", source.Schema.ControlLabels)} in column '{source.Schema.PerturbationColumn}'); there is nothing to predict against.");
        cancellationToken.ThrowIfCancellationRequested();
        return new ServedDataset(source, data, note, contexts, Embedding.Of(data, embeddingCells, seed), genes);
    }

    /// <summary>
    /// The catalog's kind when it names a cytokine or a compound (or a CRISPR screen: genes); otherwise a compound schema,
    /// or, for a schema of unstated mode (a file), labels none of which is a measured gene or a gene the priors know.
    /// </summary>
    private static string? TreatmentKindOf(ServedData source, IReadOnlyList<string> targets, IReadOnlyList<string> measured, GeneIdentifierMap? genes)
    {
        if (source.PerturbationKind is "cytokine" or "compound") return source.PerturbationKind;
        if (source.PerturbationKind is "CRISPRko" or "CRISPRi" or "CRISPRa") return null;
        var measuredGenes = measured.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return source.Schema.DefaultMode switch
        {
            PerturbationMode.Compound => "compound",
            PerturbationMode.Other when targets.Count > 0 && !targets.Any(t => measuredGenes.Contains(t) || genes?.Find(t) is not null) => "treatment",
            _ => null,
        };
    }

    /// <summary>Mean of <paramref name="rows"/> of <paramref name="x"/>, per column.</summary>
    public static double[] ColumnMeans(CellMatrix x, IReadOnlyList<int> rows)
    {
        var sum = new double[x.ColumnCount];
        var row = new float[x.ColumnCount];
        foreach (int r in rows)
        {
            x.CopyRow(r, row);
            for (int g = 0; g < row.Length; g++) sum[g] += row[g];
        }
        for (int g = 0; g < sum.Length; g++) sum[g] /= Math.Max(1, rows.Count);
        return sum;
    }

    private static string[] PerturbationLabels(CellDataset data, string column) => ContextLabels(data, column);

    private static string[] ContextLabels(CellDataset data, string column)
    {
        if (!data.Obs.Contains(column))
            throw new DigitalCellException($"obs has no column '{column}'. Available: {string.Join(", ", data.Obs.ColumnNames)}.");
        var values = data.Obs[column];
        return Enumerable.Range(0, data.CellCount).Select(i => values.GetValue(i)?.ToString() ?? "").ToArray();
    }
}

/// <summary>A treatment of a served data set: a perturbation label that is a cytokine or a compound, not a gene.</summary>
/// <param name="Name">The label, as requests name it.</param>
/// <param name="Perturbation">The label read with the data set's schema (with the dose and time a compound label carries): what the models were fitted on.</param>
/// <param name="Cells">Cells given the treatment, over all contexts.</param>
internal sealed record ServedTreatment(string Name, Perturbation Perturbation, int Cells);

/// <summary>One context of a served data set: its cells, its control cells and their mean profile.</summary>
/// <param name="Column">The schema's context column, or null.</param>
/// <param name="Value">The context value, or null for a data set without a context column.</param>
/// <param name="Label">What the picker shows.</param>
/// <param name="Cells">Positions of the context's cells.</param>
/// <param name="Controls">Positions of its control cells.</param>
/// <param name="ControlMean">Mean log1p expression of the controls, per gene.</param>
internal sealed record ServedContext(string? Column, string? Value, string Label, int[] Cells, int[] Controls, double[] ControlMean)
{
    /// <summary>The control cells (log1p), copied once on first use: the controls a model is told to predict against, and a screen's start state.</summary>
    public required Lazy<CellDataset> ControlData { get; init; }

    /// <summary>The control cells' expression (rows of the log1p X).</summary>
    public CellMatrix ControlCells => ControlData.Value.X;
}

/// <summary>
/// The first two principal components of a seeded sample of cells (log1p X, all genes, randomized PCA of the SDK), kept with
/// the loadings so predicted profiles can be placed in the same plane.
/// </summary>
internal sealed record Embedding(int[] Cells, double[] X, double[] Y, double[] VarianceRatio, double[] Mean, double[] Components)
{
    /// <summary>Computes the embedding of up to <paramref name="count"/> cells drawn with <paramref name="seed"/>.</summary>
    public static Embedding Of(CellDataset data, int count, int seed)
    {
        var random = new Random(seed);
        int[] sample = Enumerable.Range(0, data.CellCount).ToArray();
        random.Shuffle(sample);
        sample = sample.Take(Math.Min(count, sample.Length)).Order().ToArray();
        var pca = PrincipalComponents.Fit(data.X.SelectRows(sample), 2, new PcaOptions { Seed = seed });
        var x = new double[sample.Length];
        var y = new double[sample.Length];
        for (int i = 0; i < sample.Length; i++) { x[i] = pca.Scores[i * 2]; y[i] = pca.Scores[i * 2 + 1]; }
        return new Embedding(sample, x, y, pca.ExplainedVarianceRatio, pca.Mean, pca.Components);
    }

    /// <summary>Where a mean profile falls in the plane: (profile − mean) · loadings.</summary>
    public double[] Project(IReadOnlyList<double> profile)
    {
        int genes = Mean.Length;
        var point = new double[2];
        for (int c = 0; c < 2; c++)
            for (int g = 0; g < genes; g++) point[c] += (profile[g] - Mean[g]) * Components[c * genes + g];
        return point;
    }
}
