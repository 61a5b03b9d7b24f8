using System.CommandLine;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Figures;

namespace DigitalCell.Cli.Commands;

/// <summary>The <c>--figures</c> option of the commands that write a report: image formats beside the HTML figures.</summary>
internal static class FigureArguments
{
    /// <summary>Creates the option.</summary>
    public static Option<string> Create() => new Option<string>("--figures")
    {
        Description = "Comma-separated figure formats besides the interactive HTML: png, svg (drawn by headless Chromium)",
        DefaultValueFactory = _ => "html",
    }.CheckedBy(value => Parse(value));

    /// <summary>Parses <c>png,svg</c> into formats; <c>html</c> is always written and may be listed.</summary>
    /// <exception cref="DigitalCellException">An unknown format.</exception>
    public static IReadOnlyList<FigureFormat> Parse(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name =>
            Enum.TryParse<FigureFormat>(name, ignoreCase: true, out var format) && Enum.IsDefined(format) && !char.IsDigit(name[0])
                ? format
                : throw new DigitalCellException($"--figures: '{name}' is not a figure format; use html, png, svg.")).Distinct()];
}
