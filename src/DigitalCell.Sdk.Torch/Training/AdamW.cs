using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, decoupled weight decay) with the update order of <c>torch.optim.AdamW</c>
/// (decay p ← p·(1 − lr·λ), then the bias-corrected Adam step). Written here rather than using TorchSharp's
/// optimizer so its moments are plain named tensors that go into the safetensors checkpoint.
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly double _beta1, _beta2, _eps, _weightDecay;

    public AdamW(IReadOnlyDictionary<string, Tensor> parameters, double weightDecay, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        (_beta1, _beta2, _eps, _weightDecay) = (beta1, beta2, eps, weightDecay);
        FirstMoments = parameters.ToDictionary(kv => kv.Key, kv => zeros_like(kv.Value));
        SecondMoments = parameters.ToDictionary(kv => kv.Key, kv => zeros_like(kv.Value));
    }

    public Dictionary<string, Tensor> FirstMoments { get; }
    public Dictionary<string, Tensor> SecondMoments { get; }
    public long Step { get; set; }

    public void Update(IReadOnlyDictionary<string, Tensor> parameters, double learningRate, ISet<string> frozen)
    {
        Step++;
        var correction1 = 1 - Math.Pow(_beta1, Step);
        var correction2 = 1 - Math.Pow(_beta2, Step);
        using var _ = no_grad();
        // Explicit scalars, disposed after the loop: implicit double → Scalar temporaries are left to the finaliser,
        // which can free one while libtorch still reads it (dotnet/TorchSharp#1434).
        using Scalar decay = 1 - learningRate * _weightDecay, beta1 = _beta1, beta2 = _beta2, oneMinusBeta1 = 1 - _beta1,
            oneMinusBeta2 = 1 - _beta2, sqrtCorrection2 = Math.Sqrt(correction2), eps = _eps, step = -learningRate / correction1, one = 1.0;
        foreach (var (name, p) in parameters)
        {
            if (frozen.Contains(name) || p.grad is not { } g) continue;
            p.mul_(decay);
            var m = FirstMoments[name].mul_(beta1).add_(g, alpha: oneMinusBeta1);
            var v = SecondMoments[name].mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            using var root = v.sqrt();
            using var denominator = root.div_(sqrtCorrection2).add_(eps, alpha: one); // alpha given: its default is another temporary
            p.addcdiv_(m, denominator, value: step);
        }
    }

    /// <summary>Resizes a moment after its parameter grew (new target embeddings): new rows start at zero.</summary>
    public void Grow(string name, Tensor parameter)
    {
        foreach (var moments in new[] { FirstMoments, SecondMoments })
        {
            var old = moments[name];
            if (old.shape[0] == parameter.shape[0]) continue;
            moments[name] = cat([old, zeros(parameter.shape[0] - old.shape[0], parameter.shape[1], device: parameter.device)]);
            old.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var t in FirstMoments.Values.Concat(SecondMoments.Values)) t.Dispose();
    }
}
