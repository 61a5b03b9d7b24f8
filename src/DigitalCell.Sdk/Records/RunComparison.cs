using System.Globalization;
using System.Text.Json;

namespace DigitalCell.Sdk.Records;

/// <summary>
/// When two numbers count as the same: <c>|a − b| ≤ max(Absolute, Relative × max(|a|, |b|))</c>, NaN equal to NaN.
/// The defaults (relative 1e-9, absolute 1e-12) accept the last-digit changes of a different summation order and
/// nothing a reader could see in a printed score.
/// </summary>
/// <param name="Relative">Relative tolerance.</param>
/// <param name="Absolute">Absolute tolerance, for numbers near zero.</param>
public sealed record NumberTolerance(double Relative = 1e-9, double Absolute = 1e-12)
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> agree within the tolerance.</summary>
    public bool Same(double a, double b) =>
        a.Equals(b) || (double.IsNaN(a) && double.IsNaN(b))
        || Math.Abs(a - b) <= Math.Max(Absolute, Relative * Math.Max(Math.Abs(a), Math.Abs(b)));

    /// <summary>The tolerance as a sentence.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"relative {Relative:G3}, absolute {Absolute:G3}");
}

/// <summary>
/// Compares the numbers of two runs' output files: JSON files value by value (top-level <c>provenance</c> and
/// <c>trained_at</c>, which hold times, are skipped), CSV files cell by cell, numbers within a
/// <see cref="NumberTolerance"/> and everything else exactly; model weights (<c>.safetensors</c>) byte for byte.
/// </summary>
public static class RunComparison
{
    /// <summary>The JSON key that holds a run's record, whose times differ from run to run by nature.</summary>
    public const string ProvenanceKey = "provenance";

    /// <summary>Top-level JSON keys not compared: they hold when a run happened, not what it computed.</summary>
    public static IReadOnlyList<string> TimeKeys { get; } = [ProvenanceKey, "trained_at"];

    /// <summary>
    /// Every difference between the files <paramref name="relativePaths"/> (JSON, CSV, anything else by checksum) under <paramref name="expectedFolder"/> and
    /// <paramref name="actualFolder"/>, each as <c>file: where: expected … got …</c>; empty when identical within
    /// <paramref name="tolerance"/>.
    /// </summary>
    public static IReadOnlyList<string> Compare(string expectedFolder, string actualFolder, IEnumerable<string> relativePaths, NumberTolerance? tolerance = null)
    {
        tolerance ??= new NumberTolerance();
        var differences = new List<string>();
        foreach (string file in relativePaths)
        {
            string expected = Path.Combine(expectedFolder, file), actual = Path.Combine(actualFolder, file);
            if (!File.Exists(expected)) { differences.Add($"{file}: missing from the original run"); continue; }
            if (!File.Exists(actual)) { differences.Add($"{file}: not written by the new run"); continue; }
            var found = new List<string>();
            if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) CompareJson(expected, actual, tolerance, found);
            else if (file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) CompareCsv(File.ReadAllLines(expected), File.ReadAllLines(actual), tolerance, found);
            else if (IO.Sha256File.Compute(expected) != IO.Sha256File.Compute(actual)) found.Add("the bytes differ (compared by sha256)");
            differences.AddRange(found.Select(d => $"{file}: {d}"));
        }
        return differences;
    }

    /// <summary>The files of a run whose numbers <see cref="Compare"/> checks: its JSON and CSV outputs and model weights, not its record.</summary>
    public static IEnumerable<string> ComparableFiles(IEnumerable<OutputRecord> outputs) =>
        outputs.Select(o => o.Path).Where(p => (p.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                                                || p.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                                               && p is not ProvenanceRecord.FileName and not RunCrate.FileName);

    private static void CompareJson(string expectedPath, string actualPath, NumberTolerance tolerance, List<string> found)
    {
        using var expected = Parse(expectedPath);
        using var actual = Parse(actualPath);
        CompareElement(expected.RootElement, actual.RootElement, "$", tolerance, found, isRoot: true);
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new DigitalCellException(path, null, $"not valid JSON: {e.Message}");
        }
    }

    private static void CompareElement(JsonElement expected, JsonElement actual, string where, NumberTolerance tolerance, List<string> found, bool isRoot = false)
    {
        if (expected.ValueKind != actual.ValueKind && !(NumberOrSpecial(expected) is not null && NumberOrSpecial(actual) is not null))
        {
            found.Add($"{where}: expected {Show(expected)}, got {Show(actual)}");
            return;
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).Union(actual.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
                foreach (string name in names)
                {
                    if (isRoot && TimeKeys.Contains(name)) continue;
                    bool inExpected = expected.TryGetProperty(name, out var e), inActual = actual.TryGetProperty(name, out var a);
                    if (!inExpected || !inActual) found.Add($"{where}.{name}: {(inExpected ? "missing in the new run" : "not in the original run")}");
                    else CompareElement(e, a, $"{where}.{name}", tolerance, found);
                }
                break;
            case JsonValueKind.Array:
                int n = expected.GetArrayLength(), m = actual.GetArrayLength();
                if (n != m) found.Add($"{where}: expected {n} items, got {m}");
                for (int i = 0; i < Math.Min(n, m); i++) CompareElement(expected[i], actual[i], $"{where}[{i}]", tolerance, found);
                break;
            default:
                double? x = NumberOrSpecial(expected), y = NumberOrSpecial(actual);
                bool same = x is double ex && y is double ey ? tolerance.Same(ex, ey)
                    : expected.ValueKind == JsonValueKind.String ? expected.GetString() == actual.GetString() // "\u0394" and "Δ" are the same text
                    : expected.GetRawText() == actual.GetRawText();
                if (!same) found.Add($"{where}: expected {Show(expected)}, got {Show(actual)}");
                break;
        }
    }

    // Reports write NaN and infinities as strings ("NaN", "Infinity"); they compare as the numbers they stand for.
    private static double? NumberOrSpecial(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when e.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when e.GetString() is "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    private static string Show(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }

    private static void CompareCsv(string[] expected, string[] actual, NumberTolerance tolerance, List<string> found)
    {
        if (expected.Length != actual.Length) found.Add($"expected {expected.Length} lines, got {actual.Length}");
        for (int line = 0; line < Math.Min(expected.Length, actual.Length); line++)
        {
            string[] e = SplitCsv(expected[line]), a = SplitCsv(actual[line]);
            if (e.Length != a.Length)
            {
                found.Add($"line {line + 1}: expected {e.Length} cells, got {a.Length}");
                continue;
            }
            for (int cell = 0; cell < e.Length; cell++)
            {
                bool same = TryNumber(e[cell], out double x) && TryNumber(a[cell], out double y) ? tolerance.Same(x, y) : e[cell] == a[cell];
                if (!same) found.Add($"line {line + 1}, column {cell + 1}: expected {e[cell]}, got {a[cell]}");
            }
        }
    }

    // .NET reads "NaN" and "nan" (pandas writes both, and cell-eval's tables come from polars) case-insensitively.
    private static bool TryNumber(string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    // RFC 4180 cells: quoted cells may hold commas and doubled quotes.
    private static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return [.. cells];
    }
}
