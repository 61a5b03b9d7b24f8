using DigitalCell.Sdk.Catalog;
using System.Diagnostics;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Scoring;
using DigitalCell.Sdk.Torch;
using DigitalCell.Sdk.Torch.Training;

namespace DigitalCell.Benchmarks;

/// <summary>
/// <c>torch-papalexi-scores [seeds]</c>: the neural model next to the baselines on the Papalexi subset's unseen-perturbation
/// split (log1p CP10k, 20 % test / 10 % validation perturbations), mean-profile metrics, one row per model and seed.
/// Not a unit test: it trains for minutes, and its numbers go into the issue note.
/// </summary>
internal static class NeuralPapalexiScores
{
    public static int Run(string[] args)
    {
        var seeds = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [0];
        var data = CellDataset.Read(DigitalCell.Tests.Shared.SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"))
            .NormalizeTotal(1e4).Log1p().WithSource("papalexi2021-thp1");
        var schema = new PerturbationSchema("perturbation", "control");
        var labels = data.Obs.Categorical("perturbation");
        foreach (var seed in seeds)
        {
            var split = PerturbationSplits.UnseenPerturbations(data, schema, 0.2, 0.1, seed);
            Console.WriteLine($"seed {seed}: train {split.Train.Count}, validation {split.Validation.Count}, test [{string.Join(", ", split.Test)}]");
            var set = PerturbationTrainingSet.FromSplit(data, schema, split);
            var test = split.Test.Select(l => Perturbation.Parse(l, schema)).ToList();
            var realMeans = split.Test.Select(l => Mean(data.X, Rows(labels, l))).ToList();
            var realControl = Mean(data.X, Rows(labels, "control"));
            var models = Baselines.Names.Select(Baselines.Create).Append(new NeuralPerturbationModel(new TrainingOptions { Seed = seed }));
            var scores = new List<ModelScores>();
            foreach (var model in models)
            {
                var clock = Stopwatch.StartNew();
                model.Fit(set);
                var prediction = model.Predict([.. test, Perturbation.Control()]);
                var predicted = Enumerable.Range(0, test.Count).Select(i => prediction.Means.Row(i).ToArray().Select(v => (double)v).ToArray()).ToList();
                var predictedControl = prediction.Means.Row(test.Count).ToArray().Select(v => (double)v).ToArray();
                var input = new ScoringInput(split.Test, data.GeneNames, realMeans, predicted, realControl, predictedControl);
                scores.Add(Scorer.Score(model.Name, input, Metrics.MeanProfile, ScoringMode.CellEval));
                Console.WriteLine($"  {model.Name}: fitted in {clock.Elapsed.TotalSeconds:F1} s");
                (model as IDisposable)?.Dispose();
            }
            Console.WriteLine(ScoreReport.Create(scores, Metrics.MeanProfile, ScoringMode.CellEval).ToMarkdown());
        }
        return 0;
    }

    private static int[] Rows(CategoricalColumn labels, string label) =>
        Enumerable.Range(0, labels.Length).Where(r => labels[r] == label).ToArray();

    private static double[] Mean(CellMatrix x, int[] rows)
    {
        var sum = new double[x.ColumnCount];
        var row = new float[x.ColumnCount];
        foreach (var r in rows)
        {
            x.CopyRow(r, row);
            for (int g = 0; g < row.Length; g++) sum[g] += row[g];
        }
        return sum.Select(s => s / rows.Length).ToArray();
    }
}
