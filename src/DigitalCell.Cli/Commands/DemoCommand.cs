using System.CommandLine;
using System.Text.Json;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.IO;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell demo</c>, the README's main job: resolves a real CRISPR screen through the catalog (Papalexi et al. 2021,
/// THP-1: the 299-gene subset from the cache or a mirror folder, else the full public screen, downloaded once),
/// summarises it (cells, genes, cells per perturbation), then runs the default benchmark on it (control-mean,
/// cell-mean and linear baselines on unseen knockouts, seed 0) and prints the score table. Writes <c>summary.json</c>
/// and the benchmark report (default folder <c>out/demo</c>).
/// </summary>
public static class DemoCommand
{
    /// <summary>The demo's data set: the 299-gene Papalexi subset, which has no public file (cache or mirror only).</summary>
    public const string SubsetId = "papalexi2021-thp1-subset";

    /// <summary>The same screen in full from scPerturb, downloaded when neither the cache nor a mirror has the subset.</summary>
    public const string FullId = "papalexi2021";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o", "--output") { Description = "Folder for summary.json and the benchmark report.", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var catalogArguments = new CatalogArguments();
        var force = OutputArguments.Force();
        var command = new Command("demo", "Summarise a real perturbation screen (Papalexi 2021, THP-1 ECCITE-seq, via the catalog) and benchmark the baselines on it.") { output, force };
        catalogArguments.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string folder = parse.GetRequiredValue(output);
            AtomicFile.CheckReplaceable(folder, parse.GetValue(force));
            var error = parse.InvocationConfiguration.Error;
            var catalog = catalogArguments.Open(parse);
            string id = ChooseDataSet(catalog, error);
            var entry = catalog.Get(id);
            Sdk.Data.CellDataset data;
            try
            {
                data = await catalog.LoadAsync(id, new DownloadReporter(error), cancellationToken);
            }
            catch (DigitalCellException e) when (id == FullId)
            {
                throw new DigitalCellException(
                    $"dcell demo has no data: run `dcell demo --mirror <folder holding {entry.PrimaryFile.Name} or " +
                    $"{catalog.Get(SubsetId).PrimaryFile.Name}>` (../shared/data beside the repository is one), or connect to the internet ({e.Message})", e);
            }
            var schema = entry.PerturbationSchema;
            var labels = data.Obs.Categorical(schema.PerturbationColumn);
            var counts = new int[labels.Categories.Count];
            foreach (int code in labels.Codes) if (code >= 0) counts[code]++;
            var groups = labels.Categories.Select((label, i) => (Label: label, Cells: counts[i], Control: schema.IsControlLabel(label)))
                .Where(g => g.Cells > 0)
                .OrderByDescending(g => g.Control).ThenByDescending(g => g.Cells).ThenBy(g => g.Label, StringComparer.Ordinal).ToList();

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(parse.InvocationConfiguration.Output) });
            console.MarkupLine($"[bold]{Markup.Escape(entry.Id)}[/] ({Markup.Escape(entry.Citation.ToString())}): {data.CellCount:N0} cells × {data.GeneCount:N0} genes, " +
                               $"{groups.Count(g => !g.Control)} perturbations, controls: {string.Join(", ", schema.ControlLabels)}");
            var table = new Table().AddColumn("Perturbation").AddColumn(new TableColumn("Cells").RightAligned()).AddColumn("Role");
            foreach (var g in groups) table.AddRow(Markup.Escape(Program.TerminalLine(g.Label)), g.Cells.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), g.Control ? "control" : "knockout");
            console.Write(table);

            string summary = JsonSerializer.Serialize(new
            {
                dataset = entry.Id,
                source = catalog.DataPath(entry.Id),
                cells = data.CellCount,
                genes = data.GeneCount,
                perturbation_column = schema.PerturbationColumn,
                controls = schema.ControlLabels,
                perturbations = groups.Select(g => new { label = g.Label, cells = g.Cells, control = g.Control }),
            }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var request = new BenchmarkRequest(Data: entry.Id, Output: folder, Force: parse.GetValue(force));
            var record = Sdk.Records.ProvenanceRecord.StartCommand("dcell", [.. parse.Tokens.Select(t => t.Value)], request.Parameters, request.Seed)
                .WithInput(DatasetSchemaApplication.CatalogInput(data)!);
            return BenchmarkCommand.Run(data, schema, entry.Id, request, record, Sdk.Models.Baselines.Create,
                parse.InvocationConfiguration.Output, error, cancellationToken,
                moreFiles: temp => File.WriteAllText(Path.Combine(temp, "summary.json"), summary));
        });
        return command;
    }

    /// <summary>The subset when the cache or the mirror has it (or a manifest gives it a source), else the full public screen, saying so.</summary>
    private static string ChooseDataSet(DatasetCatalog catalog, TextWriter error)
    {
        var subset = catalog.Get(SubsetId);
        if (catalog.IsAvailableOffline(SubsetId) || subset.PrimaryFile.Locations.Any()) return SubsetId;
        var full = catalog.Get(FullId);
        error.WriteLine($"The 299-gene Papalexi subset ({SubsetId}) is neither cached nor in a mirror folder (--mirror, " +
                        $"${CatalogOptions.MirrorEnvironmentVariable}); using the full public screen {FullId} ({full.Via?.Split(" (")[0] ?? full.Title}), " +
                        "downloaded once into the cache.");
        return FullId;
    }

    /// <summary>Download progress as a line every 10 %, on the error stream so the output stays the summary and the table.</summary>
    private sealed class DownloadReporter(TextWriter error) : IProgress<DownloadProgress>
    {
        private int _lastTenth = -1;

        public void Report(DownloadProgress value)
        {
            if (value.TotalBytes is not { } total || total <= 0) return;
            int tenth = (int)(10 * value.BytesReceived / total);
            if (tenth == _lastTenth) return;
            _lastTenth = tenth;
            error.WriteLine($"downloading {value.FileName}: {DatasetsCommand.FormatBytes(value.BytesReceived)} of {DatasetsCommand.FormatBytes(total)}");
        }
    }
}
