using System.Globalization;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// Seeded, reproducible ways to hold perturbations out: unseen perturbations, GEARS' combination splits (0/1/2 seen
/// singles) and unseen contexts (cell line/type). Each returns a <see cref="PerturbationSplit"/> that lists every fold.
/// </summary>
/// <remarks>
/// Reproducibility: labels are sorted ordinally before a Fisher–Yates shuffle driven by <c>new Random(seed)</c>, whose
/// seeded sequence is fixed across .NET versions, so a seed gives the same folds on every machine.
/// </remarks>
public static class PerturbationSplits
{
    /// <summary>Strategy name of <see cref="UnseenPerturbations(IEnumerable{string}, PerturbationSchema, double, double, int)"/>.</summary>
    public const string UnseenPerturbationsStrategy = "unseen-perturbations";

    /// <summary>Strategy name of <see cref="GearsSimulation(IEnumerable{string}, PerturbationSchema, double, double, double, int)"/>.</summary>
    public const string GearsSimulationStrategy = "gears-simulation";

    /// <summary>Strategy name of <see cref="UnseenContext"/>.</summary>
    public const string UnseenContextStrategy = "unseen-context";

    /// <summary>
    /// Holds out a random fraction of the perturbations (random over perturbations, not cells): the test labels are
    /// never seen in training. A validation fraction is carved from the rest for early stopping.
    /// </summary>
    /// <param name="labels">The perturbation labels of the dataset (repeats and controls allowed; controls are kept apart).</param>
    /// <param name="schema">Says which labels are controls.</param>
    /// <param name="testFraction">Fraction of perturbations to test on (at least one).</param>
    /// <param name="validationFraction">Fraction of perturbations for validation (may be 0).</param>
    /// <param name="seed">Random seed.</param>
    /// <exception cref="DigitalCellException">Fewer than two perturbations, or fractions outside [0, 1) leaving no training perturbation.</exception>
    public static PerturbationSplit UnseenPerturbations(IEnumerable<string> labels, PerturbationSchema schema,
        double testFraction = 0.2, double validationFraction = 0.0, int seed = 0)
    {
        var (perturbations, controls) = Separate(labels, schema);
        var (test, validation, train) = Partition(Shuffle(perturbations, seed), testFraction, validationFraction);
        return new PerturbationSplit(UnseenPerturbationsStrategy, seed, Sorted(train), Sorted(validation), Sorted(test), controls)
        { PerturbationColumn = schema.PerturbationColumn };
    }

    /// <summary>Unseen perturbations over the labels in <paramref name="data"/>'s perturbation column.</summary>
    public static PerturbationSplit UnseenPerturbations(CellDataset data, PerturbationSchema schema,
        double testFraction = 0.2, double validationFraction = 0.0, int seed = 0) =>
        UnseenPerturbations(Labels(data, schema), schema, testFraction, validationFraction, seed) with { DataId = data.Source };

    /// <summary>
    /// GEARS' "simulation" split (snap-stanford/GEARS <c>data_utils.py::DataSplitter</c>): a random
    /// <paramref name="seenGeneFraction"/> of all perturbed genes is "seen"; singles of seen genes train, other singles
    /// are tested (<c>unseen_single</c>); combinations with both genes seen train with probability
    /// <paramref name="comboSeen2TrainFraction"/>, the rest are tested (<c>combo_seen2</c>); combinations with one or no
    /// seen gene are tested (<c>combo_seen1</c>, <c>combo_seen0</c>). <see cref="PerturbationSplit.TestGroups"/> names the groups.
    /// </summary>
    /// <remarks>Validation: a random <paramref name="validationFraction"/> of the training perturbations (GEARS draws a second simulation split instead).</remarks>
    public static PerturbationSplit GearsSimulation(IEnumerable<string> labels, PerturbationSchema schema,
        double seenGeneFraction = 0.75, double comboSeen2TrainFraction = 0.75, double validationFraction = 0.1, int seed = 1)
    {
        CheckFraction(seenGeneFraction, "seen gene fraction", inclusiveOne: true);
        CheckFraction(comboSeen2TrainFraction, "combo_seen2 train fraction", inclusiveOne: true);
        var (perturbations, controls) = Separate(labels, schema);
        var parsed = perturbations.ToDictionary(l => l, l => Perturbation.Parse(l, schema), StringComparer.Ordinal);
        var genes = parsed.Values.SelectMany(p => p.Targets).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        var seen = Shuffle(genes, random).Take((int)(genes.Count * seenGeneFraction)).ToHashSet(StringComparer.Ordinal);

        var train = new List<string>();
        var groups = new Dictionary<string, List<string>>
        {
            ["unseen_single"] = [], ["combo_seen0"] = [], ["combo_seen1"] = [], ["combo_seen2"] = [],
        };
        var seen2 = new List<string>();
        foreach (var label in perturbations)
        {
            var p = parsed[label];
            int nSeen = p.Targets.Count(seen.Contains);
            if (!p.IsCombination) (nSeen == 1 ? train : groups["unseen_single"]).Add(label);
            else if (nSeen == p.Targets.Count) seen2.Add(label);
            else groups[nSeen == 0 ? "combo_seen0" : "combo_seen1"].Add(label);
        }
        var seen2Shuffled = Shuffle(seen2, random);
        int seen2Train = (int)Math.Round(seen2.Count * comboSeen2TrainFraction, MidpointRounding.AwayFromZero);
        train.AddRange(seen2Shuffled.Take(seen2Train));
        groups["combo_seen2"].AddRange(seen2Shuffled.Skip(seen2Train));

        var (_, validation, trainRest) = Partition(Shuffle(Sorted(train), random), 0, validationFraction, requireTest: false);
        var test = groups.Values.SelectMany(g => g).ToList();
        if (test.Count == 0) throw new DigitalCellException("GEARS simulation split: nothing was held out; lower the seen fractions.");
        return new PerturbationSplit(GearsSimulationStrategy, seed, Sorted(trainRest), Sorted(validation), Sorted(test), controls)
        {
            PerturbationColumn = schema.PerturbationColumn,
            TestGroups = groups.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)Sorted(kv.Value)),
        };
    }

    /// <summary>GEARS simulation split over the labels in <paramref name="data"/>.</summary>
    public static PerturbationSplit GearsSimulation(CellDataset data, PerturbationSchema schema,
        double seenGeneFraction = 0.75, double comboSeen2TrainFraction = 0.75, double validationFraction = 0.1, int seed = 1) =>
        GearsSimulation(Labels(data, schema), schema, seenGeneFraction, comboSeen2TrainFraction, validationFraction, seed) with { DataId = data.Source };

    /// <summary>
    /// Holds out whole contexts (cell lines or types; STATE's "zero-shot" split): all cells of the test contexts are
    /// scored, training uses only the other contexts. Test labels are the perturbations measured in the test contexts;
    /// training labels those measured in training contexts (the same label may appear in both — the context is what is unseen).
    /// </summary>
    /// <param name="data">The dataset; needs <see cref="PerturbationSchema.ContextColumn"/>.</param>
    /// <param name="schema">The schema with its context column.</param>
    /// <param name="testContexts">Contexts to hold out; null = one random context.</param>
    /// <param name="validationFraction">Fraction of training perturbations for validation.</param>
    /// <param name="seed">Random seed (context choice and validation).</param>
    /// <exception cref="DigitalCellException">No context column, fewer than two contexts, or an unknown test context.</exception>
    public static PerturbationSplit UnseenContext(CellDataset data, PerturbationSchema schema, IReadOnlyList<string>? testContexts = null,
        double validationFraction = 0.0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        string column = schema.ContextColumn ?? throw new DigitalCellException("Unseen-context split needs a schema with a context column (cell line or type).");
        var labels = Labels(data, schema).ToArray();
        var contexts = ColumnStrings(data, column);
        var all = contexts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (all.Count < 2) throw new DigitalCellException($"obs column '{column}': an unseen-context split needs at least two contexts, found {all.Count}.");
        var random = new Random(seed);
        var held = testContexts?.ToList() ?? [Shuffle(all, random)[0]];
        var unknown = held.Where(c => !all.Contains(c, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0) throw new DigitalCellException($"obs column '{column}': unknown context(s) {string.Join(", ", unknown)}; known: {string.Join(", ", all)}.");
        var heldSet = held.ToHashSet(StringComparer.Ordinal);
        var trainContexts = all.Where(c => !heldSet.Contains(c)).ToList();

        IEnumerable<string> PerturbationsIn(bool testSide) => labels.Where((l, i) => heldSet.Contains(contexts[i]) == testSide && !schema.IsControlLabel(l))
            .Distinct(StringComparer.Ordinal);
        var (_, validation, train) = Partition(Shuffle(Sorted(PerturbationsIn(false)), random), 0, validationFraction, requireTest: false);
        var controls = labels.Where(schema.IsControlLabel).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new PerturbationSplit(UnseenContextStrategy, seed, Sorted(train), Sorted(validation), Sorted(PerturbationsIn(true)), controls)
        {
            PerturbationColumn = schema.PerturbationColumn,
            ContextColumn = column,
            TrainContexts = trainContexts,
            TestContexts = Sorted(held),
            DataId = data.Source,
        };
    }

    /// <summary>
    /// Builds a split from a command-line spec: <c>unseen:0.2</c> (test fraction), <c>unseen:0.2:0.1</c> (plus
    /// validation), <c>gears</c> / <c>gears:0.75</c> (seen-gene fraction), <c>context:NAME[,NAME]</c> or <c>context</c>.
    /// </summary>
    /// <exception cref="DigitalCellException">The spec is not one of these forms.</exception>
    public static PerturbationSplit Parse(string spec, CellDataset data, PerturbationSchema schema, int seed)
    {
        CheckSpec(spec);
        var parts = spec.Split(':');
        double Number(int i, double fallback) => parts.Length > i ? double.Parse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture) : fallback;
        return parts[0].ToLowerInvariant() switch
        {
            "unseen" => UnseenPerturbations(data, schema, Number(1, 0.2), Number(2, 0.0), seed),
            "gears" => GearsSimulation(data, schema, Number(1, 0.75), Number(2, 0.75), 0.1, seed),
            _ => UnseenContext(data, schema, parts.Length > 1 ? parts[1].Split(',') : null, 0.0, seed),
        };
    }

    /// <summary>Checks the form of a spec <see cref="Parse"/> takes without needing the data, so a command line can be refused before any work.</summary>
    /// <exception cref="DigitalCellException">An unknown strategy (the message lists the known ones) or a fraction that is not a number.</exception>
    public static void CheckSpec(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':');
        if (parts[0].ToLowerInvariant() is not ("unseen" or "gears" or "context"))
            throw new DigitalCellException($"Unknown split '{spec}'. Use unseen:FRACTION[:VALIDATION], gears[:SEEN_GENES[:SEEN2_TRAIN]] or context[:NAME,...].");
        if (parts[0].ToLowerInvariant() == "context") return;
        foreach (var part in parts.Skip(1))
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new DigitalCellException($"Split '{spec}': '{part}' is not a number.");
    }

    private static IEnumerable<string> Labels(CellDataset data, PerturbationSchema schema) => ColumnStrings(data, schema.PerturbationColumn);

    private static string[] ColumnStrings(CellDataset data, string column) => Models.PerturbationTrainingSet.CellLabels(data, column);

    private static (List<string> Perturbations, List<string> Controls) Separate(IEnumerable<string> labels, PerturbationSchema schema)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(schema);
        var distinct = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var controls = distinct.Where(l => Perturbation.Parse(l, schema).IsControl).ToList();
        return (distinct.Except(controls, StringComparer.Ordinal).ToList(), controls);
    }

    private static (List<string> Test, List<string> Validation, List<string> Train) Partition(List<string> shuffled, double testFraction,
        double validationFraction, bool requireTest = true)
    {
        CheckFraction(testFraction, "test fraction", inclusiveOne: false);
        CheckFraction(validationFraction, "validation fraction", inclusiveOne: false);
        int n = shuffled.Count;
        int nTest = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        if (requireTest) nTest = Math.Max(1, nTest);
        int nValidation = (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero);
        if (n - nTest - nValidation < 1)
            throw new DigitalCellException($"Split of {n} perturbation(s) with test fraction {testFraction} and validation fraction {validationFraction} leaves no training perturbation.");
        return (shuffled.Take(nTest).ToList(), shuffled.Skip(nTest).Take(nValidation).ToList(), shuffled.Skip(nTest + nValidation).ToList());
    }

    private static void CheckFraction(double f, string what, bool inclusiveOne)
    {
        if (!(f >= 0) || (inclusiveOne ? f > 1 : f >= 1))
            throw new DigitalCellException($"Split {what} must be in [0, 1{(inclusiveOne ? "]" : ")")}, got {f.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static List<string> Shuffle(List<string> items, int seed) => Shuffle(items, new Random(seed));

    /// <summary>Fisher–Yates shuffle of a copy.</summary>
    private static List<string> Shuffle(List<string> items, Random random)
    {
        var copy = items.ToList();
        for (int i = copy.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }

    private static List<string> Sorted(IEnumerable<string> items) => items.Order(StringComparer.Ordinal).ToList();
}
