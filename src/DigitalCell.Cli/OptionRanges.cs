using System.CommandLine;

namespace DigitalCell.Cli;

/// <summary>
/// Range checks on numeric options, made at the parser so a bad value is a usage error (exit 2) naming the option
/// before any work starts: a negative layer width reached libtorch and crashed it, a zero checkpoint interval
/// divided by zero, two billion bootstrap resamples grew to 24 GB.
/// </summary>
internal static class OptionRanges
{
    /// <summary>Requires <paramref name="minimum"/> ≤ value ≤ <paramref name="maximum"/>.</summary>
    public static Option<int> Within(this Option<int> option, int minimum, int maximum)
    {
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < minimum || value > maximum)
                result.AddError($"{option.Name} must be between {minimum} and {maximum}, got {value}.");
        });
        return option;
    }

    /// <summary>Requires a finite value in the open-closed range (<paramref name="exclusiveMinimum"/>, <paramref name="maximum"/>].</summary>
    public static Option<double> Within(this Option<double> option, double exclusiveMinimum, double maximum)
    {
        option.Validators.Add(result =>
        {
            double value = result.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value <= exclusiveMinimum || value > maximum)
                result.AddError($"{option.Name} must be a number above {exclusiveMinimum} and at most {maximum}, got {value}.");
        });
        return option;
    }

    /// <summary>Requires a value of at least <paramref name="minimum"/> when the option is given.</summary>
    public static Option<long?> AtLeast(this Option<long?> option, long minimum)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is { } value && value < minimum)
                result.AddError($"{option.Name} must be at least {minimum}, got {value}.");
        });
        return option;
    }
}
