using DigitalCell.Sdk.Torch.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>The protein of a batch of sets as the network reads it: values (B × S × M, CLR) of the markers at protein-table rows <paramref name="Markers"/>.</summary>
internal sealed record ProteinInput(Tensor Values, Tensor Markers);

/// <summary>
/// The protein modality of the base network, a second token set beside the genes:
/// <code>
///   token_m   = embedding_m                                 a marker's own learned token, started from its encoding gene's token
///   cell      = MLP(LN(x · T_panel / √G + p · T_markers / √M))   RNA and protein panel embeddings summed (no protein: the RNA term alone)
///   p̂ (impute) = (W_pm · cell) · T_markersᵀ / √d + c_m       protein of a cell from what is visible of it (cross-modal masking)
///   p̂ (perturb) = p + (W_pd · z) · T_markersᵀ / √d + b_m      residual protein of the perturbed set (decoder starts at zero: "no change")
/// </code>
/// A network without protein has none of these tensors, so RNA-only models keep their tensors and outputs.
/// </summary>
internal sealed partial class BaseNetwork
{
    /// <summary>Protein markers with a token (0 when the network reads RNA only).</summary>
    public long ProteinCount => _parameters.TryGetValue("protein.embedding.weight", out var t) ? t.shape[0] : 0;

    /// <summary>
    /// Adds the protein token table and heads for <paramref name="markers"/>. A marker with an encoding gene in
    /// <paramref name="genes"/> (the vocabulary, <see cref="ProteinMarkers.EncodingGene"/>) starts as that gene's current
    /// token; the others start as N(0, 1), the scale of prior-derived gene tokens. Drawn from their own generator, so the
    /// RNA tensors do not depend on whether protein is present. Returns how many markers started from a gene.
    /// </summary>
    public int AddProteinTokens(IReadOnlyList<string> markers, IReadOnlyList<string> genes, long seed)
    {
        var rows = genes.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => (long)x.i, StringComparer.Ordinal);
        var encodingGenes = markers.Select(m => ProteinMarkers.EncodingGene(m, genes) is { } g && rows.TryGetValue(g, out var row) ? row : -1).ToArray();
        if (ProteinCount > 0) throw new InvalidOperationException("the network already has protein tokens");
        if (encodingGenes.Length == 0) return 0;
        int d = Config.Dimension, m = encodingGenes.Length;
        var generator = new Generator((ulong)Seeds.Derive(seed, "protein tokens"));
        var embedding = randn([m, d], generator: generator);
        using var bound = (1 / Math.Sqrt(d)).ToScalar();
        using var two = 2.0.ToScalar();
        using var one = 1.0.ToScalar();
        var readout = rand([d, d], generator: generator).mul_(two).sub_(one).mul_(bound); // U(±1/√d), as the other heads
        var readoutBias = rand([d], generator: generator).mul_(two).sub_(one).mul_(bound);
        var mapped = Enumerable.Range(0, m).Where(i => encodingGenes[i] >= 0).Select(i => (long)i).ToArray();
        if (mapped.Length > 0)
            using (no_grad())
                embedding.index_copy_(0, tensor(mapped), GeneTokens(Index(mapped.Select(i => encodingGenes[i]).ToArray())).cpu());
        var added = new Dictionary<string, Tensor>
        {
            ["protein.embedding.weight"] = embedding,
            ["protein.masked.weight"] = readout, ["protein.masked.bias"] = readoutBias, ["protein.masked_bias"] = zeros(m),
            ["protein.decoder.weight"] = zeros(d, d), ["protein.decoder.bias"] = zeros(d), ["protein.output_bias"] = zeros(m),
        };
        foreach (var (name, t) in added) _parameters[name] = t.to(float32).to(Device).detach().requires_grad_(true);
        return mapped.Length;
    }

    /// <summary>Tokens of protein-table rows <paramref name="markers"/> (M × d).</summary>
    public Tensor ProteinTokens(Tensor markers) => _parameters["protein.embedding.weight"].index_select(0, markers);

    /// <summary>The protein panel embedding p · T_markers / √M (B × S × d).</summary>
    private Tensor PoolProtein(ProteinInput protein)
    {
        using var scale = (1 / Math.Sqrt(Math.Max(1, protein.Markers.shape[0]))).ToScalar();
        return protein.Values.matmul(ProteinTokens(protein.Markers)).mul(scale);
    }

    /// <summary>Imputed protein (B × S × M) of <paramref name="markers"/> from cell encodings (<see cref="EncodeCells"/>).</summary>
    public Tensor ImputedProtein(Tensor cells, Tensor markers) => ProteinReadout(cells, markers, "protein.masked", "protein.masked_bias");

    /// <summary>The perturbation's protein shift (B × S × M) from a perturbed set encoding.</summary>
    private Tensor ProteinShift(Tensor z, Tensor markers) => ProteinReadout(z, markers, "protein.decoder", "protein.output_bias");

    private Tensor ProteinReadout(Tensor encoding, Tensor markers, string head, string bias)
    {
        using var scale = (1 / Math.Sqrt(Config.Dimension)).ToScalar();
        return F.linear(encoding, _parameters[head + ".weight"], _parameters[head + ".bias"]).matmul(ProteinTokens(markers).t()).mul(scale)
            .Plus(_parameters[bias].index_select(0, markers));
    }
}

/// <summary>A part's protein: cells × markers (CLR, row-major, the part's cell order) and each marker's protein-table row.</summary>
internal sealed record ProteinBlock(float[] Values, long[] Panel)
{
    public int MarkerCount => Panel.Length;

    /// <summary>Copies <paramref name="rows"/>' protein into <paramref name="target"/> at <paramref name="offset"/>.</summary>
    public void Gather(IEnumerable<int> rows, float[] target, int offset)
    {
        foreach (var r in rows)
        {
            Values.AsSpan(r * MarkerCount, MarkerCount).CopyTo(target.AsSpan(offset, MarkerCount));
            offset += MarkerCount;
        }
    }

    /// <summary>A part's protein from <paramref name="protein"/> (the same cells as <paramref name="rna"/>, in the same order).</summary>
    /// <exception cref="DigitalCellException">The cells differ.</exception>
    public static ProteinBlock From(string id, Data.CellDataset rna, Data.CellDataset protein, IReadOnlyDictionary<string, int> markers)
    {
        if (protein.CellCount != rna.CellCount || !protein.CellNames.SequenceEqual(rna.CellNames))
            throw new DigitalCellException($"data set '{id}': its protein has {protein.CellCount} cells and its RNA {rna.CellCount}; the base model needs the same cells in the same order in both");
        int m = protein.GeneCount;
        var values = new float[(long)protein.CellCount * m];
        for (int r = 0; r < protein.CellCount; r++) protein.X.CopyRow(r, values.AsSpan(r * m, m));
        return new ProteinBlock(values, protein.GeneNames.Select(n => (long)markers[n]).ToArray());
    }
}
