namespace DigitalCell.Sdk.Scoring;

/// <summary>Percentile bootstrap of a mean over perturbations.</summary>
internal static class Bootstrap
{
    /// <summary>
    /// Resamples the perturbations with replacement <paramref name="samples"/> times (seeded), takes the mean of the
    /// defined (non-null, non-NaN) values of each resample, and returns the (1 − level)/2 and (1 + level)/2 percentiles (linear
    /// interpolation, numpy's default). Resamples that draw no defined value are skipped (they carry no
    /// information about the mean). Null when there are fewer than two defined values.
    /// </summary>
    public static (double? Low, double? High) PercentileInterval(double?[] values, int samples, int seed, double level)
    {
        if (samples <= 0 || values.Count(Numerics.IsDefined) < 2) return (null, null);
        var random = new Random(seed);
        var means = new List<double>(samples);
        var resample = new double?[values.Length];
        for (int b = 0; b < samples; b++)
        {
            for (int i = 0; i < values.Length; i++) resample[i] = values[random.Next(values.Length)];
            if (Numerics.MeanOfDefined(resample) is double mean) means.Add(mean);
        }
        if (means.Count == 0) return (null, null);
        var sorted = means.Order().ToArray();
        return (Percentile(sorted, (1 - level) / 2), Percentile(sorted, (1 + level) / 2));
    }

    private static double Percentile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
