using System.CommandLine;
using System.Text.Json.Nodes;
using DigitalCell.Sdk;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Records;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// <c>dcell reproduce &lt;crate folder | report.json | provenance.json&gt;</c>: reads a run's provenance record, checks
/// that every input still has the recorded sha256 (refusing, with the input named, when one differs), runs the recorded
/// command line again in this process into a fresh folder, and compares every number of the JSON and CSV outputs
/// (report.json, results.csv, agg_results.csv, split.json, …) within a <see cref="NumberTolerance"/> (relative 1e-9,
/// absolute 1e-12 by default), printing <c>identical</c> or the list of differences (exit code 1).
/// </summary>
public static class ReproduceCommand
{
    private static readonly string[] OutputOptions = ["--out", "--outdir", "-o", "--output"];

    /// <summary>Creates the command; <paramref name="run"/> runs a dcell command line (the same command tree, in process).</summary>
    public static Command Create(Func<string[], TextWriter, TextWriter, CancellationToken, int> run)
    {
        var target = new Argument<string>("run") { Description = "An output folder with provenance.json (an RO-Crate made with --crate), its report.json, or a provenance.json" };
        var inputs = new Option<string?>("--inputs") { Description = "Folder searched first for input files recorded by relative path (default: the current folder, then the run's folder and its parent)" };
        var keep = new Option<string?>("--out", "-o", "--keep") { Description = "Write the new run into this folder and keep it (default: a temporary folder, deleted afterwards)" };
        var relative = new Option<double>("--relative-tolerance") { Description = "Numbers agree when |a−b| ≤ max(absolute, relative × max(|a|,|b|))", DefaultValueFactory = _ => new NumberTolerance().Relative };
        var absolute = new Option<double>("--absolute-tolerance") { Description = "Absolute tolerance, for numbers near zero", DefaultValueFactory = _ => new NumberTolerance().Absolute };
        var catalog = new CatalogArguments();
        var command = new Command("reproduce", "Re-run a recorded benchmark/score/screen/train from its provenance record, after checking the inputs' sha256, and compare every number with the original.")
        {
            target, inputs, keep, relative, absolute,
        };
        catalog.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (record, folder) = LoadRecord(parse.GetRequiredValue(target));
            if (record.Arguments is not { Count: > 0 } recorded)
                throw new DigitalCellException(folder, ProvenanceRecord.FileName, $"the record of '{record.Command}' holds no command line (it was made through the API or a notebook); run that again instead");
            var output = parse.InvocationConfiguration.Output;
            var arguments = recorded.ToList();
            var datasets = catalog.Open(parse);
            foreach (var input in record.Inputs)
            {
                string? resolved = await CheckInputAsync(input, datasets, parse.GetValue(inputs), folder, cancellationToken);
                if (resolved is not null)
                    for (int i = 0; i < arguments.Count; i++)
                        if (arguments[i] == input.Path) arguments[i] = resolved;
                output.WriteLine($"input {input.Id}: sha256 {input.Sha256[..12]}… as recorded");
            }
            foreach (var option in new[] { catalog.Mirror, catalog.CacheDir })
                if (parse.GetValue(option) is string value) arguments.AddRange([option.Name, value]);

            string? kept = parse.GetValue(keep);
            string scratch = kept is null ? Directory.CreateTempSubdirectory("dcell-reproduce-").FullName : "";
            string rerun = kept ?? Path.Combine(scratch, "run");
            try
            {
                SetOutput(arguments, rerun);
                output.WriteLine($"running: dcell {string.Join(' ', recorded)}");
                var console = new StringWriter();
                var errors = new StringWriter();
                int code = run([.. arguments], console, errors, cancellationToken);
                if (code != 0)
                {
                    parse.InvocationConfiguration.Error.Write(errors.ToString());
                    throw new DigitalCellException(folder, null, $"the recorded command failed again (exit code {code}); see the lines above");
                }
                var outputs = record.Outputs.Count > 0 ? record.Outputs : OutputRecord.ListFolder(folder, cancellationToken);
                var files = RunComparison.ComparableFiles(outputs).ToList();
                var tolerance = new NumberTolerance(parse.GetValue(relative), parse.GetValue(absolute));
                var differences = RunComparison.Compare(folder, rerun, files, tolerance);
                if (differences.Count == 0)
                {
                    output.WriteLine($"identical: every number of {string.Join(", ", files)} agrees ({tolerance})");
                    return 0;
                }
                output.WriteLine($"differs: {differences.Count} value(s) outside {tolerance}:");
                foreach (string difference in differences.Take(200)) output.WriteLine("  " + difference);
                if (differences.Count > 200) output.WriteLine($"  … and {differences.Count - 200} more");
                return Program.ErrorExitCode;
            }
            finally
            {
                if (kept is null) Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The record and the folder holding the run's outputs, from a folder, a report.json or a provenance.json.</summary>
    private static (ProvenanceRecord Record, string Folder) LoadRecord(string path)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, ProvenanceRecord.FileName))) return (RunCrate.Read(path), path);
            if (File.Exists(Path.Combine(path, "report.json"))) return LoadRecord(Path.Combine(path, "report.json"));
            throw new DigitalCellException(path, null, $"holds neither {ProvenanceRecord.FileName} nor report.json; point at the output folder of dcell benchmark, score or train");
        }
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "not found");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (Path.GetFileName(path) is ProvenanceRecord.FileName or RunCrate.FileName) return (RunCrate.Read(folder), folder);
        JsonNode? provenance;
        try
        {
            provenance = JsonNode.Parse(File.ReadAllText(path))?[RunComparison.ProvenanceKey];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new DigitalCellException(path, null, $"not valid JSON: {e.Message}");
        }
        if (provenance is null) throw new DigitalCellException(path, RunComparison.ProvenanceKey, "the report holds no provenance record (written before dcell recorded one)");
        return (ProvenanceRecord.FromJson(provenance.ToJsonString(), path), folder);
    }

    /// <summary>
    /// Checks one input's sha256: a catalog id through the catalog (cache, mirror or download, verified), a file by
    /// hashing it where the record's relative path finds it. Returns the resolved path of a file input (null for a catalog id).
    /// </summary>
    private static async Task<string?> CheckInputAsync(InputRecord input, DatasetCatalog catalog, string? inputsFolder, string runFolder, CancellationToken cancellationToken)
    {
        string actual;
        string? resolved = null;
        if (input.Path == input.Id && catalog.Entries.Any(e => e.Id == input.Id))
        {
            var fetched = await catalog.FetchAsync(input.Id, null, cancellationToken);
            actual = fetched.Files.First(f => f.File == fetched.Entry.PrimaryFile).Sha256;
        }
        else
        {
            string parent = Path.GetDirectoryName(Path.GetFullPath(runFolder)) ?? runFolder;
            var candidates = new[] { inputsFolder, Directory.GetCurrentDirectory(), parent, runFolder }
                .Where(d => d is not null).Select(d => Path.GetFullPath(Path.Combine(d!, input.Path)));
            resolved = candidates.FirstOrDefault(p => File.Exists(p) || Directory.Exists(p))
                       ?? throw new DigitalCellException(input.Path, null,
                           $"input '{input.Id}' was not found (looked in {(inputsFolder is null ? "" : "--inputs, ")}the current folder and beside the run); pass --inputs <folder holding it>");
            actual = Sha256File.ComputeFileOrFolder(resolved, cancellationToken);
        }
        if (actual != input.Sha256)
            throw new DigitalCellException(resolved ?? input.Id, null,
                $"input '{input.Id}' differs from the recorded one: sha256 {actual}, recorded {input.Sha256}; the run cannot be reproduced from other data");
        return resolved;
    }

    /// <summary>Points the command's output option at <paramref name="folder"/> (adding <c>--out</c> when the record has none).</summary>
    private static void SetOutput(List<string> arguments, string folder)
    {
        for (int i = 0; i < arguments.Count; i++)
        {
            if (OutputOptions.Contains(arguments[i]) && i + 1 < arguments.Count)
            {
                arguments[i + 1] = folder;
                return;
            }
            if (OutputOptions.FirstOrDefault(o => arguments[i].StartsWith(o + "=", StringComparison.Ordinal)) is string option)
            {
                arguments[i] = option + "=" + folder;
                return;
            }
        }
        arguments.AddRange(["--out", folder]);
    }
}
