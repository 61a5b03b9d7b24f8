using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>Repository paths, the Python metric reference (peers/cell_eval_ref.py) and JSON helpers for the scoring tests.</summary>
internal static class ScoringTestSupport
{
    public const string Python = "/usr/bin/python3";

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("DigitalCell.Sdk.sln not found above the test directory.");
        }
    }

    public static string PapalexiPath => Path.Combine(RepoRoot, "data", "papalexi2021-thp1", "papalexi2021_thp1_eccite_subset.h5ad");

    public static string PeerScript => Path.Combine(RepoRoot, "tests", "DigitalCell.Sdk.Tests", "peers", "cell_eval_ref.py");

    /// <summary>Skips the test (with the reason) when /usr/bin/python3 lacks numpy or scipy.</summary>
    public static void RequirePythonModules(params string[] modules)
    {
        if (!File.Exists(Python)) Assert.Ignore($"{Python} not found; the independent numpy/scipy reference cannot run.");
        var (code, _, err) = Run(Python, "-c \"import " + string.Join(", ", modules) + "\"");
        if (code != 0) Assert.Ignore($"{Python} lacks {string.Join("/", modules)} ({err.Trim()}); install python3-numpy python3-scipy.");
    }

    /// <summary>Runs the reference on <paramref name="input"/> and returns its JSON output.</summary>
    public static JsonObject RunPeer(string command, string input)
    {
        RequirePythonModules("numpy", "scipy", "pandas");
        string dir = Path.Combine(Path.GetTempPath(), "dcell-scoring-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string inPath = Path.Combine(dir, "in.json"), outPath = Path.Combine(dir, "out.json");
            File.WriteAllText(inPath, input);
            var (code, stdout, stderr) = Run(Python, $"\"{PeerScript}\" {command} \"{inPath}\" \"{outPath}\"");
            Assert.That(code, Is.Zero, $"python reference failed:\n{stdout}\n{stderr}");
            return JsonNode.Parse(File.ReadAllText(outPath))!.AsObject();
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    public static (int Code, string Stdout, string Stderr) Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A JSON number with Python's bare NaN/Infinity tokens (json.load accepts them).</summary>
    public static string Num(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity"
        : v.ToString("R", CultureInfo.InvariantCulture);

    public static string Array(IEnumerable<double> values) => "[" + string.Join(",", values.Select(Num)) + "]";

    public static string Array(IEnumerable<IEnumerable<double>> rows) => "[" + string.Join(",", rows.Select(Array)) + "]";

    public static string Strings(IEnumerable<string> values) => "[" + string.Join(",", values.Select(s => System.Text.Json.JsonSerializer.Serialize(s))) + "]";

    /// <summary>Reads a reference value: a number, null, or the strings "NaN"/"Infinity".</summary>
    public static double? Value(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, _ => double.NegativeInfinity },
        JsonValue v => v.GetValue<double>(),
        _ => throw new InvalidOperationException($"unexpected JSON {node}"),
    };

    /// <summary>Asserts that ours and the reference agree to <paramref name="tolerance"/> (NaN matches NaN, null matches null).</summary>
    public static void AssertClose(string metric, IReadOnlyList<double?> ours, JsonArray reference, double tolerance = 1e-6)
    {
        Assert.That(ours, Has.Count.EqualTo(reference.Count), $"{metric}: number of values");
        for (int i = 0; i < ours.Count; i++)
        {
            var expected = Value(reference[i]);
            string where = $"{metric}[{i}]";
            if (expected is null) { Assert.That(ours[i], Is.Null, where); continue; }
            Assert.That(ours[i], Is.Not.Null, where);
            if (double.IsNaN(expected.Value)) Assert.That(double.IsNaN(ours[i]!.Value), Is.True, $"{where}: expected NaN, got {ours[i]}");
            else Assert.That(ours[i]!.Value, Is.EqualTo(expected.Value).Within(tolerance), where);
        }
    }

    public static StringBuilder AppendField(this StringBuilder json, string name, string value) =>
        json.Append(json.Length > 1 ? "," : "").Append('"').Append(name).Append("\":").Append(value);
}
