using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Torch.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitalCell.Sdk.Torch.Neural;

/// <summary>
/// The network behind <see cref="NeuralPerturbationModel"/>, written functionally on named tensors so that its
/// state is exactly the safetensors file (names match a PyTorch <c>nn.Sequential</c> of the same layers; see
/// benchmarks/peers/torch_perturbation_net.py):
/// <code>
///   z  = encoder(x)                          x: control cell, G genes   encoder: Linear(G,H) GELU Linear(H,L)
///   e  = Σ_targets prior_projection(prior_t) + target_embedding[t]      prior_t: the gene's PCA loading (K), 0 if unmeasured
///   y  = x + decoder(GELU(z) + e)            decoder: Linear(L,H) GELU Linear(H,G)
/// </code>
/// Unseen targets still map somewhere through their data-driven prior; combinations compose by summing.
/// </summary>
internal sealed class PerturbationNetwork : IDisposable
{
    internal static readonly string[] EncoderNames = ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias"];

    private readonly Dictionary<string, Tensor> _parameters;

    private PerturbationNetwork(Dictionary<string, Tensor> parameters, Tensor genePrior, Device device)
    {
        _parameters = parameters;
        GenePrior = genePrior;
        Device = device;
    }

    /// <summary>Trainable tensors by name, in a stable order.</summary>
    public IReadOnlyDictionary<string, Tensor> Parameters => _parameters;

    /// <summary>Per-gene prior vectors (G × K): not trained.</summary>
    public Tensor GenePrior { get; }

    public Device Device { get; }

    /// <summary>Computes bf16 matrix products with float32 master weights (what autocast does), for CUDA.</summary>
    public bool UseBFloat16 { get; set; }

    public long GeneCount => GenePrior.shape[0];
    public long TargetCount => _parameters["target_embedding.weight"].shape[0];

    /// <summary>A freshly initialised network (PyTorch's default Linear init: U(±1/√fan_in)); target embeddings and the output layer start at zero.</summary>
    public static PerturbationNetwork Create(int genes, int hidden, int latent, Tensor genePrior, int targets, long seed, Device device)
    {
        var generator = new Generator((ulong)seed);
        // Explicit Scalars (see TensorSum): 2u − 1 scaled by 1/√fan_in.
        using Scalar two = 2.0, minusOne = -1.0, one = 1.0;
        Tensor Spread(Tensor u, long fanIn) { using Scalar scale = Math.Sqrt(fanIn); return u.mul(two).add(minusOne, one).div(scale); }
        Tensor Uniform(long rows, long cols, long fanIn) => Spread(rand([rows, cols], generator: generator), fanIn);
        Tensor UniformVec(long n, long fanIn) => Spread(rand([n], generator: generator), fanIn);
        var k = genePrior.shape[1];
        var p = new Dictionary<string, Tensor>
        {
            ["encoder.0.weight"] = Uniform(hidden, genes, genes),
            ["encoder.0.bias"] = UniformVec(hidden, genes),
            ["encoder.2.weight"] = Uniform(latent, hidden, hidden),
            ["encoder.2.bias"] = UniformVec(latent, hidden),
            ["prior_projection.weight"] = Uniform(latent, k, k),
            ["target_embedding.weight"] = zeros(targets, latent),
            ["decoder.0.weight"] = Uniform(hidden, latent, latent),
            ["decoder.0.bias"] = UniformVec(hidden, latent),
            // The output layer starts at zero so an untrained model predicts "no effect" (y = x), the control baseline.
            ["decoder.2.weight"] = zeros(genes, hidden),
            ["decoder.2.bias"] = zeros(genes),
        };
        return FromTensors(p, genePrior, device);
    }

    /// <summary>Rebuilds a network from stored tensors (moved to <paramref name="device"/>, gradients enabled).</summary>
    public static PerturbationNetwork FromTensors(Dictionary<string, Tensor> parameters, Tensor genePrior, Device device)
    {
        var onDevice = parameters.ToDictionary(kv => kv.Key, kv => kv.Value.to(float32).to(device).detach().requires_grad_(true));
        return new PerturbationNetwork(onDevice, genePrior.to(float32).to(device).detach(), device);
    }

    /// <summary>Predicts perturbed cells: <paramref name="cells"/> (B×G) each under the perturbation whose prior sum
    /// (B×K) and known-target indicator (B×T) are given.</summary>
    public Tensor Forward(Tensor cells, Tensor priorSum, Tensor knownTargets)
    {
        var e = Linear(priorSum, "prior_projection.weight", null).Plus(knownTargets.matmul(_parameters["target_embedding.weight"]));
        var z = Linear(F.gelu(Linear(cells, "encoder.0.weight", "encoder.0.bias")), "encoder.2.weight", "encoder.2.bias");
        var d = Linear(F.gelu(Linear(F.gelu(z).Plus(e), "decoder.0.weight", "decoder.0.bias")), "decoder.2.weight", "decoder.2.bias");
        return cells.Plus(d);
    }

    private Tensor Linear(Tensor x, string weight, string? bias)
    {
        var w = _parameters[weight];
        var b = bias is null ? null : _parameters[bias];
        if (!UseBFloat16) return F.linear(x, w, b);
        // Autocast-style mixed precision: the product in bf16, results and master weights in float32.
        return F.linear(x.to(bfloat16), w.to(bfloat16), b?.to(bfloat16)).to(float32);
    }

    /// <summary>Appends zero-initialised embedding rows for new targets (fine-tuning on new genes/compounds).</summary>
    public void AddTargets(int count)
    {
        if (count == 0) return;
        var old = _parameters["target_embedding.weight"];
        using (no_grad())
            _parameters["target_embedding.weight"] = cat([old.detach(), zeros(count, old.shape[1], device: Device)]).requires_grad_(true);
        old.Dispose();
    }

    /// <summary>The tensors as safetensors entries (float32, CPU), parameters then the gene prior.</summary>
    public IEnumerable<SafeTensor> ToSafeTensors(string prefix = "")
    {
        foreach (var (name, t) in _parameters) yield return ToSafeTensor(prefix + name, t);
        yield return ToSafeTensor(prefix + "gene_prior", GenePrior);
    }

    internal static SafeTensor ToSafeTensor(string name, Tensor t)
    {
        using var cpu = t.detach().to(float32).cpu().contiguous();
        return SafeTensor.FromFloats(name, cpu.shape, cpu.data<float>().ToArray());
    }

    internal static Tensor FromSafeTensor(SafeTensor t) => tensor(t.ToFloats(), t.Shape);

    public void Dispose()
    {
        foreach (var t in _parameters.Values) t.Dispose();
        GenePrior.Dispose();
    }
}
