using System.CommandLine;
using DigitalCell.Sdk;

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

    /// <summary>
    /// Checks the value at the parser with <paramref name="check"/> (the same parse the command uses later), so an
    /// unknown name is a usage error (exit 2) listing the valid ones before any data is read.
    /// </summary>
    public static Option<T> CheckedBy<T>(this Option<T> option, Action<T> check)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is not { } value) return;
            try
            {
                check(value);
            }
            catch (DigitalCellException e)
            {
                result.AddError(e.Message.StartsWith(option.Name, StringComparison.Ordinal) ? e.Message : $"{option.Name}: {e.Message}");
            }
        });
        return option;
    }

    /// <summary>
    /// Accepts only <paramref name="values"/> (offered as completions too); another value is a usage error naming the
    /// option and listing them (System.CommandLine's own message names neither).
    /// </summary>
    public static Option<string> OneOf(this Option<string> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !values.Contains(value, StringComparer.Ordinal))
                result.AddError($"{option.Name} must be one of {string.Join(", ", values)}; got '{value}'.");
        });
        return option;
    }
}
