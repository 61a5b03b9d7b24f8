using System.Globalization;
using System.Text;

namespace DigitalCell.Sdk.Scoring;

public sealed partial class ScoreReport
{
    /// <summary>
    /// cell-eval's <c>results.csv</c>: one row per model × perturbation (and context), one column per metric; a
    /// global metric repeats its single value on every row, as cell-eval broadcasts it. Empty cells are values that do
    /// not apply, <c>NaN</c> undefined ones.
    /// </summary>
    public string ToResultsCsv()
    {
        var csv = new StringBuilder();
        bool contexts = ModelScores[0].Input.Units.Any(u => u.Context is not null);
        csv.AppendLine(string.Join(",", new[] { "model", "perturbation" }.Concat(contexts ? ["context"] : []).Concat(Metrics.Select(m => Quote(m.Name)))));
        foreach (var s in ModelScores)
            for (int i = 0; i < s.Input.Units.Count; i++)
            {
                var unit = s.Input.Units[i];
                var cells = new List<string> { Quote(s.Model), Quote(unit.Perturbation) };
                if (contexts) cells.Add(Quote(unit.Context ?? ""));
                cells.AddRange(Metrics.Select(m => CsvNumber(m.IsPerPerturbation ? s.Values[m.Name][i] : s.Values[m.Name][0])));
                csv.AppendLine(string.Join(",", cells));
            }
        return csv.ToString();
    }

    /// <summary>
    /// cell-eval's <c>agg_results.csv</c> (polars <c>describe()</c>): per model the rows count, null_count, mean, std,
    /// min, 25%, 50%, 75%, max of every metric. Unlike polars, NaN values are counted as nulls and left out of the
    /// statistics, so one undefined perturbation does not make the mean NaN.
    /// </summary>
    public string ToAggregateCsv()
    {
        string[] statistics = ["count", "null_count", "mean", "std", "min", "25%", "50%", "75%", "max"];
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", new[] { "model", "statistic" }.Concat(Metrics.Select(m => Quote(m.Name)))));
        foreach (var s in ModelScores)
        {
            var columns = Metrics.Select(m => Describe(m.IsPerPerturbation ? s.Values[m.Name] : s.Values[m.Name].Take(1).ToArray())).ToArray();
            for (int r = 0; r < statistics.Length; r++)
                csv.AppendLine(string.Join(",", new[] { Quote(s.Model), statistics[r] }.Concat(columns.Select(c => CsvNumber(c[r])))));
        }
        return csv.ToString();
    }

    /// <summary>count, null_count, mean, std (ddof 1), min, quartiles (linear interpolation, polars' default for describe), max.</summary>
    private static double?[] Describe(double?[] values)
    {
        var defined = values.Where(Numerics.IsDefined).Select(v => v!.Value).Order().ToArray();
        double? Quantile(double q)
        {
            if (defined.Length == 0) return null;
            double position = q * (defined.Length - 1);
            int lower = (int)Math.Floor(position), upper = Math.Min(lower + 1, defined.Length - 1);
            return defined[lower] + (position - lower) * (defined[upper] - defined[lower]);
        }
        return [defined.Length, values.Length - defined.Length, Numerics.MeanOfDefined(values), StandardDeviation(values),
                defined.Length == 0 ? null : defined[0], Quantile(0.25), Quantile(0.5), Quantile(0.75), defined.Length == 0 ? null : defined[^1]];
    }

    private static string CsvNumber(double? v) => v switch
    {
        null => "",
        double d when double.IsNaN(d) => "NaN",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
