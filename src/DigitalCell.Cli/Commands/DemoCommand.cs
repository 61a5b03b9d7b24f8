using System.CommandLine;
using System.Text.Json;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.IO;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell demo</c>: loads the real CRISPR screen shipped inside the SDK (Papalexi et al. 2021, THP-1) and summarises it:
/// cells, genes, and the cells per perturbation. Writes <c>summary.json</c> (default folder <c>out/demo</c>).
/// </summary>
public static class DemoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Folder for summary.json.", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var command = new Command("demo", "Summarise the embedded real perturbation screen (Papalexi 2021, THP-1 ECCITE-seq) and write summary.json.") { output };
        command.SetAction(parse =>
        {
            string folder = parse.GetRequiredValue(output);
            var data = EmbeddedDatasets.Load(EmbeddedDatasets.Papalexi2021Thp1);
            var schema = EmbeddedDatasets.Papalexi2021Thp1Schema;
            var labels = data.Obs.Categorical(schema.PerturbationColumn);
            var counts = new int[labels.Categories.Count];
            foreach (int code in labels.Codes) if (code >= 0) counts[code]++;
            var groups = labels.Categories.Select((label, i) => (Label: label, Cells: counts[i], Control: schema.IsControlLabel(label)))
                .OrderByDescending(g => g.Control).ThenByDescending(g => g.Cells).ThenBy(g => g.Label, StringComparer.Ordinal).ToList();

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output) });
            console.MarkupLine($"[bold]{EmbeddedDatasets.Papalexi2021Thp1}[/]: {data.CellCount:N0} cells × {data.GeneCount:N0} genes, " +
                               $"{groups.Count(g => !g.Control)} perturbations, controls: {string.Join(", ", schema.ControlLabels)}");
            var table = new Table().AddColumn("Perturbation").AddColumn(new TableColumn("Cells").RightAligned()).AddColumn("Role");
            foreach (var g in groups) table.AddRow(Markup.Escape(g.Label), g.Cells.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), g.Control ? "control" : "knockout");
            console.Write(table);

            string summaryPath = Path.Combine(folder, "summary.json");
            AtomicFile.WriteAllText(summaryPath, JsonSerializer.Serialize(new
            {
                dataset = EmbeddedDatasets.Papalexi2021Thp1,
                cells = data.CellCount,
                genes = data.GeneCount,
                perturbation_column = schema.PerturbationColumn,
                controls = schema.ControlLabels,
                perturbations = groups.Select(g => new { label = g.Label, cells = g.Cells, control = g.Control }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            console.MarkupLine($"Wrote [green]{Markup.Escape(summaryPath)}[/]");
            return 0;
        });
        return command;
    }
}
