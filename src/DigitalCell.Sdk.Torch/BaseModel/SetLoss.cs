using DigitalCell.Sdk.Torch.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>The base model's training losses between predicted and measured cell sets (B sets × S cells × G genes).</summary>
/// <remarks>
/// Constants are explicit <see cref="Scalar"/>s held until the call returns: TorchSharp 0.107's implicit double → Scalar
/// conversion leaves the temporary to the finaliser, which can free it while libtorch still reads it (seen as
/// "INTERNAL ASSERT FAILED at Scalar.h" under memory pressure; dotnet/TorchSharp#1434).
/// </remarks>
internal static class SetLoss
{
    /// <summary>
    /// Energy distance per set, 2·E‖X−Y‖ − E‖X−X′‖ − E‖Y−Y′‖ (Székely &amp; Rizzo), as the V-statistic over all pairs
    /// (self-pairs included), averaged over sets: never negative and exactly zero for identical sets. It is twice
    /// geomloss's <c>SamplesLoss("energy")</c>, STATE's loss. Distances are √max(‖x‖²+‖y‖²−2x·y, 1e−12) so the gradient
    /// stays finite at coincident points.
    /// </summary>
    public static Tensor Energy(Tensor predicted, Tensor observed)
    {
        var cross = MeanDistance(predicted, observed);
        return cross.Plus(cross).Minus(MeanDistance(predicted, predicted)).Minus(MeanDistance(observed, observed)).mean();
    }

    /// <summary>Squared error of the set means (the pseudobulk profiles), averaged over genes and sets.</summary>
    public static Tensor Pseudobulk(Tensor predicted, Tensor observed) =>
        predicted.mean([1]).Minus(observed.mean([1])).Squared().mean();

    private static Tensor MeanDistance(Tensor a, Tensor b)
    {
        using var minimum = 1e-12.ToScalar();
        var product = a.bmm(b.transpose(1, 2));
        var squared = a.Squared().sum(-1).unsqueeze(-1).Plus(b.Squared().sum(-1).unsqueeze(-2)).Minus(product).Minus(product);
        return squared.clamp_min(minimum).sqrt().mean([1, 2]);
    }
}
