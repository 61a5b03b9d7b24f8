using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Models;

/// <summary>
/// The pseudobulk view of a training set that the baselines fit on: the pooled control mean and, per training
/// perturbation (and context), its parsed form, cell count, mean profile (the pseudobulk: arithmetic mean of X over its
/// cells) and change from its own context's control mean.
/// </summary>
internal sealed class TrainingProfiles
{
    private TrainingProfiles(string[] genes, double[] control, IReadOnlyList<TrainingProfile> perturbations)
    {
        Genes = genes;
        Control = control;
        Perturbations = perturbations;
    }

    public string[] Genes { get; }

    public double[] Control { get; }

    public IReadOnlyList<TrainingProfile> Perturbations { get; }

    /// <summary>
    /// The pseudobulk of every training perturbation and its change from control. With a context column each
    /// perturbation gives one profile per context it was measured in, and its change is taken against the controls of
    /// that context only (a CRISPRi knockdown in a glioblastoma line against glioblastoma controls, not K562's).
    /// </summary>
    public static TrainingProfiles From(PerturbationTrainingSet train)
    {
        var contexts = train.CellContexts;
        // A separator no label contains keeps (context, perturbation) keys apart.
        string Key(string label, string? context) => (context ?? "") + "\u001f" + label;
        var keys = train.CellPerturbationLabels.Select((l, i) => Key(train.Schema.IsControlLabel(l) ? "" : l, contexts?[i])).ToArray();
        var bulk = PseudobulkAggregation.Compute(train.Data.X, keys, train.Genes);
        var counts = keys.GroupBy(k => k, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var control = PooledControl(bulk, counts, (contexts ?? [null!]).Distinct().Select(c => Key("", c)), train.ControlCells.Count, train.Genes.Count);
        var contextControls = new Dictionary<string, double[]>(StringComparer.Ordinal);
        double[] ControlOf(string? context, string label)
        {
            if (context is null) return control;
            if (contextControls.TryGetValue(context, out var known)) return known;
            if (bulk.Groups.Contains(Key("", context))) return contextControls[context] = Mean(bulk, Key("", context));
            throw new DigitalCellException($"obs column '{train.Schema.ContextColumn}': context '{context}' has training perturbation '{label}' but no control cells; " +
                                           "a perturbation's effect is only measured against controls of its own context.");
        }
        var perturbations = train.TrainPerturbations
            .Select(label => (Label: label, Parsed: train.Parse(label)))
            .Where(p => !p.Parsed.IsControl)
            .SelectMany(p => (contexts is null ? new string?[] { null } : (IEnumerable<string?>)train.CellsOf(p.Label).Select(i => contexts[i]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                .Select(context =>
                {
                    var mean = Mean(bulk, Key(p.Label, context));
                    var reference = ControlOf(context, p.Label);
                    return new TrainingProfile(p.Label, p.Parsed, context, counts[Key(p.Label, context)], mean, mean.Select((v, g) => v - reference[g]).ToArray());
                }))
            .ToArray();
        if (perturbations.Length == 0)
            throw new DigitalCellException($"Column '{train.Schema.PerturbationColumn}': the training set has no non-control perturbations to fit on.");
        return new TrainingProfiles(train.Genes.ToArray(), control, perturbations);
    }

    /// <summary>All control cells' mean (several control labels and contexts pool, weighted by cells).</summary>
    private static double[] PooledControl(PseudobulkProfiles bulk, Dictionary<string, int> counts, IEnumerable<string> controlKeys, int controlCells, int genes)
    {
        var control = new double[genes];
        foreach (var key in controlKeys.Where(counts.ContainsKey))
        {
            double w = counts[key] / (double)controlCells;
            var m = Mean(bulk, key);
            for (int g = 0; g < control.Length; g++) control[g] += w * m[g];
        }
        return control;
    }

    /// <summary>The mean profile of all rows of <paramref name="cells"/> (e.g. a context's control cells).</summary>
    public static double[] MeanOfAll(CellMatrix cells, IReadOnlyList<string> genes)
    {
        if (cells.RowCount == 0) throw new DigitalCellException("Cannot average an empty group of cells.");
        var bulk = PseudobulkAggregation.Compute(cells, Enumerable.Repeat<string?>("all", cells.RowCount).ToArray(), genes);
        return Mean(bulk, "all");
    }

    private static double[] Mean(PseudobulkProfiles bulk, string label)
    {
        var profile = bulk.Profile(label);
        var mean = new double[profile.Length];
        for (int g = 0; g < mean.Length; g++) mean[g] = profile[g];
        return mean;
    }
}

/// <summary>One training perturbation's pseudobulk in one context (null without a context column) and its change from that context's control mean.</summary>
internal sealed record TrainingProfile(string Label, Perturbation Perturbation, string? Context, int Cells, double[] Mean, double[] Delta);
