namespace DigitalCell.Sdk.Data;

/// <summary>Helpers for obs/var index names.</summary>
public static class IndexNames
{
    /// <summary>
    /// Makes names unique the way anndata's <c>var_names_make_unique</c> (<c>anndata.utils.make_index_unique</c>) does:
    /// the first occurrence keeps its name, later ones get <c>-1</c>, <c>-2</c>, … (the counter per name skips
    /// suffixed names that already exist). Gene symbols repeat in 10x files (e.g. several loci named the same).
    /// </summary>
    /// <returns>The same array when the names are already unique, otherwise a new one.</returns>
    public static string[] MakeUnique(string[] names, string join = "-")
    {
        ArgumentNullException.ThrowIfNull(names);
        var seen = new HashSet<string>(names.Length, StringComparer.Ordinal);
        var duplicate = new bool[names.Length];
        bool any = false;
        for (int i = 0; i < names.Length; i++)
            if (!seen.Add(names[i])) duplicate[i] = any = true;
        if (!any) return names;
        var result = (string[])names.Clone();
        var counter = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (!duplicate[i]) continue;
            string name = names[i];
            while (true)
            {
                int n = counter[name] = counter.GetValueOrDefault(name) + 1;
                string candidate = name + join + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (seen.Add(candidate)) { result[i] = candidate; break; }
            }
        }
        return result;
    }
}
