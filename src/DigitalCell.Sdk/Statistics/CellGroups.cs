using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// Cells assigned to named groups: the label of every cell as a code into <see cref="Names"/> (−1 = in no group),
/// built from one or more obs columns. Groups without cells are dropped, so every group has at least one cell.
/// </summary>
internal sealed class CellGroups
{
    private CellGroups(string[] names, int[] codes, int[] counts)
    {
        Names = names;
        Codes = codes;
        Counts = counts;
    }

    /// <summary>Group names, in category order (several columns: first column's order, then the next…).</summary>
    public string[] Names { get; }

    /// <summary>Group code of each cell, −1 for cells with a missing label.</summary>
    public int[] Codes { get; }

    /// <summary>Number of cells in each group.</summary>
    public int[] Counts { get; }

    /// <summary>The code of group <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name) => Array.IndexOf(Names, name);

    /// <summary>Groups from the given obs columns; with several columns a cell's group is its labels joined by <paramref name="separator"/>.</summary>
    public static CellGroups FromObs(AnnotationTable obs, IReadOnlyList<string> columns, string separator = "_")
    {
        if (columns.Count == 0) throw new DigitalCellException("Grouping needs at least one obs column.");
        var cats = columns.Select(ToCategorical).ToArray();
        int n = obs.RowCount;
        // Combine codes in mixed radix so that groups sort by the first column's category order, then the next.
        var combined = new long[n];
        for (int i = 0; i < n; i++)
        {
            long code = 0;
            foreach (var c in cats)
            {
                int k = c.Codes[i];
                if (k < 0) { code = -1; break; }
                code = code * c.Categories.Count + k;
            }
            combined[i] = code;
        }
        var used = combined.Where(c => c >= 0).Distinct().Order().ToArray();
        var lookup = new Dictionary<long, int>(used.Length);
        var names = new string[used.Length];
        for (int g = 0; g < used.Length; g++)
        {
            lookup[used[g]] = g;
            var parts = new string[cats.Length];
            long rest = used[g];
            for (int c = cats.Length - 1; c >= 0; c--)
            {
                int size = cats[c].Categories.Count;
                parts[c] = cats[c].Categories[(int)(rest % size)];
                rest /= size;
            }
            names[g] = string.Join(separator, parts);
        }
        var codes = new int[n];
        var counts = new int[names.Length];
        for (int i = 0; i < n; i++)
        {
            codes[i] = combined[i] < 0 ? -1 : lookup[combined[i]];
            if (codes[i] >= 0) counts[codes[i]]++;
        }
        return new CellGroups(names, codes, counts);

        CategoricalColumn ToCategorical(string name) => obs[name] switch
        {
            CategoricalColumn c => c,
            var other => CategoricalColumn.FromLabels(name, Enumerable.Range(0, other.Length)
                .Select(i => other.GetValue(i) is null ? null : other.GetText(i)).ToArray()),
        };
    }

    /// <summary>Groups from one label per cell (null = in no group); groups sorted by ordinal name.</summary>
    public static CellGroups FromLabels(IReadOnlyList<string?> labels)
    {
        var column = CategoricalColumn.FromLabels("group", labels);
        var obs = new AnnotationTable("obs", Enumerable.Range(0, labels.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), [column]);
        return FromObs(obs, ["group"]);
    }
}
