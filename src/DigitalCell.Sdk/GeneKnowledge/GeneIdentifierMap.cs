namespace DigitalCell.Sdk.GeneKnowledge;

/// <summary>
/// Maps gene identifiers between HGNC-style symbols and Ensembl ids, using Geneformer's gene table (42,005 Ensembl
/// ids, each with a symbol, its corpus median and token id). Symbols match case-insensitively; known renames
/// (MARCH8 → MARCHF8, SEPT7 → SEPTIN7, KIAA1804 → MAP3K21, …) resolve to the current symbol, so prior files written
/// years apart (Hallmark 2019, GO 2021) and the genes of a data set meet on one canonical symbol.
/// </summary>
public sealed class GeneIdentifierMap
{
    // HGNC renames that commonly split old and new gene lists; the numbered families are expanded below.
    private static readonly Dictionary<string, string> Renames = BuildRenames();

    private readonly Dictionary<string, GeneRecord> _bySymbol = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, GeneRecord> _byEnsembl = new(StringComparer.OrdinalIgnoreCase);

    private GeneIdentifierMap(IReadOnlyList<GeneRecord> records)
    {
        Records = records;
        // Sorted by Ensembl id in the file: a symbol shared by several ids keeps the first one with a Geneformer token.
        foreach (var r in records.OrderBy(r => r.TokenId is null).ThenBy(r => r.EnsemblId, StringComparer.Ordinal))
        {
            _bySymbol.TryAdd(r.Symbol, r);
            _byEnsembl.TryAdd(r.EnsemblId, r);
        }
    }

    /// <summary>Every row of the table, in file order.</summary>
    public IReadOnlyList<GeneRecord> Records { get; }

    /// <summary>The record of a symbol (any case, old names renamed) or an Ensembl id, or null when unknown.</summary>
    public GeneRecord? Find(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        string id = identifier.Trim();
        int dot = id.StartsWith("ENS", StringComparison.OrdinalIgnoreCase) ? id.IndexOf('.', StringComparison.Ordinal) : -1;
        if (dot > 0) id = id[..dot]; // Ensembl version suffix (ENSG….12)
        if (_byEnsembl.TryGetValue(id, out var byId)) return byId;
        if (_bySymbol.TryGetValue(id, out var bySymbol)) return bySymbol;
        return Renames.TryGetValue(id, out var renamed) && _bySymbol.TryGetValue(renamed, out var byNew) ? byNew : null;
    }

    /// <summary>The canonical symbol of <paramref name="identifier"/>: the table's symbol when known, else the identifier upper-cased (so unmapped genes still match each other).</summary>
    public string Canonical(string identifier) => Find(identifier)?.Symbol ?? (Renames.TryGetValue(identifier.Trim(), out var r) ? r : identifier.Trim().ToUpperInvariant());

    /// <summary>The record of <paramref name="identifier"/>.</summary>
    /// <exception cref="DigitalCellException">The identifier is neither a known symbol, a known rename, nor an Ensembl id of the table.</exception>
    public GeneRecord Resolve(string identifier) => Find(identifier)
        ?? throw new DigitalCellException($"Gene '{identifier}' is not in the gene-identifier map (Geneformer's 42,005 Ensembl genes; symbols match case-insensitively and known renames such as MARCH8 → MARCHF8 are applied). Check the spelling or pass an Ensembl id.");

    /// <summary>Resolves many identifiers at once, returning those that could not be mapped instead of throwing.</summary>
    public GeneMapping ResolveAll(IEnumerable<string> identifiers)
    {
        var mapped = new Dictionary<string, GeneRecord>(StringComparer.Ordinal);
        var unmapped = new List<string>();
        foreach (var id in identifiers)
        {
            if (Find(id) is { } r) mapped[id] = r;
            else unmapped.Add(id);
        }
        return new GeneMapping(mapped, unmapped);
    }

    /// <summary>Reads Geneformer's gene table (TSV, plain or <c>.gz</c>: <c>ensembl_id</c>, <c>symbol</c>, <c>median</c>, <c>token_id</c>).</summary>
    /// <exception cref="DigitalCellException">Missing file, wrong header or a bad number.</exception>
    public static GeneIdentifierMap Read(string path)
    {
        var records = new List<GeneRecord>();
        foreach (var (f, line) in PriorText.TsvRows(path, "ensembl_id", "symbol", "median", "token_id"))
        {
            int? token = f[3].Length == 0 ? null : (int)PriorText.Number(path, line, "token_id", f[3]);
            records.Add(new GeneRecord(f[0], f[1], PriorText.Number(path, line, "median", f[2]), token));
        }
        return new GeneIdentifierMap(records);
    }

    private static Dictionary<string, string> BuildRenames()
    {
        var renames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["KIAA1804"] = "MAP3K21", ["FAM46A"] = "TENT5A", ["FAM46C"] = "TENT5C", ["H2AFZ"] = "H2AZ1", ["H2AFX"] = "H2AX",
            ["H3F3A"] = "H3-3A", ["H3F3B"] = "H3-3B", ["HIST1H4C"] = "H4C3", ["C10orf10"] = "DEPP1", ["GPR44"] = "PTGDR2",
            ["MRE11A"] = "MRE11", ["NARS"] = "NARS1", ["KARS"] = "KARS1", ["WARS"] = "WARS1", ["SARS"] = "SARS1",
            ["TARS"] = "TARS1", ["GARS"] = "GARS1", ["DARS"] = "DARS1", ["QARS"] = "QARS1", ["IARS"] = "IARS1",
            ["FAM129A"] = "NIBAN1", ["ADRBK1"] = "GRK2", ["SKIV2L"] = "SKIC2", ["WISP1"] = "CCN4", ["CTGF"] = "CCN2", ["CYR61"] = "CCN1",
        };
        for (int i = 1; i <= 11; i++) renames[$"MARCH{i}"] = $"MARCHF{i}";
        for (int i = 1; i <= 14; i++) renames[$"SEPT{i}"] = $"SEPTIN{i}";
        return renames;
    }
}

/// <summary>One gene of Geneformer's table.</summary>
/// <param name="EnsemblId">Ensembl gene id (ENSG…).</param>
/// <param name="Symbol">Its symbol.</param>
/// <param name="Median">Geneformer's non-zero median of the gene over its ~95 M-cell corpus (normalised counts).</param>
/// <param name="TokenId">Geneformer's vocabulary id, or null for genes outside its 20,271-gene vocabulary.</param>
public sealed record GeneRecord(string EnsemblId, string Symbol, double Median, int? TokenId);

/// <summary>The result of <see cref="GeneIdentifierMap.ResolveAll"/>.</summary>
/// <param name="Mapped">Each mappable identifier → its record.</param>
/// <param name="Unmapped">Identifiers that matched nothing, in input order.</param>
public sealed record GeneMapping(IReadOnlyDictionary<string, GeneRecord> Mapped, IReadOnlyList<string> Unmapped)
{
    /// <summary>A one-line warning naming (up to ten) unmapped genes, or null when all mapped.</summary>
    public string? Warning => Unmapped.Count == 0 ? null
        : $"{Unmapped.Count} gene(s) not in the gene-identifier map, their priors are zero: {string.Join(", ", Unmapped.Take(10))}{(Unmapped.Count > 10 ? ", …" : "")}.";
}
