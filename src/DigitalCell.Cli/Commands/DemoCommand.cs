using System.CommandLine;
using System.Text.Json;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.IO;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell demo</c>, the README's main job: resolves a real CRISPR screen through the catalog (Papalexi et al. 2021,
/// THP-1: the 299-gene subset from the cache or a mirror folder, else the full public screen, downloaded once),
/// summarises it (cells, genes, cells per perturbation), then runs the default benchmark on it (control-mean,
/// cell-mean and linear baselines on unseen knockouts, seed 0) and prints the score table. With the dcell-neural
/// plug-in (dcell hands the whole demo to it) the digital-cell base model joins the benchmark as its leave-out variant
/// (pretrained on the other catalog data sets plus the training fold, with short step counts) and the demo prints, for
/// the held-out knockout that changes its cells most, the genes the model moves most next to the measured changes;
/// without the plug-in one line says how to get it. Writes <c>summary.json</c> and the benchmark report (default
/// folder <c>out/demo</c>).
/// </summary>
public static class DemoCommand
{
    /// <summary>The demo's data set: the 299-gene Papalexi subset, which has no public file (cache or mirror only).</summary>
    public const string SubsetId = "papalexi2021-thp1-subset";

    /// <summary>The same screen in full from scPerturb, downloaded when neither the cache nor a mirror has the subset.</summary>
    public const string FullId = "papalexi2021";

    /// <summary>The base model's masked, joint and fine-tuning steps in the demo (the shipped model uses 150/400/300).</summary>
    public const string BaseModelSteps = "30/60/60";

    /// <summary>Creates the command as dcell has it (the base model through the dcell-neural plug-in when installed).</summary>
    public static Command Create() => Create(null, ToolPlugin.Neural);

    /// <summary>Creates the command; <paramref name="createModel"/> (dcell-neural's) makes the base model, else the demo goes to <paramref name="neural"/> when installed.</summary>
    internal static Command Create(Func<string, Sdk.Models.IPerturbationModel>? createModel, ToolPlugin neural)
    {
        var output = new Option<string>("--out", "-o", "--output") { Description = "Folder for summary.json and the benchmark report.", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var catalogArguments = new CatalogArguments();
        var force = OutputArguments.Force();
        var baseSteps = new Option<string>("--base-steps") { Description = "The base model's masked/joint/fine-tuning steps in the demo (more steps, longer run).", DefaultValueFactory = _ => BaseModelSteps };
        var command = new Command("demo", "Summarise a real perturbation screen (Papalexi 2021, THP-1 ECCITE-seq, via the catalog), benchmark the baselines and (with dcell-neural) the digital-cell base model on it.") { output, force, baseSteps };
        catalogArguments.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            // dcell carries no libtorch: the plug-in runs the whole demo, base model included.
            if (createModel is null && neural.IsInstalled)
                return await neural.RunAsync([.. parse.Tokens.Select(t => t.Value)], parse.InvocationConfiguration, cancellationToken);
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
            string baseModel = $"dcell-base-tiny:steps={parse.GetRequiredValue(baseSteps)}";
            var create = createModel;
            if (create is null)
                error.WriteLine(Program.TerminalLine($"The digital-cell base model (dcell-base-tiny) is left out of this benchmark: it needs the {neural.ToolCommand} plug-in: {neural.InstallHint}."));
            else if (MissingBaseModelData() is { } missing)
            {
                error.WriteLine(Program.TerminalLine($"The digital-cell base model (dcell-base-tiny) is left out of this benchmark: {missing}."));
                create = null;
            }
            var request = new BenchmarkRequest(Data: entry.Id, Output: folder, Force: parse.GetValue(force),
                Models: new BenchmarkRequest().Models + (create is null ? "" : "," + baseModel));
            var record = Sdk.Records.ProvenanceRecord.StartCommand("dcell", [.. parse.Tokens.Select(t => t.Value)], request.Parameters, request.Seed)
                .WithInput(DatasetSchemaApplication.CatalogInput(data)!);
            var made = new List<Sdk.Models.IPerturbationModel>();
            try
            {
                int code = BenchmarkCommand.Run(data, schema, entry.Id, request, record, spec =>
                    {
                        var model = (create ?? Sdk.Models.Baselines.Create)(spec);
                        made.Add(model);
                        return model;
                    },
                    parse.InvocationConfiguration.Output, error, cancellationToken,
                    moreFiles: temp => File.WriteAllText(Path.Combine(temp, "summary.json"), summary));
                if (made.FirstOrDefault(m => m.Name.StartsWith("dcell-base-", StringComparison.Ordinal)) is { } fitted)
                    KnockoutTable.Write(console, fitted, data, schema, Sdk.Perturbations.PerturbationSplit.Load(Path.Combine(folder, "split.json")), parse.GetRequiredValue(baseSteps));
                return code;
            }
            finally
            {
                foreach (var model in made) (model as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    /// <summary>
    /// Why the base model cannot pretrain offline, or null when it can: it reads its other data sets (those of
    /// <see cref="BaseModelRecipe.PerturbationIds"/> besides the demo's own, and <see cref="BaseModelRecipe.ObservationalIds"/>) through the default catalog and the gene priors
    /// from the mirror (<c>GenePriors.FromEnvironment</c>), and a demo must not start a download the user did not ask for.
    /// </summary>
    private static string? MissingBaseModelData()
    {
        var absent = BaseModelRecipe.PerturbationIds.Where(id => id != SubsetId).Concat(BaseModelRecipe.ObservationalIds)
            .Where(id => !DatasetCatalog.Default.IsAvailableOffline(id)).ToList();
        try
        {
            _ = Sdk.GeneKnowledge.GenePriors.FromEnvironment();
        }
        catch (DigitalCellException)
        {
            absent.Add(Sdk.GeneKnowledge.GenePriors.CatalogId);
        }
        return absent.Count == 0 ? null
            : $"its pretraining data ({string.Join(", ", absent)}) are neither cached nor in the mirror (${CatalogOptions.MirrorEnvironmentVariable})";
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
