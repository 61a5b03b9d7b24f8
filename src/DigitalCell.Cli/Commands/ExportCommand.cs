using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Registry;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell export dataset &lt;id|path&gt; --format croissant|datacite|schema-org</c> and
/// <c>dcell export model &lt;dir&gt; --format croissant|model-card</c>: registry records (Croissant 1.0 JSON-LD,
/// schema.org Dataset, DataCite 4.x JSON, model card), checked against the schemas kept in the SDK before they are
/// written, with the fields that remain manual listed on the error stream.
/// </summary>
public static class ExportCommand
{
    private static readonly string[] DatasetFormats = ["croissant", "datacite", "schema-org"];
    private static readonly string[] ModelFormats = ["croissant", "model-card"];

    /// <summary>Creates the command with its two subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("export", "Registry records (K-BDS / K-BDI): Croissant 1.0, schema.org Dataset, DataCite JSON, model cards.");
        command.Subcommands.Add(DatasetCommand());
        command.Subcommands.Add(ModelCommand());
        return command;
    }

    private static Command DatasetCommand()
    {
        var target = new Argument<string>("dataset") { Description = "A catalog id (dcell datasets list) or an h5ad/10x/Parquet file" };
        var format = FormatOption(DatasetFormats);
        var output = OutOption();
        var noData = new Option<bool>("--no-data") { Description = "Describe from the manifest only, even when the cells are in the cache or mirror (no counts, no columns)" };
        var catalog = new CatalogArguments();
        var command = new Command("dataset", "Export a data set's registry record (title, creators, licence, citation, DOI, checksums, obs/var/X, counts, organism, assay, perturbation type).")
        {
            target, format, output, noData,
        };
        catalog.AddTo(command);
        command.SetAction(parse =>
        {
            string chosen = Check(parse.GetRequiredValue(format), DatasetFormats);
            string given = parse.GetRequiredValue(target);
            var datasets = catalog.Open(parse);
            DatasetEntry entry;
            DatasetContents? contents = null;
            var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
            if (File.Exists(given) || Directory.Exists(given))
            {
                string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(given)));
                long size = File.Exists(given) ? new FileInfo(given).Length : Directory.EnumerateFiles(given, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                entry = DatasetRecords.EntryForFile(name, CellDatasetFiles.DetectForReading(given).ToString().ToLowerInvariant(), size, Sha256File.ComputeFileOrFolder(given));
                if (!parse.GetValue(noData)) contents = DatasetContents.Read(given, entry.Schema.PerturbationColumn);
            }
            else
            {
                entry = datasets.Get(given);
                foreach (var file in entry.Files)
                    if (datasets.ExpectedSha256(entry.Id, file.Name) is string sha) checksums[file.Name] = sha;
                if (!parse.GetValue(noData) && entry.PrimaryFile.Format == "h5ad" && datasets.LocalPath(entry.Id, entry.PrimaryFile.Name) is string local)
                    contents = DatasetContents.Read(local, entry.Schema.PerturbationColumn);
            }
            var record = chosen switch
            {
                "croissant" => DatasetRecords.Croissant(entry, contents, checksums),
                "datacite" => DatasetRecords.DataCite(entry, contents, checksums),
                _ => DatasetRecords.SchemaOrg(entry, contents, checksums),
            };
            Write(record, chosen, parse.GetValue(output), parse.InvocationConfiguration.Output);
            var error = parse.InvocationConfiguration.Error;
            if (contents is null) error.WriteLine($"note: {entry.Id}: described from the manifest only (cells not read: {(parse.GetValue(noData) ? "--no-data" : "not in the cache or mirror")}); no counts or columns");
            foreach (string field in DatasetRecords.ManualFields(entry, checksums)) error.WriteLine($"manual: {field}");
            return 0;
        });
        return command;
    }

    private static Command ModelCommand()
    {
        var target = new Argument<string>("model") { Description = "A model folder (model-card.json and weights), e.g. written by dcell train or a saved baseline" };
        var format = FormatOption(ModelFormats);
        var output = OutOption();
        var command = new Command("model", "Export a model's registry record: model card (intended use, training data, metrics with splits, limitations, licence) or Croissant.")
        {
            target, format, output,
        };
        command.SetAction(parse =>
        {
            string chosen = Check(parse.GetRequiredValue(format), ModelFormats);
            string folder = parse.GetRequiredValue(target);
            var card = ModelCard.Load(folder);
            var files = OutputRecord.ListFolder(folder);
            var record = chosen == "croissant" ? ModelRecords.Croissant(card, files) : ModelRecords.ModelCardRecord(card, files);
            Write(record, chosen, parse.GetValue(output), parse.InvocationConfiguration.Output);
            foreach (string field in ModelRecords.ManualFields(card)) parse.InvocationConfiguration.Error.WriteLine($"manual: {field}");
            return 0;
        });
        return command;
    }

    private static Option<string> FormatOption(string[] formats) => new("--format", "-f")
    {
        Description = string.Join(", ", formats),
        DefaultValueFactory = _ => formats[0],
    };

    private static Option<string?> OutOption() => new("--out", "-o") { Description = "File to write (default: print the record)" };

    private static string Check(string format, string[] formats) =>
        formats.Contains(format) ? format : throw new DigitalCellException($"--format: '{format}' is not one of {string.Join(", ", formats)}.");

    /// <summary>Checks the record against its schema (a failure is a dcell bug, said as such), then prints or writes it.</summary>
    private static void Write(JsonObject record, string format, string? path, TextWriter output)
    {
        string json = record.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var problems = RecordSchemas.Validate(format, json);
        if (problems.Count > 0)
            throw new DigitalCellException($"{format} record", null, $"does not meet its schema (a dcell bug; please report it): {string.Join("; ", problems.Take(5))}");
        if (path is null) output.WriteLine(json);
        else AtomicFile.WriteAllText(path, json + "\n");
    }
}
