using System.CommandLine;
using System.Text.Json;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.IO;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell demo</c>, the README's main job: loads the real CRISPR screen shipped inside the SDK (Papalexi et al. 2021,
/// THP-1), summarises it (cells, genes, cells per perturbation), then runs the default benchmark on it (control-mean,
/// cell-mean and linear baselines on unseen knockouts, seed 0) and prints the score table. Writes <c>summary.json</c>
/// and the benchmark report (default folder <c>out/demo</c>).
/// </summary>
public static class DemoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Folder for summary.json and the benchmark report.", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var command = new Command("demo", "Summarise the embedded real perturbation screen (Papalexi 2021, THP-1 ECCITE-seq) and benchmark the baselines on it.") { output };
        command.SetAction(async (parse, cancellationToken) =>
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

            string summary = JsonSerializer.Serialize(new
            {
                dataset = EmbeddedDatasets.Papalexi2021Thp1,
                cells = data.CellCount,
                genes = data.GeneCount,
                perturbation_column = schema.PerturbationColumn,
                controls = schema.ControlLabels,
                perturbations = groups.Select(g => new { label = g.Label, cells = g.Cells, control = g.Control }),
            }, new JsonSerializerOptions { WriteIndented = true });
            return await BenchmarkCommand.RunAsync(new BenchmarkRequest(Output: folder),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken,
                moreFiles: temp => File.WriteAllText(Path.Combine(temp, "summary.json"), summary));
        });
        return command;
    }
}
