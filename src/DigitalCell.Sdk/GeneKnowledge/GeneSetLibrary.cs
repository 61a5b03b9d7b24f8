namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// A library of named gene sets read from a GMT file (one set per line: <c>name⇥description⇥gene⇥gene…</c>), such as
/// MSigDB Hallmark or Enrichr's GO Biological Process. Gene symbols are kept as written; look them up through a
/// <see cref="GeneIdentifierMap"/> to match renamed genes.
/// </summary>
public sealed class GeneSetLibrary
{
    private GeneSetLibrary(string name, IReadOnlyList<GeneSet> sets)
    {
        Name = name;
        Sets = sets;
    }

    /// <summary>The library's name (its file name without extensions).</summary>
    public string Name { get; }

    /// <summary>The sets in file order.</summary>
    public IReadOnlyList<GeneSet> Sets { get; }

    /// <summary>The set called <paramref name="name"/> (exact, case-sensitive).</summary>
    /// <exception cref="DigitalCellException">No such set; the message names a few that exist.</exception>
    public GeneSet this[string name] => Sets.FirstOrDefault(s => s.Name == name)
        ?? throw new DigitalCellException($"Gene-set library '{Name}' has no set '{name}'. Sets include: {string.Join(", ", Sets.Take(5).Select(s => s.Name))}.");

    /// <summary>Reads a GMT (or gzip-compressed GMT) file.</summary>
    /// <exception cref="DigitalCellException">The file is missing, or a line has no genes.</exception>
    public static GeneSetLibrary ReadGmt(string path)
    {
        var sets = new List<GeneSet>();
        using var reader = PriorText.Open(path);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = text.Split('\t');
            var genes = fields.Skip(2).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
            if (fields.Length < 3 || genes.Length == 0)
                throw new DigitalCellException(path, $"line {line}", "a GMT line needs a name, a description and at least one gene, tab-separated.");
            sets.Add(new GeneSet(fields[0], fields[1], genes));
        }
        string name = Path.GetFileName(path);
        foreach (var ext in new[] { ".gz", ".gmt" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) name = name[..^ext.Length];
        return new GeneSetLibrary(name, sets);
    }
}

/// <summary>One named gene set.</summary>
/// <param name="Name">The set's name (e.g. <c>HALLMARK_INTERFERON_GAMMA_RESPONSE</c>).</param>
/// <param name="Description">The GMT description column (a URL for MSigDB, empty for Enrichr).</param>
/// <param name="Genes">Member symbols, distinct, in file order.</param>
public sealed record GeneSet(string Name, string Description, IReadOnlyList<string> Genes);
