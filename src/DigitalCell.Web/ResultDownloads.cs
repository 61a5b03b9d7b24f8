using System.Globalization;
using System.Text;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Web;

/// <summary>
/// An answer as a file: a prediction as CSV (one row per gene) or h5ad (the control, predicted and measured mean profiles as
/// cells), a screen's ranking as CSV. The endpoints serve every one through the same query-to-file path.
/// </summary>
internal static class ResultDownloads
{
    /// <summary>CSV: <c>gene,control_mean,predicted_mean,delta,measured_mean</c>, invariant culture.</summary>
    public static byte[] Csv(PredictResponse answer)
    {
        var text = new StringBuilder("gene,control_mean,predicted_mean,delta,measured_mean\n");
        var measured = answer.Measured?.MeasuredMean;
        for (int g = 0; g < answer.Genes.Count; g++)
        {
            text.Append(CsvField(answer.Genes[g])).Append(',')
                .Append(Number(answer.ControlMean[g])).Append(',')
                .Append(Number(answer.PredictedMean[g])).Append(',')
                .Append(Number(answer.PredictedMean[g] - answer.ControlMean[g])).Append(',')
                .Append(measured is null ? "" : Number(measured[g])).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// h5ad: one row per profile (<c>control</c>, <c>predicted</c>, <c>measured</c> where measured), obs columns <c>profile</c>,
    /// <c>perturbation</c>, <c>model</c>, <c>model_sha</c>; uns <c>dcell_serve</c> with the permalink. Written by the SDK's
    /// writer to a temporary file of the server's own naming, read back and deleted.
    /// </summary>
    public static byte[] H5ad(PredictResponse answer)
    {
        var rows = new List<(string Name, IReadOnlyList<double> Values)> { ("control", answer.ControlMean), ("predicted", answer.PredictedMean) };
        if (answer.Measured is { } m) rows.Add(("measured", m.MeasuredMean));
        int genes = answer.Genes.Count;
        var values = new float[rows.Count * genes];
        for (int r = 0; r < rows.Count; r++)
            for (int g = 0; g < genes; g++) values[r * genes + g] = (float)rows[r].Values[g];
        string[] names = rows.Select(r => r.Name).ToArray();
        var obs = new AnnotationTable("obs", names, [
            new StringColumn("profile", names),
            new StringColumn("perturbation", names.Select(n => n == "control" ? "control" : answer.Perturbation).ToArray()),
            new StringColumn("model", names.Select(_ => answer.Model).ToArray()),
            new StringColumn("model_sha", names.Select(_ => answer.ModelSha).ToArray()),
        ]);
        var uns = new Dictionary<string, object>
        {
            ["dcell_serve"] = new Dictionary<string, object>
            {
                ["dataset"] = answer.Dataset, ["context"] = answer.ContextLabel, ["mode"] = answer.Mode,
                ["seed"] = (long)answer.Seed, ["permalink"] = answer.Permalink,
            },
        };
        var data = new CellDataset(new DenseCellMatrix(rows.Count, genes, values), obs, new AnnotationTable("var", answer.Genes.ToArray()), uns: uns);
        string path = Path.Combine(Path.GetTempPath(), $"dcell-serve-{Guid.NewGuid():N}.h5ad");
        try
        {
            data.Write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A screen's ranking as CSV: the SDK's table, the columns of <c>dcell screen</c>'s <c>screen.csv</c>.</summary>
    public static byte[] ScreenCsv(ScreenRun run) => Encoding.UTF8.GetBytes(run.Result.ToCsv());

    /// <summary>A file name for the answer, from served ids only (never from free text).</summary>
    public static string FileName(PredictResponse answer, string extension) => $"{Safe(answer.Model)}_{Safe(answer.Perturbation)}_{answer.Mode}.{extension}";

    /// <summary>A file name for a screen: model, mode and direction (the objective is free text and stays out).</summary>
    public static string FileName(ScreenRun run, string extension)
    {
        var p = run.Response.Provenance;
        return $"screen_{Safe(p.Model)}_{p.Mode}_{p.Direction}.{extension}";
    }

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+' ? c : '_').ToArray());

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
