using DigitalCell.Sdk.Torch.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Training;

/// <summary>Set-level losses between predicted and observed cells of the same perturbations (P sets × n cells × G genes).</summary>
/// <remarks>Constants are explicit <see cref="Scalar"/>s held for the call and sums go through <see cref="TensorSum"/>:
/// TorchSharp 0.107 leaves implicit Scalars to the finaliser, which can free one while libtorch reads it (TorchSharp#1434).</remarks>
internal static class DistributionLoss
{
    /// <summary>
    /// Energy distance (Székely &amp; Rizzo; the statistic scPerturb's E-test uses) per set,
    /// 2·E‖X−Y‖ − E‖X−X′‖ − E‖Y−Y′‖, averaged over sets. The within-set terms are U-statistics (self-pairs
    /// excluded, hence the n/(n−1)), so the loss is unbiased and near zero when the sets match. Distances are
    /// √max(‖x‖²+‖y‖²−2x·y, 1e−12) so the gradient stays finite at coincident points.
    /// </summary>
    public static Tensor Energy(Tensor predicted, Tensor observed)
    {
        var n = predicted.shape[1];
        using Scalar cells = n, pairs = n - 1.0, two = 2.0;
        var within = MeanDistance(predicted, predicted).Plus(MeanDistance(observed, observed)).mul(cells).div(pairs);
        return MeanDistance(predicted, observed).mul(two).Minus(within).mean();
    }

    /// <summary>Squared error of the set means (the pseudobulk profile), averaged over genes and sets.</summary>
    public static Tensor MeanProfile(Tensor predicted, Tensor observed) =>
        predicted.mean([1]).Minus(observed.mean([1])).Squared().mean();

    private static Tensor MeanDistance(Tensor a, Tensor b)
    {
        using Scalar two = 2.0, minimum = 1e-12;
        var squared = a.Squared().sum(-1).unsqueeze(-1).Plus(b.Squared().sum(-1).unsqueeze(-2)).Minus(a.bmm(b.transpose(1, 2)).mul(two));
        return squared.clamp_min(minimum).sqrt().mean([1, 2]);
    }
}
