using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Screens;

/// <summary>
/// A weighted gene program scored on a mean profile as Σ wᵍ·xᵍ / Σ |wᵍ| over the program genes the model predicts.
/// On means this is the set-mean score of scanpy's <c>score_genes</c> without its control-gene term (that term cancels
/// in the difference to the control profile only when control genes do not move, so it is left out, not approximated).
/// </summary>
internal sealed class GeneProgramObjective : ScreenObjective
{
    private readonly IReadOnlyDictionary<string, double> _weights;

    public GeneProgramObjective(string name, IReadOnlyDictionary<string, double> weights)
        : base($"program {name} ({weights.Count} genes)")
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new DigitalCellException($"Objective '{name}': the program has no genes.");
        _weights = new Dictionary<string, double>(weights, StringComparer.OrdinalIgnoreCase);
    }

    internal override BoundObjective Bind(IReadOnlyList<string> genes, CellDataset start)
    {
        var columns = new List<int>();
        var weights = new List<double>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int g = 0; g < genes.Count; g++)
            if (_weights.TryGetValue(genes[g], out double w) && w != 0 && seen.Add(genes[g]))
            {
                columns.Add(g);
                weights.Add(w);
            }
        if (columns.Count == 0)
            throw new DigitalCellException($"Objective {Description}: none of its genes is among the model's {genes.Count} genes, so no candidate can move it.");
        double norm = weights.Sum(Math.Abs);
        return new Bound(columns, weights.Select(w => w / norm).ToArray(), _weights.Keys.Where(k => !seen.Contains(k)).Order(StringComparer.Ordinal).ToArray());
    }

    private sealed class Bound(IReadOnlyList<int> columns, double[] weights, IReadOnlyList<string> missing) : BoundObjective
    {
        public override IReadOnlyList<int> Columns => columns;

        public override IReadOnlyList<string> Missing => missing;

        public override double Score(ReadOnlySpan<double> profile)
        {
            double s = 0;
            for (int i = 0; i < weights.Length; i++) s += weights[i] * profile[columns[i]];
            return s;
        }
    }
}
