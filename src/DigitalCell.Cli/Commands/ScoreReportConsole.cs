using DigitalCell.Sdk.Scoring;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>Prints a <see cref="ScoreReport"/> as a terminal table (models ranked, metric means with bootstrap CIs).</summary>
internal static class ScoreReportConsole
{
    public static void Write(ScoreReport report, TextWriter output)
    {
        var console = DatasetsCommand.ConsoleFor(output);
        // Metrics as rows and models as columns keep the table narrow; the CIs are in report.md/html.
        var models = report.Rankings.Select(r => r.Model).ToArray();
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{Markup.Escape(report.Mode.Name)} mode, mean over {report.ModelScores[0].Input.Perturbations.Count} perturbations, (n/N) where fewer are defined (95% CIs in report.md)");
        table.AddColumn(new TableColumn("metric").NoWrap());
        foreach (var m in models) table.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
        if (report.Anchors.Count > 0 || report.Options.BaselineModel is not null)
        {
            string label = report.Anchors.Count > 0 ? "VCC 2026 score" : $"score vs {report.Options.BaselineModel}";
            table.AddRow(new[] { $"[bold]{Markup.Escape(label)}[/]" }.Concat(report.Rankings.Select(r => $"[bold]{ScoreReport.Format(r.OverallScore)}[/]")).ToArray());
            table.AddRow(new[] { "  unclipped" }.Concat(report.Rankings.Select(r => ScoreReport.Format(r.OverallScoreUnclipped))).ToArray());
        }
        foreach (var metric in report.Metrics)
            table.AddRow(new[] { Markup.Escape($"{metric.Name} {ScoreReport.BestLabel(metric.Best)}") }
                .Concat(models.Select(m => Markup.Escape(ScoreReport.Format(report.Summary(m, metric.Name).Mean) + ScoreReport.Coverage(report.Summary(m, metric.Name))))).ToArray());
        console.Write(table);
    }
}
