using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.Training;

/// <summary>Set-level losses between predicted and observed cells of the same perturbations (P sets × n cells × G genes).</summary>
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
        var within = (MeanDistance(predicted, predicted) + MeanDistance(observed, observed)) * n / (n - 1.0);
        return (2 * MeanDistance(predicted, observed) - within).mean();
    }

    /// <summary>Squared error of the set means (the pseudobulk profile), averaged over genes and sets.</summary>
    public static Tensor MeanProfile(Tensor predicted, Tensor observed) =>
        (predicted.mean([1]) - observed.mean([1])).pow(2).mean();

    private static Tensor MeanDistance(Tensor a, Tensor b)
    {
        var squared = a.pow(2).sum(-1).unsqueeze(-1) + b.pow(2).sum(-1).unsqueeze(-2) - 2 * a.bmm(b.transpose(1, 2));
        return squared.clamp_min(1e-12).sqrt().mean([1, 2]);
    }
}
