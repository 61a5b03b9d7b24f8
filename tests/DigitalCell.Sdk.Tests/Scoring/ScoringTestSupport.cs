using System.Globalization;
using System.Text;
using DigitalCell.Sdk.Tests.TestSupport;
using System.Text.Json.Nodes;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>The Python metric reference (peers/cell_eval_ref.py) and JSON helpers for the scoring tests.</summary>
internal static class ScoringTestSupport
{
    public static string PapalexiPath => SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");

    public static string PeerScript => Path.Combine(RepoPaths.Root, "tests", "DigitalCell.Sdk.Tests", "peers", "cell_eval_ref.py");

    /// <summary>Runs the reference (<c>peers/cell_eval_ref.py COMMAND IN OUT</c>) on <paramref name="input"/> and returns its JSON output.</summary>
    public static JsonObject RunPeer(string command, string input)
    {
        string dir = RepoPaths.NewTempDirectory();
        try
        {
            string inPath = Path.Combine(dir, "in.json"), outPath = Path.Combine(dir, "out.json");
            File.WriteAllText(inPath, input);
            PythonPeer.Run("import runpy; runpy.run_path(" + System.Text.Json.JsonSerializer.Serialize(PeerScript) + ", run_name='__main__')", command, inPath, outPath);
            return JsonNode.Parse(File.ReadAllText(outPath))!.AsObject();
        }
        finally { Directory.Delete(dir, recursive: true); }
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
