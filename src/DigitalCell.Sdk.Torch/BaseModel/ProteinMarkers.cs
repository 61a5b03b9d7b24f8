namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// The gene that encodes a surface-protein marker, as antibody panels name them (CD8 → CD8A, CD45RA → PTPRC,
/// "MHCII (HLA-DR)" → HLA-DRA), so a protein token can start from its gene's token. Isotype controls (IgG1, IgG2a…)
/// and non-protein antigens (CD77 is the glycolipid Gb3; CD15 is the Lewis-X glycan) have none.
/// </summary>
public static class ProteinMarkers
{
    // CD nomenclature → HGNC symbol (HCDM / HGNC). Names equal to their gene symbol (CD14, CD19, CCR7, CTLA4…) need no row.
    // Multi-chain antigens map to the chain the antibody is raised against or the first chain (CD3 → CD3E, the common
    // OKT3/UCHT1 epitope; HLA-A,B,C → HLA-A; HLA-DR → HLA-DRA; TCRb → TRBC1).
    private static readonly Dictionary<string, string> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CD3"] = "CD3E", ["CD8"] = "CD8A", ["CD8a"] = "CD8A", ["CD8b"] = "CD8B", ["CD11a"] = "ITGAL", ["CD11b"] = "ITGAM",
        ["CD11c"] = "ITGAX", ["CD16"] = "FCGR3A", ["CD18"] = "ITGB2", ["CD21"] = "CR2", ["CD25"] = "IL2RA", ["CD26"] = "DPP4",
        ["CD31"] = "PECAM1", ["PECAM"] = "PECAM1", ["CD32"] = "FCGR2A", ["CD45"] = "PTPRC", ["CD45RA"] = "PTPRC",
        ["CD45RO"] = "PTPRC", ["CD45R"] = "PTPRC", ["B220"] = "PTPRC", ["CD56"] = "NCAM1", ["CD57"] = "B3GAT1",
        ["CD62L"] = "SELL", ["CD64"] = "FCGR1A", ["CD66b"] = "CEACAM8", ["CD71"] = "TFRC", ["CD117"] = "KIT",
        ["C-kit"] = "KIT", ["CD127"] = "IL7R", ["IL7Ralpha"] = "IL7R", ["CD134"] = "TNFRSF4", ["Ox40"] = "TNFRSF4",
        ["CD137"] = "TNFRSF9", ["CD138"] = "SDC1", ["CD152"] = "CTLA4", ["CD161"] = "KLRB1", ["CD197"] = "CCR7",
        ["CD223"] = "LAG3", ["lag3"] = "LAG3", ["CD274"] = "CD274", ["PD-L1"] = "CD274", ["B7-H1"] = "CD274",
        ["CD279"] = "PDCD1", ["PD-1"] = "PDCD1", ["PD1"] = "PDCD1", ["CD326"] = "EPCAM", ["EpCAM"] = "EPCAM",
        ["CD366"] = "HAVCR2", ["tim3"] = "HAVCR2", ["TIGIT"] = "TIGIT", ["HLA-A,B,C"] = "HLA-A", ["HLA-ABC"] = "HLA-A",
        ["HLA-DR"] = "HLA-DRA", ["MHCII"] = "HLA-DRA", ["LAMP1"] = "LAMP1", ["CD107a"] = "LAMP1", ["Siglec-8"] = "SIGLEC8",
        ["TCRb"] = "TRBC1", ["TCRab"] = "TRBC1", ["TCRg"] = "TRGC1", ["TCRgd"] = "TRGC1",
    };

    // Antigens that are not proteins, or antibodies that bind nothing human (isotype controls).
    private static readonly HashSet<string> NoGene = new(StringComparer.OrdinalIgnoreCase) { "CD15", "CD77", "IgG1", "IgG2a", "IgG2b", "IgG", "IgM" };

    /// <summary>
    /// The encoding gene of <paramref name="marker"/>: the table above for the name or its parenthesised alias
    /// ("IL7Ralpha (CD127)"), a 10x-style suffix removed ("CD3_TotalSeqB"), else the name itself when it is one of
    /// <paramref name="geneSymbols"/> (CD14, CCR7); null for isotype controls, glycans and unknown names.
    /// </summary>
    /// <param name="marker">The antibody's name as the data set gives it.</param>
    /// <param name="geneSymbols">Gene symbols a bare name may match (the model's vocabulary).</param>
    public static string? EncodingGene(string marker, IReadOnlyCollection<string>? geneSymbols = null)
    {
        ArgumentNullException.ThrowIfNull(marker);
        var name = marker.Split('_')[0].Trim();
        var names = new List<string>();
        int open = name.IndexOf('(');
        if (open > 0 && name.EndsWith(')'))
        {
            names.Add(name[..open].Trim());
            names.Add(name[(open + 1)..^1].Trim());
        }
        else names.Add(name);
        if (names.Any(NoGene.Contains)) return null;
        foreach (var n in names)
            if (Table.TryGetValue(n, out var gene)) return gene;
        return geneSymbols is null ? null
            : names.Select(n => geneSymbols.FirstOrDefault(g => string.Equals(g, n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(g => g is not null);
    }
}
