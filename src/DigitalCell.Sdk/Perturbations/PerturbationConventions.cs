using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// The (perturbation column, control label) pairs the field writes, tried in order when a user names none:
/// cell-eval's and the Virtual Cell Challenge's <c>target_gene</c> / <c>non-targeting</c>, then DigitalCell's own
/// <c>perturbation</c> / <c>control</c>, then GEARS' <c>condition</c> / <c>ctrl</c>.
/// </summary>
public static class PerturbationConventions
{
    /// <summary>The known pairs, in the order they are tried (a column may come with several control labels).</summary>
    public static IReadOnlyList<(string Column, string Control)> Known { get; } =
        [("target_gene", "non-targeting"), ("perturbation", "control"), ("condition", "ctrl"), ("condition", "control")];

    /// <summary>
    /// The column and control to use: the given ones; a missing one is completed from the known pairs whose column
    /// exists in <paramref name="data"/> and holds the control label; else DigitalCell's defaults (<c>perturbation</c> /
    /// <c>control</c>, which then fail with a message naming the obs columns).
    /// </summary>
    public static (string Column, string Control) Resolve(CellDataset data, string? column, string? control)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (column is not null && control is not null) return (column, control);
        var columns = column is null ? Known.Select(k => k.Column).Distinct() : [column];
        foreach (var c in columns.Where(data.Obs.Contains))
        {
            var values = data.Obs[c];
            var labels = Enumerable.Range(0, data.CellCount).Select(i => values.GetValue(i)?.ToString()).ToHashSet();
            var controls = control is null ? Known.Where(k => k.Column == c).Select(k => k.Control) : [control];
            foreach (var candidate in controls)
                if (labels.Contains(candidate)) return (c, candidate);
        }
        return (column ?? "perturbation", control ?? "control");
    }
}
