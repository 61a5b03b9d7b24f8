using System.CommandLine;
using System.Globalization;
using System.Text;
using DigitalCell.Sdk;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;

namespace DigitalCell.Cli.Neural.Commands;

/// <summary><c>dcell predict --model &lt;dir or zoo id&gt; --perturbations A,B,A+B --out means.csv</c>: predicted mean profiles from any saved model.</summary>
public static class PredictCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Saved model: a folder (neural or baseline; chosen by its model card) or a zoo id such as dcell-base-tiny (`dcell models list`).", Required = true };
        var perturbations = new Option<string[]>("--perturbations", "-p")
        {
            Description = "Perturbation labels, comma-separated or repeated (A+B is a combination), or @file with one label per line.",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var control = new Option<string>("--control") { Description = "Label meaning control cells.", DefaultValueFactory = _ => "control" };
        var output = new Option<string>("--out", "-o") { Description = "CSV to write: one row per perturbation, one column per gene.", Required = true };
        var command = new Command("predict", "Predict mean expression profiles for perturbations with a saved model.") { model, perturbations, control, output };
        command.SetAction(parse =>
        {
            DigitalCell.Sdk.Torch.NeuralModels.Register(); // neural/ONNX directories load like baselines
            var loaded = PerturbationModels.Load(ModelZoo.Resolve(parse.GetRequiredValue(model)));
            try
            {
                var schema = new PerturbationSchema("perturbation", parse.GetRequiredValue(control));
                var labels = Labels(parse.GetRequiredValue(perturbations));
                var prediction = loaded.Predict(labels.Select(l => Perturbation.Parse(l, schema)).ToList());
                var csv = new StringBuilder("perturbation,").AppendJoin(',', prediction.Genes.Select(Quote)).Append('\n');
                for (int i = 0; i < labels.Count; i++)
                    csv.Append(Quote(labels[i])).Append(',')
                        .AppendJoin(',', prediction.Means.Row(i).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
                AtomicFile.WriteAllText(parse.GetRequiredValue(output), csv.ToString());
                foreach (var note in prediction.Notes) parse.InvocationConfiguration.Error.WriteLine(Program.TerminalLine($"note: {note}"));
                parse.InvocationConfiguration.Output.WriteLine($"Wrote {labels.Count} predicted profiles × {prediction.Genes.Count} genes to {parse.GetRequiredValue(output)}");
            }
            finally { (loaded as IDisposable)?.Dispose(); }
            return 0;
        });
        return command;
    }

    private static List<string> Labels(string[] values) => values
        .SelectMany(v => v.StartsWith('@') ? ReadLines(v[1..]) : v.Split(','))
        .Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static string[] ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path)
        : throw new DigitalCellException(path, null, "perturbation list file not found");

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
