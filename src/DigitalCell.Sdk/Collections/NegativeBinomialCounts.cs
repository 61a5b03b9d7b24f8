using MathNet.Numerics.Distributions;

namespace DigitalCell.Sdk.Collections;

/// <summary>
/// Negative-binomial counts of a given mean with dispersion 0.5 (shape r = 2, variance m + m²/2), the synthetic
/// screen's noise model. Small means, nearly every draw of a screen, take one uniform and walk the probability
/// function from zero (most draws stop at zero after one comparison); large means draw gamma then Poisson.
/// </summary>
internal static class NegativeBinomialCounts
{
    /// <summary>The shape r = 1 / dispersion.</summary>
    public const double Shape = 2;

    /// <summary>
    /// Above this mean the walk would take tens of steps per draw; gamma–Poisson is cheaper there. Below it the
    /// cumulative sum reaches any uniform <see cref="Random"/> gives (at most 1 − 4.7e-10) long before its rounding
    /// error (≈ 1e-14) matters.
    /// </summary>
    private const double WalkLimit = 64;

    /// <summary>One count of mean <paramref name="mean"/> (≥ 0).</summary>
    public static int Draw(Random rng, double mean)
    {
        if (mean <= 0) return 0;
        if (mean > WalkLimit)
        {
            double rate = Gamma.Sample(rng, Shape, Shape / mean);
            return rate > 0 ? Poisson.Sample(rng, rate) : 0;
        }
        double u = rng.NextDouble();
        double zero = Shape / (Shape + mean), success = 1 - zero;
        double p = zero * zero; // P(0) = (r / (r + m))^r with r = 2
        double cumulative = p;
        int k = 0;
        while (u >= cumulative)
        {
            p *= success * (k + Shape) / (k + 1); // P(k+1) / P(k) = (k + r) / (k + 1) · m / (r + m)
            cumulative += p;
            k++;
        }
        return k;
    }
}
