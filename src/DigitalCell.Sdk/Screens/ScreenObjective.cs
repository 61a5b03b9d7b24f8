using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.GeneKnowledge;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// What a screen scores on a predicted mean profile: a gene program (Hallmark set, PROGENy pathway, DoRothEA regulon,
/// a custom gene list) or the distance to a reference state (e.g. healthy donors' centroid). A candidate's effect is
/// score(predicted profile) − score(predicted control profile), both in the model's gene space.
/// </summary>
public abstract class ScreenObjective
{
    private protected ScreenObjective(string description) => Description = description;

    /// <summary>A one-line description for tables and provenance (e.g. <c>program HALLMARK_INTERFERON_GAMMA_RESPONSE (200 genes)</c>).</summary>
    public string Description { get; }

    /// <summary>Binds the objective to a model's gene order; <paramref name="start"/> holds the cells the screen starts from.</summary>
    internal abstract BoundObjective Bind(IReadOnlyList<string> genes, CellDataset start);

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>A weighted gene program: score = Σ wᵍ·xᵍ / Σ |wᵍ| over the program genes the model predicts.</summary>
    /// <param name="name">Name for reports.</param>
    /// <param name="weights">Gene → weight (1 for an unweighted set; signs for PROGENy weights and DoRothEA modes of regulation).</param>
    public static ScreenObjective Program(string name, IReadOnlyDictionary<string, double> weights) => new GeneProgramObjective(name, weights);

    /// <summary>A custom gene list, each gene weighing 1.</summary>
    public static ScreenObjective Genes(string name, IEnumerable<string> genes) =>
        Program(name, (genes ?? throw new ArgumentNullException(nameof(genes))).Distinct(StringComparer.OrdinalIgnoreCase).ToDictionary(g => g, _ => 1.0, StringComparer.OrdinalIgnoreCase));

    /// <summary>A Hallmark set by name (e.g. <c>HALLMARK_INTERFERON_GAMMA_RESPONSE</c>; the <c>HALLMARK_</c> prefix may be left out).</summary>
    /// <exception cref="DigitalCellException">No such set; the message suggests the closest names.</exception>
    public static ScreenObjective Hallmark(GenePriors priors, string name)
    {
        ArgumentNullException.ThrowIfNull(priors);
        var sets = priors.Hallmark.Sets;
        var set = sets.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(s.Name, "HALLMARK_" + name, StringComparison.OrdinalIgnoreCase))
            ?? throw Unknown("Hallmark set", name, sets.Select(s => s.Name));
        return Genes(set.Name, set.Genes);
    }

    /// <summary>A PROGENy pathway (e.g. <c>JAK-STAT</c>) with its footprint weights.</summary>
    public static ScreenObjective Pathway(GenePriors priors, string pathway)
    {
        ArgumentNullException.ThrowIfNull(priors);
        string name = priors.Progeny.Pathways.FirstOrDefault(p => string.Equals(p, pathway, StringComparison.OrdinalIgnoreCase))
            ?? throw Unknown("PROGENy pathway", pathway, priors.Progeny.Pathways);
        return Program("progeny/" + name, priors.Progeny.Of(name).GroupBy(e => e.Gene, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Sum(e => e.Weight), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A DoRothEA regulon (e.g. <c>STAT1</c>) at the given confidence levels, targets weighted by mode of regulation.</summary>
    public static ScreenObjective TfActivity(GenePriors priors, string tf, string confidence = "ABC")
    {
        ArgumentNullException.ThrowIfNull(priors);
        var edges = priors.Dorothea.WithConfidence(confidence).Edges;
        var tfs = edges.Select(e => e.Tf).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        string name = tfs.FirstOrDefault(t => string.Equals(t, tf, StringComparison.OrdinalIgnoreCase))
            ?? throw Unknown($"DoRothEA regulon (confidence {confidence})", tf, tfs);
        return Program($"dorothea/{name} ({confidence})", edges.Where(e => e.Tf == name).GroupBy(e => e.Target, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (double)g.Sum(e => e.Mor), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The distance of the predicted centroid to the centroid of <paramref name="reference"/> cells in a stated space.</summary>
    /// <param name="name">What the reference is (e.g. <c>condition=healthy</c>).</param>
    /// <param name="reference">Reference cells, log-normalised like the start state.</param>
    /// <param name="space">The space the distance is measured in.</param>
    public static ScreenObjective TowardReference(string name, CellDataset reference, ReferenceSpace? space = null) =>
        new ReferenceStateObjective(name, reference, space ?? new ReferenceSpace());

    /// <summary>
    /// Reads the command-line form: <c>program:NAME</c> (a Hallmark set; <c>program:progeny/PATHWAY</c>,
    /// <c>program:dorothea/TF</c>), <c>genes:A,B,C</c>, or <c>toward:COLUMN=VALUE</c> (cells chosen by
    /// <paramref name="reference"/>).
    /// </summary>
    /// <exception cref="DigitalCellException">An unknown form, set, pathway or regulon.</exception>
    public static ScreenObjective Parse(string spec, Func<GenePriors> priors, Func<CellSubset, CellDataset>? reference = null, ReferenceSpace? space = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(priors);
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string kind = colon < 0 ? "" : spec[..colon].Trim().ToLowerInvariant(), value = colon < 0 ? "" : spec[(colon + 1)..].Trim();
        if (value.Length == 0) kind = "";
        switch (kind)
        {
            case "program":
                int slash = value.IndexOf('/', StringComparison.Ordinal);
                string source = slash < 0 ? "hallmark" : value[..slash].ToLowerInvariant(), name = slash < 0 ? value : value[(slash + 1)..];
                return source switch
                {
                    "hallmark" => Hallmark(priors(), name),
                    "progeny" => Pathway(priors(), name),
                    "dorothea" => TfActivity(priors(), name),
                    _ => throw new DigitalCellException($"--objective '{spec}': unknown program source '{source}'; use program:NAME (Hallmark), program:progeny/PATHWAY or program:dorothea/TF."),
                };
            case "genes":
                var genes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                return Genes("genes:" + string.Join(",", genes), genes);
            case "toward":
                if (reference is null) throw new DigitalCellException($"--objective '{spec}': a reference state needs data to take the reference cells from.");
                var subset = CellSubset.Parse(value);
                return TowardReference(subset.ToString(), reference(subset), space);
            default:
                throw new DigitalCellException($"--objective '{spec}': expected program:SET, genes:A,B,C or toward:COLUMN=VALUE.");
        }
    }

    private static DigitalCellException Unknown(string what, string name, IEnumerable<string> known)
    {
        var close = ClosestNames.For(name, known).Concat(known.Where(k => k.Contains(name, StringComparison.OrdinalIgnoreCase))).Distinct().Take(5).ToArray();
        return new DigitalCellException($"Unknown {what} '{name}'." + (close.Length > 0 ? $" Did you mean {string.Join(", ", close)}?" : $" Known: {string.Join(", ", known.Take(20))}{(known.Count() > 20 ? ", …" : "")}."));
    }
}

/// <summary>An objective bound to one gene order: the score of a profile and which genes it reads.</summary>
internal abstract class BoundObjective
{
    /// <summary>The genes (of the model's order) the score reads.</summary>
    public abstract IReadOnlyList<int> Columns { get; }

    /// <summary>Objective genes the model does not predict (they cannot count).</summary>
    public abstract IReadOnlyList<string> Missing { get; }

    /// <summary>The objective's value on a profile in the bound gene order.</summary>
    public abstract double Score(ReadOnlySpan<double> profile);
}
