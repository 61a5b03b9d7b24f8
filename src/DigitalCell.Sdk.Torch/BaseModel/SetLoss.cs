using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>The base model's training losses between predicted and measured cell sets (B sets × S cells × G genes).</summary>
internal static class SetLoss
{
    /// <summary>
    /// Energy distance per set, 2·E‖X−Y‖ − E‖X−X′‖ − E‖Y−Y′‖ (Székely &amp; Rizzo), as the V-statistic over all pairs
    /// (self-pairs included), averaged over sets: never negative and exactly zero for identical sets. It is twice
    /// geomloss's <c>SamplesLoss("energy")</c>, STATE's loss. Distances are √max(‖x‖²+‖y‖²−2x·y, 1e−12) so the gradient
    /// stays finite at coincident points.
    /// </summary>
    public static Tensor Energy(Tensor predicted, Tensor observed) =>
        (2 * MeanDistance(predicted, observed) - MeanDistance(predicted, predicted) - MeanDistance(observed, observed)).mean();

    /// <summary>Squared error of the set means (the pseudobulk profiles), averaged over genes and sets.</summary>
    public static Tensor Pseudobulk(Tensor predicted, Tensor observed) =>
        (predicted.mean([1]) - observed.mean([1])).pow(2).mean();

    private static Tensor MeanDistance(Tensor a, Tensor b)
    {
        var squared = a.pow(2).sum(-1).unsqueeze(-1) + b.pow(2).sum(-1).unsqueeze(-2) - 2 * a.bmm(b.transpose(1, 2));
        return squared.clamp_min(1e-12).sqrt().mean([1, 2]);
    }
}
