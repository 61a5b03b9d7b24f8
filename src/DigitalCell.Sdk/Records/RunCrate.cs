using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Records;

/// <summary>
/// An RO-Crate 1.1 (https://w3id.org/ro/crate/1.1) around a run's output folder: <c>ro-crate-metadata.json</c> holds
/// the metadata descriptor, the root data entity <c>./</c> with every output as a <c>File</c> (sha256, size, format),
/// the provenance record as a file of its own (<c>provenance.json</c>), and one <c>CreateAction</c> whose
/// <c>instrument</c> is DigitalCell.Sdk, whose <c>object</c> lists the inputs (id, path as given, sha256, subset) and
/// whose <c>result</c> lists the outputs. Any command that writes a folder and a <see cref="ProvenanceRecord"/> can make
/// one (benchmark, train, screens).
/// </summary>
public static class RunCrate
{
    /// <summary>The crate's metadata file, at the folder's root.</summary>
    public const string FileName = "ro-crate-metadata.json";

    /// <summary>The RO-Crate version the crate conforms to.</summary>
    public const string Profile = "https://w3id.org/ro/crate/1.1";

    /// <summary>
    /// Writes <c>provenance.json</c> (the record, its outputs listed with checksums) and <c>ro-crate-metadata.json</c>
    /// into <paramref name="folder"/>, each atomically. The record should be finished; its outputs are re-listed from the folder.
    /// </summary>
    /// <param name="folder">The output folder the crate describes.</param>
    /// <param name="record">What produced the folder.</param>
    /// <param name="license">SPDX id of the licence under which the outputs are shared (the SDK's MIT by default).</param>
    /// <returns>The record as saved (with the folder's outputs).</returns>
    public static ProvenanceRecord Write(string folder, ProvenanceRecord record, string license = "MIT")
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Directory.Exists(folder)) throw new DigitalCellException(folder, null, "not a folder; an RO-Crate describes an existing output folder");
        var finished = record with { Ended = record.Ended ?? DateTimeOffset.UtcNow, Outputs = OutputRecord.ListFolder(folder) };
        WriteFile(folder, ProvenanceRecord.FileName, finished.ToJson());
        WriteFile(folder, FileName, ToJson(finished, Sha256File.Compute(Path.Combine(folder, ProvenanceRecord.FileName)), license));
        return finished;
    }

    // A folder dcell already finished (it holds the output marker) lists the new files as its own, so the next run may replace them.
    private static void WriteFile(string folder, string name, string text)
    {
        if (File.Exists(Path.Combine(folder, AtomicFile.OutputMarker))) AtomicFile.AddToDirectory(folder, name, path => File.WriteAllText(path, text));
        else AtomicFile.WriteAllText(Path.Combine(folder, name), text);
    }

    /// <summary>Reads the provenance record of the crate (or output folder) at <paramref name="folder"/>.</summary>
    /// <exception cref="DigitalCellException">The folder holds no <c>provenance.json</c>, or it is not a record.</exception>
    public static ProvenanceRecord Read(string folder) => ProvenanceRecord.Load(Path.Combine(folder, ProvenanceRecord.FileName));

    /// <summary>The crate's metadata as JSON-LD.</summary>
    /// <param name="record">The finished record; its outputs become the crate's files.</param>
    /// <param name="recordSha256">The checksum of <c>provenance.json</c> as saved.</param>
    /// <param name="license">SPDX licence id of the outputs.</param>
    public static string ToJson(ProvenanceRecord record, string recordSha256, string license = "MIT")
    {
        ArgumentNullException.ThrowIfNull(record);
        static JsonObject Ref(string id) => new() { ["@id"] = id };
        string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var files = record.Outputs.Select(o => (JsonNode)new JsonObject
        {
            ["@id"] = Escape(o.Path), ["@type"] = "File", ["name"] = o.Path, ["contentSize"] = o.Bytes.ToString(CultureInfo.InvariantCulture),
            ["encodingFormat"] = MediaType(o.Path), ["sha256"] = o.Sha256,
        }).ToList();
        files.Add(new JsonObject
        {
            ["@id"] = ProvenanceRecord.FileName, ["@type"] = "File", ["name"] = "provenance record",
            ["description"] = "The DigitalCell provenance record of this run: inputs with sha256 and subset, software, parameters, seed, times, outputs with sha256.",
            ["encodingFormat"] = "application/json", ["sha256"] = recordSha256,
        });
        var inputs = record.Inputs.Select((input, i) => (JsonNode)new JsonObject
        {
            ["@id"] = $"#input-{i + 1}", ["@type"] = "Dataset", ["name"] = input.Id, ["identifier"] = input.Id, ["path"] = input.Path,
            ["sha256"] = input.Sha256, ["description"] = input.Subset is null ? "read whole" : $"subset: {input.Subset}",
        }).ToList();
        var software = record.Software;
        var graph = new JsonArray
        {
            new JsonObject
            {
                ["@id"] = FileName, ["@type"] = "CreativeWork", ["conformsTo"] = Ref(Profile), ["about"] = Ref("./"),
            },
            new JsonObject
            {
                ["@id"] = "./", ["@type"] = "Dataset",
                ["name"] = $"Outputs of {record.Command}",
                ["description"] = $"The files written by `{record.Command}` with the provenance record that reproduces them (`dcell reproduce .`).",
                ["datePublished"] = Time(record.Ended ?? record.Started),
                ["license"] = Ref($"https://spdx.org/licenses/{license}"),
                ["hasPart"] = new JsonArray([.. files.Select(f => (JsonNode)Ref(f!["@id"]!.GetValue<string>()))]),
                ["mentions"] = Ref("#run"),
            },
            new JsonObject { ["@id"] = $"https://spdx.org/licenses/{license}", ["@type"] = "CreativeWork", ["name"] = license, ["identifier"] = license },
            new JsonObject
            {
                ["@id"] = "#run", ["@type"] = "CreateAction", ["name"] = record.Command,
                ["startTime"] = Time(record.Started), ["endTime"] = record.Ended is { } end ? Time(end) : null,
                ["instrument"] = Ref("#digitalcell-sdk"),
                ["object"] = new JsonArray([.. inputs.Select(n => (JsonNode)Ref(n!["@id"]!.GetValue<string>()))]),
                ["result"] = new JsonArray([.. record.Outputs.Select(o => (JsonNode)Ref(Escape(o.Path)))]),
                ["subjectOf"] = Ref(ProvenanceRecord.FileName),
                ["description"] = $"seed {record.Seed}; parameters: {string.Join("; ", record.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}",
            },
            new JsonObject
            {
                ["@id"] = "#digitalcell-sdk", ["@type"] = "SoftwareApplication", ["name"] = "DigitalCell.Sdk",
                ["version"] = software.SdkCommit is null ? software.SdkVersion : $"{software.SdkVersion}+{software.SdkCommit}",
                ["url"] = "https://www.nuget.org/packages/DigitalCell.Sdk",
                ["runtimePlatform"] = software.DotNet,
                ["operatingSystem"] = software.OperatingSystem,
                ["processorRequirements"] = software.Processor,
                ["availableOnDevice"] = software.Device,
                ["softwareRequirements"] = new JsonArray([.. software.Libraries.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => (JsonNode)$"{l.Key} {l.Value}")]),
            },
        };
        foreach (var node in files.Concat(inputs)) graph.Add(node);
        var root = new JsonObject { ["@context"] = "https://w3id.org/ro/crate/1.1/context", ["@graph"] = graph };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    // RO-Crate ids of files are URI paths relative to the crate root: spaces and the like are percent-encoded.
    private static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private static string MediaType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => "application/json",
        ".csv" => "text/csv",
        ".md" => "text/markdown",
        ".html" => "text/html",
        ".js" => "text/javascript",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        ".h5ad" => "application/x-hdf5",
        ".safetensors" => "application/octet-stream",
        ".onnx" => "application/onnx",
        ".parquet" => "application/vnd.apache.parquet",
        _ => "application/octet-stream",
    };
}
