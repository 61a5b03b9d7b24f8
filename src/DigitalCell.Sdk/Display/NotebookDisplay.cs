using System.Runtime.CompilerServices;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Scoring;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// Rich notebook display for SDK results, through Microsoft.DotNet.Interactive.Formatting: the library the
/// .NET Interactive kernel formats with, and the one <c>dcell notebook run</c> uses, so <c>display(x)</c>,
/// <c>x.Display()</c> and a cell's last expression render the same in both.
/// </summary>
public static class NotebookDisplay
{
    /// <summary>Registers the SDK's formatters (datasets, DataFrames, Plotly figures, score reports, run provenance). It runs by itself when the SDK assembly
    /// loads; call it again only after something reset the Formatter (<c>Formatter.ResetToDefault()</c>).</summary>
    public static void Register()
    {
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(PlotlyHtml.Fragment(chart)), HtmlFormatter.MimeType);
        Formatter.Register<GenericChart>(PlotlyHtml.Summary, PlainTextFormatter.MimeType);
        Formatter.Register<DataFrame>(DataFrameDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>(DataFrameDisplay.ToText, PlainTextFormatter.MimeType);
        Formatter.Register<CellDataset>(CellDatasetDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<CellDataset>(CellDatasetDisplay.ToText, PlainTextFormatter.MimeType);
        Formatter.Register<ScoreReport>(ScoreReportDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<ScoreReport>(r => r.ToMarkdown(), PlainTextFormatter.MimeType);
        Formatter.Register<RunProvenance>(p => p.ToHtml(), HtmlFormatter.MimeType);
        Formatter.Register<RunProvenance>(p => p.ToString(), PlainTextFormatter.MimeType);
    }

    /// <summary>Marks the start of a new notebook: its first figure embeds plotly.js again (each notebook file
    /// must carry its own copy to render offline). Notebook runners call this before each notebook.</summary>
    /// <remarks>In an interactive kernel session the count runs for the whole session: re-running the cell that drew
    /// the first figure replaces the only output carrying plotly.js, which the live page no longer needs but a saved
    /// file does. Call this (or restart the kernel) and run all cells before saving a notebook for offline reading.</remarks>
    public static void BeginNotebook() => PlotlyHtml.Reset();

    // Registering on load is what lets notebook code be identical in the kernel and in our runner: the kernel can
    // only run extension hooks from its own (unavailable) package, and asking every notebook to call Register()
    // first would be boilerplate a reader must understand. Registration only adds formatters for SDK types.
#pragma warning disable CA2255 // a library module initializer is intended here, see above
    [ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
#pragma warning restore CA2255
}
