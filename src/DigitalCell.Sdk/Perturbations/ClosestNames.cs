namespace DigitalCell.Sdk.Perturbations;

/// <summary>"Did you mean" suggestions for a perturbation or gene name a model does not know.</summary>
public static class ClosestNames
{
    /// <summary>
    /// Up to <paramref name="count"/> candidates nearest to <paramref name="name"/> by case-insensitive edit distance
    /// (Levenshtein), keeping only those within a third of the name's length (at least 2 edits), nearest first.
    /// </summary>
    public static IReadOnlyList<string> For(string name, IEnumerable<string> candidates, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        int limit = Math.Max(2, name.Length / 3);
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(name.ToUpperInvariant(), c.ToUpperInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count).Select(c => c.Name).ToArray();
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
