using DigitalCell.Sdk.Torch.Tensors;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>
/// The network of the digital-cell base model, written functionally on named tensors (its state is exactly the
/// safetensors file, as <see cref="Neural.PerturbationNetwork"/>):
/// <code>
///   token_g  = W_prior · prior_g + embedding_g            gene token: the gene's prior vector projected, plus a learned
///                                                          residual (zero at start, so tokens start from the priors)
///   cell     = MLP(LN(x · T_panel / √G))                   expression-weighted sum of the data set's gene tokens; genes
///                                                          outside the panel never enter (the mask)
///   pert     = Σ_t [MLP(token_t) | agent_t] + mode_t  (+ interaction(Σ) for combinations)
///   context  = Σ context tokens (data set, cell line / type / donor)
///   z        = SetTransformer(cell_i + pert + context)     pre-norm layers attending across the S cells of a set (the
///                                                          "no set attention" ablation puts a per-cell feed-forward
///                                                          d → d → d in the attention's place: cells never see each other)
///   y_i      = x_i + (W_dec · LN(z_i)) · T_panelᵀ / √d + b_panel      residual prediction over the panel's genes
/// </code>
/// The masked-expression head reads the same set encoding and predicts hidden genes' values (observational pretraining).
/// Surface protein is a second token set (ModalityTokens.cs): its panel embedding is added to the cell's before the MLP.
/// </summary>
internal sealed partial class BaseNetwork : IDisposable
{
    /// <summary>Perturbation modes with an embedding row, in <see cref="PerturbationMode"/> order.</summary>
    public static readonly int ModeCount = Enum.GetValues<PerturbationMode>().Length;

    private readonly Dictionary<string, Tensor> _parameters;

    private BaseNetwork(BaseModelConfig config, Dictionary<string, Tensor> parameters, Tensor genePrior, Device device)
    {
        Config = config;
        _parameters = parameters;
        GenePrior = genePrior;
        Device = device;
        // The weights say which block mixes cells, so a saved ablation loads as itself.
        SetAttention = !parameters.Keys.Any(k => k.EndsWith(".cell.0.weight", StringComparison.Ordinal));
    }

    public BaseModelConfig Config { get; }

    /// <summary>Whether each layer attends across the cells of a set (false: the "no set attention" ablation's per-cell feed-forward).</summary>
    public bool SetAttention { get; }

    /// <summary>Trainable tensors by name, in a stable order.</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters => _parameters;

    /// <summary>The vocabulary's prior vectors (V × P), fixed.</summary>
    public Tensor GenePrior { get; }

    public Device Device { get; }

    public long GeneCount => GenePrior.shape[0];
    public long PriorDimensions => GenePrior.shape[1];
    public long AgentCount => _parameters["perturbation.agent.weight"].shape[0];
    public long ContextCount => _parameters["context.weight"].shape[0];

    /// <summary>Trainable parameter count.</summary>
    public long ParameterCount => _parameters.Values.Sum(t => t.numel());

    /// <summary>
    /// A new network for a vocabulary whose prior vectors are <paramref name="genePrior"/> (V × P, row-major). Linear
    /// layers start as PyTorch's (U(±1/√fan_in)), embeddings as N(0, 0.02²) (GPT-2's), gene residuals and the decoder at
    /// zero, so an untrained network predicts "no change" and its gene tokens are exactly the projected priors.
    /// <paramref name="setAttention"/> false builds the "no set attention" ablation: each layer's attention is replaced by
    /// a per-cell feed-forward d → d → d.
    /// </summary>
    public static BaseNetwork Create(BaseModelConfig config, float[] genePrior, int genes, int agents, int contexts, long seed, Device device, bool setAttention = true)
    {
        config.Validate();
        int d = config.Dimension, f = config.FeedForward;
        int p = genePrior.Length / Math.Max(1, genes);
        var generator = new Generator((ulong)seed);
        // U(−1/√fan_in, 1/√fan_in) = (2·U(0,1) − 1)/√fan_in; scalars held explicitly (see SetLoss's remarks).
        Tensor Scaled(Tensor t, double scale, double shift = 0)
        {
            using var a = scale.ToScalar();
            using var b = shift.ToScalar();
            using var one = 1.0.ToScalar();
            return t.mul_(a).add_(b, one);
        }
        Tensor Uniform(long rows, long cols) => Scaled(rand([rows, cols], generator: generator), 2 / Math.Sqrt(cols), -1 / Math.Sqrt(cols));
        Tensor UniformVec(long n, long fanIn) => Scaled(rand([n], generator: generator), 2 / Math.Sqrt(fanIn), -1 / Math.Sqrt(fanIn));
        Tensor Normal(long rows, long cols) => Scaled(randn([rows, cols], generator: generator), 0.02);
        var w = new Dictionary<string, Tensor>
        {
            // ×√3 turns U(±1/√P) into unit variance, so tokens from RMS-normalised prior columns start at unit scale.
            ["gene.prior_projection.weight"] = Scaled(rand([d, Math.Max(1, p)], generator: generator), 2 * Math.Sqrt(3.0 / Math.Max(1, p)), -Math.Sqrt(3.0 / Math.Max(1, p))),
            ["gene.embedding.weight"] = zeros(genes, d),
            ["gene.output_bias"] = zeros(genes),
            ["encoder.norm.weight"] = ones(d), ["encoder.norm.bias"] = zeros(d),
            ["encoder.0.weight"] = Uniform(d, d), ["encoder.0.bias"] = UniformVec(d, d),
            ["encoder.2.weight"] = Uniform(d, d), ["encoder.2.bias"] = UniformVec(d, d),
            ["perturbation.0.weight"] = Uniform(d, d), ["perturbation.0.bias"] = UniformVec(d, d),
            ["perturbation.2.weight"] = Uniform(d, d), ["perturbation.2.bias"] = UniformVec(d, d),
            ["perturbation.mode.weight"] = Normal(ModeCount, d),
            ["perturbation.agent.weight"] = Normal(agents, d),
            ["perturbation.interaction.0.weight"] = Uniform(d, d), ["perturbation.interaction.0.bias"] = UniformVec(d, d),
            // Zero: combinations start additive (the strong baseline on Norman) and learn only what departs from it.
            ["perturbation.interaction.2.weight"] = zeros(d, d), ["perturbation.interaction.2.bias"] = zeros(d),
            ["context.weight"] = Normal(contexts, d),
        };
        for (int l = 0; l < config.Layers; l++)
        {
            var s = $"layers.{l}.";
            w[s + "norm1.weight"] = ones(d); w[s + "norm1.bias"] = zeros(d);
            if (setAttention)
            {
                w[s + "attention.in.weight"] = Uniform(3 * d, d); w[s + "attention.in.bias"] = zeros(3 * d);
                w[s + "attention.out.weight"] = Uniform(d, d); w[s + "attention.out.bias"] = zeros(d);
            }
            else
            {
                w[s + "cell.0.weight"] = Uniform(d, d); w[s + "cell.0.bias"] = UniformVec(d, d);
                w[s + "cell.2.weight"] = Uniform(d, d); w[s + "cell.2.bias"] = UniformVec(d, d);
            }
            w[s + "norm2.weight"] = ones(d); w[s + "norm2.bias"] = zeros(d);
            w[s + "ffn.0.weight"] = Uniform(f, d); w[s + "ffn.0.bias"] = UniformVec(f, d);
            w[s + "ffn.2.weight"] = Uniform(d, f); w[s + "ffn.2.bias"] = UniformVec(d, f);
        }
        w["norm.weight"] = ones(d); w["norm.bias"] = zeros(d);
        w["decoder.weight"] = zeros(d, d); w["decoder.bias"] = zeros(d);
        w["masked.weight"] = Uniform(d, d); w["masked.bias"] = UniformVec(d, d);
        return FromTensors(config, w, tensor(genePrior, [genes, Math.Max(1, p)]), device);
    }

    /// <summary>
    /// A copy with more rows in the vocabulary, agent and context tables, each new row started as <see cref="Create"/>
    /// starts it: a gene from its prior vector (<paramref name="newPriorRows"/>, n × P row-major) with a zero residual and
    /// output bias, agents and contexts N(0, 0.02²) from a generator seeded by <paramref name="seed"/>. Trained rows and
    /// every other tensor are copied unchanged.
    /// </summary>
    public BaseNetwork Extend(float[] newPriorRows, int newGenes, int newAgents, int newContexts, long seed)
    {
        var generator = new Generator((ulong)seed);
        Tensor Append(Tensor table, Tensor rows) => cat([table.detach().cpu(), rows]);
        Tensor Normal(long rows) { using var scale = 0.02.ToScalar(); return randn([rows, Config.Dimension], generator: generator).mul_(scale); }
        var w = _parameters.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu());
        w["gene.embedding.weight"] = Append(w["gene.embedding.weight"], zeros(newGenes, Config.Dimension));
        w["gene.output_bias"] = Append(w["gene.output_bias"], zeros(newGenes));
        w["perturbation.agent.weight"] = Append(w["perturbation.agent.weight"], Normal(newAgents));
        w["context.weight"] = Append(w["context.weight"], Normal(newContexts));
        var prior = Append(GenePrior, tensor(newPriorRows, [newGenes, PriorDimensions]));
        return FromTensors(Config with { GeneVocabulary = (int)GeneCount + newGenes, Agents = (int)AgentCount + newAgents, Contexts = (int)ContextCount + newContexts },
            w, prior, Device);
    }

    /// <summary>Rebuilds a network from stored tensors (moved to <paramref name="device"/>, gradients enabled).</summary>
    public static BaseNetwork FromTensors(BaseModelConfig config, Dictionary<string, Tensor> parameters, Tensor genePrior, Device device)
    {
        var onDevice = parameters.ToDictionary(kv => kv.Key, kv => kv.Value.to(float32).to(device).detach().requires_grad_(true));
        return new BaseNetwork(config, onDevice, genePrior.to(float32).to(device).detach(), device);
    }

    /// <summary>Gene tokens of vocabulary rows <paramref name="genes"/> (n × d).</summary>
    public Tensor GeneTokens(Tensor genes) =>
        F.linear(GenePrior.index_select(0, genes), _parameters["gene.prior_projection.weight"]).Plus(_parameters["gene.embedding.weight"].index_select(0, genes));

    /// <summary>Tokens of genes outside the vocabulary, from their prior vectors alone (n × P → n × d).</summary>
    public Tensor PriorTokens(Tensor priors) => F.linear(priors, _parameters["gene.prior_projection.weight"]);

    /// <summary>
    /// Predicted perturbed sets: <paramref name="controls"/> (B × S × G, the panel's genes <paramref name="panel"/>) under
    /// each set's perturbation vector (B × d) and context vector (B × d).
    /// </summary>
    public Tensor Forward(Tensor controls, Tensor panel, Tensor perturbation, Tensor context) => Forward(controls, panel, perturbation, context, null).Rna;

    /// <summary>
    /// As <see cref="Forward(Tensor, Tensor, Tensor, Tensor)"/> for a data set that may measure protein: the controls'
    /// protein enters the cell encoding and the protein head predicts the perturbed protein; null (a data set without
    /// protein) gives no protein input and no protein output, and the RNA output of the RNA-only network.
    /// </summary>
    public (Tensor Rna, Tensor? Protein) Forward(Tensor controls, Tensor panel, Tensor perturbation, Tensor context, ProteinInput? protein)
    {
        var tokens = GeneTokens(panel);
        var z = Encode(controls, tokens, perturbation, context, protein);
        var query = F.linear(z, _parameters["decoder.weight"], _parameters["decoder.bias"]);
        using var scale = (1 / Math.Sqrt(Config.Dimension)).ToScalar();
        var delta = query.matmul(tokens.t()).mul(scale).Plus(_parameters["gene.output_bias"].index_select(0, panel));
        return (controls.Plus(delta), protein is null ? null : protein.Values.Plus(ProteinShift(z, protein.Markers)));
    }

    /// <summary>Masked-expression head: from cells showing only <paramref name="visible"/> genes, the values of <paramref name="hidden"/> ones.</summary>
    public Tensor PredictHidden(Tensor cells, Tensor visible, Tensor hidden, Tensor context) =>
        HiddenGenes(Encode(cells, GeneTokens(visible), zeros([cells.shape[0], Config.Dimension], device: Device), context), hidden);

    /// <summary>
    /// Each cell's own encoding (B × S × d, before the set attention) from its <paramref name="visible"/> genes (none: an
    /// empty index) and, when given, its protein: what the cross-modal heads read, since imputation is per cell.
    /// </summary>
    public Tensor EncodeCells(Tensor cells, Tensor visible, ProteinInput? protein) => CellEncoding(cells, GeneTokens(visible), protein);

    /// <summary>The masked-expression head's values of <paramref name="hidden"/> genes from a set or cell encoding.</summary>
    public Tensor HiddenGenes(Tensor z, Tensor hidden)
    {
        using var scale = (1 / Math.Sqrt(Config.Dimension)).ToScalar();
        return F.linear(z, _parameters["masked.weight"], _parameters["masked.bias"]).matmul(GeneTokens(hidden).t()).mul(scale);
    }

    /// <summary>The set encoding (B × S × d) after the final norm.</summary>
    private Tensor Encode(Tensor cells, Tensor tokens, Tensor perturbation, Tensor context, ProteinInput? protein = null)
    {
        var z = CellEncoding(cells, tokens, protein).Plus(perturbation.Plus(context).unsqueeze(1));
        for (int l = 0; l < Config.Layers; l++)
        {
            var s = $"layers.{l}.";
            var x = LayerNorm(z, s + "norm1");
            z = z.Plus(SetAttention ? Attention(x, s + "attention") : Linear(F.gelu(Linear(x, s + "cell.0")), s + "cell.2"));
            z = z.Plus(Linear(F.gelu(Linear(LayerNorm(z, s + "norm2"), s + "ffn.0")), s + "ffn.2"));
        }
        return LayerNorm(z, "norm");
    }

    /// <summary>MLP(LN(x · T / √G [+ p · T_markers / √M])): the cell is the sum of its modalities' panel embeddings.</summary>
    private Tensor CellEncoding(Tensor cells, Tensor tokens, ProteinInput? protein)
    {
        using var scale = (1 / Math.Sqrt(Math.Max(1, tokens.shape[0]))).ToScalar();
        var pooled = cells.matmul(tokens).mul(scale);
        if (protein is not null) pooled = pooled.Plus(PoolProtein(protein));
        return Linear(F.gelu(Linear(LayerNorm(pooled, "encoder.norm"), "encoder.0")), "encoder.2");
    }

    /// <summary>Multi-head self-attention across the cells of each set (no positions: a set is unordered).</summary>
    private Tensor Attention(Tensor x, string prefix)
    {
        long b = x.shape[0], s = x.shape[1];
        int h = Config.Heads, dh = Config.Dimension / Config.Heads;
        var qkv = Linear(x, prefix + ".in").view(b, s, 3, h, dh).permute(2, 0, 3, 1, 4); // 3 × B × h × S × dh
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        using var scale = (1 / Math.Sqrt(dh)).ToScalar();
        var weights = F.softmax(q.matmul(k.transpose(-2, -1)).mul(scale), -1);
        var mixed = weights.matmul(v).transpose(1, 2).reshape(b, s, Config.Dimension);
        return Linear(mixed, prefix + ".out");
    }

    /// <summary>
    /// Perturbation vectors (B × d): per set, Σ over gene targets of MLP(token) plus Σ over agent targets of the agent's
    /// token, each plus its mode's embedding; sets with two or more targets add the learned interaction of the sum.
    /// </summary>
    /// <param name="geneTokens">Tokens of every gene target in the batch (n × d).</param>
    /// <param name="geneSets">The set (0..B−1) of each gene target.</param>
    /// <param name="geneModes">The mode of each gene target.</param>
    /// <param name="agents">Agent rows of every agent target.</param>
    /// <param name="agentSets">The set of each agent target.</param>
    /// <param name="agentModes">The mode of each agent target.</param>
    /// <param name="sets">B.</param>
    public Tensor Perturbations(Tensor geneTokens, long[] geneSets, long[] geneModes, long[] agents, long[] agentSets, long[] agentModes, int sets)
    {
        var result = zeros([sets, Config.Dimension], device: Device);
        var modes = _parameters["perturbation.mode.weight"];
        using var one = 1.ToScalar();
        if (geneSets.Length > 0)
        {
            var e = Linear(F.gelu(Linear(geneTokens, "perturbation.0")), "perturbation.2").Plus(modes.index_select(0, Index(geneModes)));
            result = result.index_add(0, Index(geneSets), e, one);
        }
        if (agents.Length > 0)
        {
            var e = _parameters["perturbation.agent.weight"].index_select(0, Index(agents)).Plus(modes.index_select(0, Index(agentModes)));
            result = result.index_add(0, Index(agentSets), e, one);
        }
        var counts = new float[sets];
        foreach (var s in geneSets.Concat(agentSets)) counts[s]++;
        var combination = tensor(counts.Select(c => c >= 2 ? 1f : 0f).ToArray(), device: Device).unsqueeze(1);
        return result.Plus(combination.mul(Linear(F.gelu(Linear(result, "perturbation.interaction.0")), "perturbation.interaction.2")));
    }

    /// <summary>Context vectors (B × d): the sum of each set's context rows (−1 entries are unknown contexts and add nothing).</summary>
    public Tensor Contexts(IReadOnlyList<int[]> contexts)
    {
        var multiHot = new float[contexts.Count * ContextCount];
        for (int b = 0; b < contexts.Count; b++)
            foreach (var c in contexts[b]) if (c >= 0) multiHot[b * ContextCount + c] = 1;
        return tensor(multiHot, [contexts.Count, ContextCount], device: Device).matmul(_parameters["context.weight"]);
    }

    public Tensor Index(long[] values) => tensor(values, device: Device);

    private Tensor Linear(Tensor x, string name) => F.linear(x, _parameters[name + ".weight"], _parameters[name + ".bias"]);

    private Tensor LayerNorm(Tensor x, string name) =>
        F.layer_norm(x, [Config.Dimension], _parameters[name + ".weight"], _parameters[name + ".bias"]);

    /// <summary>The tensors as safetensors entries (float32, CPU), parameters then the gene prior.</summary>
    public IEnumerable<SafeTensor> ToSafeTensors()
    {
        foreach (var (name, t) in _parameters) yield return Neural.PerturbationNetwork.ToSafeTensor(name, t);
        yield return Neural.PerturbationNetwork.ToSafeTensor("gene_prior", GenePrior);
    }

    public void Dispose()
    {
        foreach (var t in _parameters.Values) t.Dispose();
        GenePrior.Dispose();
    }
}
