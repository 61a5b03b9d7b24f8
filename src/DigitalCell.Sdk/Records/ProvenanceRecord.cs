using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Records;

/// <summary>
/// What produced a result, in one shape shared by benchmark reports, model cards, screens and notebooks: the inputs
/// (with checksums and the subset applied), the software, the parameters and seeds, when it ran and the outputs with
/// their checksums. It is meant to be shared, so it never holds an absolute machine path: inputs keep the path as the
/// user gave it (made relative when it was absolute) and outputs are relative to the output folder.
/// </summary>
/// <param name="Command">What ran, e.g. <c>dcell benchmark papalexi2021-thp1 --models cell-mean</c> or an API name.</param>
/// <param name="Inputs">The inputs, in the order they were read.</param>
/// <param name="Software">The software that ran.</param>
/// <param name="Parameters">Every parameter that changes the numbers, as invariant-culture text.</param>
/// <param name="Seed">The seed every random step derives from (see <see cref="Seeds"/>).</param>
/// <param name="Started">When the work started (UTC).</param>
/// <param name="Ended">When it ended (UTC), or null while it runs.</param>
/// <param name="Outputs">The files written, relative to the output folder.</param>
public sealed record ProvenanceRecord(
    string Command,
    IReadOnlyList<InputRecord> Inputs,
    SoftwareRecord Software,
    IReadOnlyDictionary<string, string> Parameters,
    long Seed,
    DateTimeOffset Started,
    DateTimeOffset? Ended,
    IReadOnlyList<OutputRecord> Outputs)
{
    /// <summary>The file name of a record saved beside its outputs.</summary>
    public const string FileName = "provenance.json";

    /// <summary>
    /// The command line after the program name (e.g. <c>benchmark --data x.h5ad --seed 0 --out run</c>), with absolute
    /// paths reduced as in <see cref="InputRecord.Shareable"/> and machine settings (cache, mirror) left out; what
    /// <c>dcell reproduce</c> runs again. Null for work that did not start from a command line (an API call, a notebook).
    /// </summary>
    public IReadOnlyList<string>? Arguments { get; init; }

    /// <summary>The option names whose values are machine settings rather than inputs, left out of <see cref="Arguments"/>.</summary>
    public static IReadOnlyList<string> MachineOptions { get; } = ["--mirror", "--cache-dir", "--manifest-dir"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Starts a record for work that begins now, in this process.</summary>
    public static ProvenanceRecord Start(string command, IReadOnlyDictionary<string, string>? parameters = null, long seed = 0) =>
        new(command, [], SoftwareRecord.Current, parameters ?? new Dictionary<string, string>(), seed, DateTimeOffset.UtcNow, null, []);

    /// <summary>
    /// Starts a record for a command line: <see cref="Command"/> is <paramref name="program"/> and the arguments joined,
    /// <see cref="Arguments"/> the arguments made shareable (absolute paths reduced, <see cref="MachineOptions"/> and
    /// their values removed).
    /// </summary>
    public static ProvenanceRecord StartCommand(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? parameters = null, long seed = 0)
    {
        var shared = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            string a = arguments[i];
            int equals = a.IndexOf('=', StringComparison.Ordinal);
            string name = a.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? a[..equals] : a;
            if (MachineOptions.Contains(name))
            {
                if (equals < 0) i++;
                continue;
            }
            shared.Add(System.IO.Path.IsPathRooted(a) ? InputRecord.Shareable(a) : a);
        }
        string command = string.Join(' ', shared.Prepend(program).Select(Quote));
        return Start(command, parameters, seed) with { Arguments = shared };
    }

    // Quoted only where a shell would split the word, so the command reads as typed.
    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_.,:/=+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>Adds an input file, hashing it; <paramref name="id"/> is the catalog id or the file name.</summary>
    /// <exception cref="DigitalCellException">The file cannot be read.</exception>
    public ProvenanceRecord WithInput(string id, string pathAsGiven, string? subset = null, CancellationToken cancellationToken = default) =>
        this with { Inputs = [.. Inputs, InputRecord.Of(id, pathAsGiven, subset, cancellationToken)] };

    /// <summary>Adds an input whose checksum is already known (e.g. verified by the catalog).</summary>
    public ProvenanceRecord WithInput(InputRecord input) => this with { Inputs = [.. Inputs, input] };

    /// <summary>This record with <paramref name="device"/> as the compute device and <paramref name="libraries"/> added (name → version).</summary>
    public ProvenanceRecord OnDevice(string device, IReadOnlyDictionary<string, string>? libraries = null)
    {
        var software = Software with { Device = device };
        foreach (var (name, version) in libraries ?? new Dictionary<string, string>()) software = software.WithLibrary(name, version);
        return this with { Software = software };
    }

    /// <summary>Ends the record now, listing every file under <paramref name="outputFolder"/> (except a previous record) with its checksum.</summary>
    public ProvenanceRecord Finish(string? outputFolder = null, CancellationToken cancellationToken = default) => this with
    {
        Ended = DateTimeOffset.UtcNow,
        Outputs = outputFolder is null ? Outputs : OutputRecord.ListFolder(outputFolder, cancellationToken),
    };

    /// <summary>The record as indented JSON (snake_case keys, no <c>\u002B</c>-style escapes).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a record from JSON.</summary>
    /// <exception cref="DigitalCellException">The text is not a provenance record; <paramref name="source"/> names it in the message.</exception>
    public static ProvenanceRecord FromJson(string json, string source = "provenance record")
    {
        try
        {
            return JsonSerializer.Deserialize<ProvenanceRecord>(json, Json)
                ?? throw new DigitalCellException(source, null, "is empty (null), not a provenance record");
        }
        catch (JsonException e)
        {
            throw new DigitalCellException(source, e.Path, $"not a provenance record: {e.Message}");
        }
    }

    /// <summary>Writes the record atomically to <paramref name="path"/>.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a record saved by <see cref="Save"/>.</summary>
    /// <exception cref="DigitalCellException">Missing, unreadable or not a record.</exception>
    public static ProvenanceRecord Load(string path)
    {
        if (!File.Exists(path)) throw new DigitalCellException(path, null, "provenance record not found");
        return FromJson(File.ReadAllText(path), path);
    }
}

/// <summary>One input of a run.</summary>
/// <param name="Id">The catalog id, or the file name for a file outside the catalog.</param>
/// <param name="Path">The path as the user gave it (relative; an absolute path is reduced to its file name).</param>
/// <param name="Sha256">The file's SHA-256 (lower-case hex); for a folder, of its files' names and checksums in order.</param>
/// <param name="Subset">The subset applied after reading (e.g. <c>cell_type=CD14 Mono</c>), or null.</param>
public sealed record InputRecord(string Id, string Path, string Sha256, string? Subset = null)
{
    /// <summary>Describes the file or folder at <paramref name="pathAsGiven"/>, hashing it.</summary>
    /// <exception cref="DigitalCellException">Neither a file nor a folder exists there.</exception>
    public static InputRecord Of(string id, string pathAsGiven, string? subset = null, CancellationToken cancellationToken = default) =>
        new(id, Shareable(pathAsGiven), Sha256File.ComputeFileOrFolder(pathAsGiven, cancellationToken), subset);

    /// <summary>A path fit for sharing: relative paths unchanged, absolute ones reduced to their last component.</summary>
    public static string Shareable(string path) =>
        System.IO.Path.IsPathRooted(path) ? System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path)) : path.Replace('\\', '/');
}

/// <summary>One output file of a run.</summary>
/// <param name="Path">Relative to the output folder, with <c>/</c> separators.</param>
/// <param name="Sha256">The file's SHA-256 (lower-case hex).</param>
/// <param name="Bytes">The file's length.</param>
public sealed record OutputRecord(string Path, string Sha256, long Bytes)
{
    /// <summary>Every file under <paramref name="folder"/>, sorted by path, except a provenance record, RO-Crate metadata (which describe the others) and dcell's output marker.</summary>
    public static IReadOnlyList<OutputRecord> ListFolder(string folder, CancellationToken cancellationToken = default) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(p => p is not ProvenanceRecord.FileName and not RunCrate.FileName and not AtomicFile.OutputMarker)
            .Order(StringComparer.Ordinal)
            .Select(p =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                string full = System.IO.Path.Combine(folder, p);
                return new OutputRecord(p, Sha256File.Compute(full), FileLinks.Resolve(full).Length);
            })
            .ToArray();
}

/// <summary>The software a run used.</summary>
/// <param name="SdkVersion">DigitalCell.Sdk's version (e.g. <c>0.2.0-preview.1</c>).</param>
/// <param name="SdkCommit">The git commit the SDK was built from, or null when unknown.</param>
/// <param name="DotNet">The .NET runtime.</param>
/// <param name="OperatingSystem">OS description and architecture.</param>
/// <param name="Processor">Processor count and architecture (the model name where the OS tells it).</param>
/// <param name="Libraries">Other libraries that change numbers (e.g. TorchSharp, libtorch), name → version; filled by the layer that loads them.</param>
/// <param name="Device">The compute device (<c>cpu</c>, <c>cuda:0</c>, ...).</param>
public sealed record SoftwareRecord(string SdkVersion, string? SdkCommit, string DotNet, string OperatingSystem, string Processor,
    IReadOnlyDictionary<string, string> Libraries, string Device = "cpu")
{
    /// <summary>This process's software, on the CPU.</summary>
    public static SoftwareRecord Current { get; } = Capture();

    /// <summary>This record with a library version added (e.g. by the Torch layer).</summary>
    public SoftwareRecord WithLibrary(string name, string version) =>
        this with { Libraries = new Dictionary<string, string>(Libraries) { [name] = version } };

    private static SoftwareRecord Capture()
    {
        string informational = typeof(ProvenanceRecord).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return new SoftwareRecord(
            plus < 0 ? informational : informational[..plus],
            plus < 0 ? null : informational[(plus + 1)..],
            RuntimeInformation.FrameworkDescription,
            $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})",
            string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} × {RuntimeInformation.ProcessArchitecture}{CpuModel()}"),
            new Dictionary<string, string>());
    }

    // Linux names the CPU model in /proc/cpuinfo; elsewhere the architecture alone is recorded.
    private static string CpuModel()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return "";
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "" : " " + line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
