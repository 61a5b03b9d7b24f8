using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Figures;
using DigitalCell.Sdk.Scoring;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace DigitalCell.Sdk.Display;

/// <summary>
/// Rich notebook display for SDK results, through Microsoft.DotNet.Interactive.Formatting (the library the .NET
/// Interactive kernel formats with), so <c>display(x)</c>, <c>x.Display()</c> and a cell's last expression render
/// as tables and figures. Loading the package in the kernel (<c>#r "nuget: DigitalCell.Sdk.Interactive, ..."</c>)
/// runs <see cref="Register"/> through the package's extension script.
/// </summary>
public static class NotebookDisplay
{
    /// <summary>Registers the SDK's formatters (datasets, DataFrames, figures, score reports, run provenance). Call it
    /// again only after something reset the Formatter (<c>Formatter.ResetToDefault()</c>).</summary>
    public static void Register()
    {
        Formatter.Register<Figure>((figure, writer) => writer.Write(FigureHtml.Fragment(figure)), HtmlFormatter.MimeType);
        Formatter.Register<Figure>(f => f.ToString(), PlainTextFormatter.MimeType);
        Formatter.Register<DataFrame>(DataFrameDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>(DataFrameDisplay.ToText, PlainTextFormatter.MimeType);
        Formatter.Register<CellDataset>(CellDatasetDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<CellDataset>(CellDatasetDisplay.ToText, PlainTextFormatter.MimeType);
        Formatter.Register<ScoreReport>(ScoreReportDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<ScoreReport>(r => r.ToMarkdown(), PlainTextFormatter.MimeType);
        Formatter.Register<Records.ProvenanceRecord>(ProvenanceDisplay.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<Records.ProvenanceRecord>(ProvenanceDisplay.ToText, PlainTextFormatter.MimeType);
    }

    /// <summary>Marks the start of a new notebook: its first figure embeds plotly.js again (each notebook file
    /// must carry its own copy to render offline). A fresh kernel starts this way.</summary>
    /// <remarks>In an interactive kernel session the count runs for the whole session: re-running the cell that drew
    /// the first figure replaces the only output carrying plotly.js, which the live page no longer needs but a saved
    /// file does. Call this (or restart the kernel) and run all cells before saving a notebook for offline reading.</remarks>
    public static void BeginNotebook() => FigureHtml.Reset();

    /// <summary>Shows the report: in a notebook as its tables and figures, elsewhere (a script, a console app) its
    /// markdown tables on standard output.</summary>
    public static void Display(this ScoreReport report) => Show(report, r => r.ToMarkdown());

    /// <summary>Shows the dataset's summary: rich in a notebook, anndata-style text elsewhere.</summary>
    public static void Display(this CellDataset data) => Show(data, CellDatasetDisplay.ToText);

    /// <summary>Shows the figure in a notebook; elsewhere prints its one-line description (save it with <see cref="Figure.Save"/>).</summary>
    public static void Display(this Figure figure) => Show(figure, f => f.ToString());

    /// <summary>Whether code runs inside a .NET Interactive kernel command (the kernel's assembly is not referenced,
    /// so its current invocation context is read by name).</summary>
    internal static bool InKernel =>
        Type.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext, Microsoft.DotNet.Interactive", throwOnError: false)
            ?.GetProperty("Current")?.GetValue(null) is not null;

    private static void Show<T>(T value, Func<T, string> text) where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        if (InKernel) DisplayExtensions.Display(value);
        else Console.WriteLine(text(value));
    }
}
