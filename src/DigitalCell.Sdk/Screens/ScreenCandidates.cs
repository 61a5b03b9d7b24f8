using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Screens;

/// <summary>The perturbations a screen tries: every gene a model can act on, a named list, or all pairs of a list.</summary>
public static class ScreenCandidates
{
    /// <summary>
    /// The genes <paramref name="model"/> knows: the genes it predicts plus, for a model with <see cref="IGeneTargets"/>,
    /// every gene it can take as a target (a prior model's prior table, ≈ 19–20 k; the base model's token vocabulary
    /// and gene priors).
    /// </summary>
    public static IReadOnlyList<string> Vocabulary(IPerturbationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var measured = model.Predict([Perturbation.Control()]).Genes;
        var targets = model is IGeneTargets t ? t.TargetGenes : [];
        return targets.Concat(measured).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The genes a candidate's targets must be among for <paramref name="model"/> to know more than its intercept: its measured genes and <see cref="IGeneTargets.TargetGenes"/>.</summary>
    internal static HashSet<string> KnownTargets(IPerturbationModel model, IReadOnlyList<string> measured) =>
        new(model is IGeneTargets t and not PriorModel ? measured.Concat(t.TargetGenes) : measured, StringComparer.OrdinalIgnoreCase);

    /// <summary>One single-gene perturbation per gene, in <paramref name="mode"/>; each gene must be in <paramref name="vocabulary"/> when one is given.</summary>
    /// <exception cref="DigitalCellException">A gene the vocabulary lacks; the message suggests the closest names.</exception>
    public static IReadOnlyList<Perturbation> Genes(PerturbationMode mode, IEnumerable<string> genes, IReadOnlyCollection<string>? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(genes);
        var list = genes.Select(g => g.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (list.Length == 0) throw new DigitalCellException("Screen: no candidates.");
        if (vocabulary is not null) Check(list, vocabulary);
        return list.Select(g => Perturbation.Genes(mode, g)).ToArray();
    }

    /// <summary>Every unordered pair of <paramref name="genes"/> (combinations, e.g. paired CRISPRa).</summary>
    public static IReadOnlyList<Perturbation> Pairs(PerturbationMode mode, IEnumerable<string> genes, IReadOnlyCollection<string>? vocabulary = null)
    {
        var singles = Genes(mode, genes, vocabulary).Select(p => p.Targets[0]).ToArray();
        var pairs = new List<Perturbation>();
        for (int i = 0; i < singles.Length; i++)
            for (int j = i + 1; j < singles.Length; j++) pairs.Add(Perturbation.Genes(mode, singles[i], singles[j]));
        return pairs;
    }

    /// <summary>True when the model has information about every target (a non-zero prior vector, a gene token, or a measured gene), not just its intercept.</summary>
    /// <param name="model">The model.</param>
    /// <param name="candidate">The perturbation.</param>
    /// <param name="known">The model's <see cref="KnownTargets"/>.</param>
    internal static bool IsInformed(IPerturbationModel model, Perturbation candidate, IReadOnlySet<string> known) => model switch
    {
        // A prior model's table lists genes whose vector may be all zero (no annotation), which it cannot tell apart.
        PriorModel prior => prior.InputsOf(candidate).Any(v => v != 0) || candidate.Targets.All(known.Contains),
        _ => candidate.Targets.All(known.Contains),
    };

    private static void Check(IReadOnlyList<string> genes, IReadOnlyCollection<string> vocabulary)
    {
        var known = vocabulary.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = genes.Where(g => !known.Contains(g)).ToArray();
        if (unknown.Length == 0) return;
        string first = unknown[0];
        var close = ClosestNames.For(first, vocabulary);
        throw new DigitalCellException($"Screen: candidate '{first}' is not in the model's vocabulary ({vocabulary.Count} genes)" +
            (unknown.Length > 1 ? $"; {unknown.Length - 1} more unknown: {string.Join(", ", unknown.Skip(1).Take(5))}" : "") +
            (close.Count > 0 ? $". Did you mean {string.Join(", ", close)}?" : "."));
    }
}
