using System.Globalization;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Statistics;
using Spectre.Console;

namespace DigitalCell.Cli.Commands;

/// <summary>
/// The demo's look inside one prediction: for the held-out knockout that changes its cells most (largest measured
/// change of the mean profile from the control mean), the genes the model moves most, each with its predicted and its
/// measured change, then how well the two agree over every gene (top-10 overlap, Pearson r).
/// </summary>
internal static class KnockoutTable
{
    private const int Rows = 10;

    /// <summary>Writes the table for <paramref name="model"/>, fitted on <paramref name="split"/>'s training fold.</summary>
    public static void Write(IAnsiConsole console, IPerturbationModel model, CellDataset data, PerturbationSchema schema, PerturbationSplit split, string steps)
    {
        const string Control = "\u0000control"; // not a label any data set uses
        // The benchmark scores (and the model learns) log-normalised expression; counts are normalised the same way.
        data = Sdk.Scoring.ExpressionScale.EnsureLogNormalized(data, "data", out _);
        var labels = data.Obs.Categorical(schema.PerturbationColumn);
        var groups = Enumerable.Range(0, data.CellCount).Select(i => labels.Codes[i] is int c && c >= 0
            ? schema.IsControlLabel(labels.Categories[c]) ? Control : split.Test.Contains(labels.Categories[c]) ? labels.Categories[c] : null
            : null).ToArray();
        var means = PseudobulkAggregation.Compute(data.X, groups, data.GeneNames);
        var control = means.Profile(Control).ToArray();
        var (knockout, measured) = split.Test.Where(l => groups.Contains(l))
            .Select(label => (Label: label, Delta: means.Profile(label).ToArray().Select((v, g) => (double)v - control[g]).ToArray()))
            .MaxBy(t => t.Delta.Sum(d => d * d));
        var prediction = model.Predict([Perturbation.Parse(knockout, schema)]);
        var geneIndex = data.GeneNames.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        var predicted = prediction.Means.Row(0).ToArray();
        var genes = prediction.Genes.Select((gene, j) => (Gene: gene, Predicted: (double)predicted[j] - control[geneIndex[gene]], Measured: measured[geneIndex[gene]])).ToList();
        var top = genes.OrderByDescending(g => Math.Abs(g.Predicted)).ThenBy(g => g.Gene, StringComparer.Ordinal).Take(Rows).ToList();
        var measuredTop = genes.OrderByDescending(g => Math.Abs(g.Measured)).Take(Rows).Select(g => g.Gene).ToHashSet(StringComparer.Ordinal);

        console.WriteLine();
        console.MarkupLine(Markup.Escape(Program.TerminalLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name} on held-out knockout {knockout} (its cells never reached the model; steps masked/joint/fine-tune {steps}, the shipped model uses 150/400/300): " +
            $"the {Rows} genes it moves most, Δ = mean − control mean of log1p(normalised expression)"))));
        var table = new Table().AddColumn("Gene").AddColumn(new TableColumn("Predicted Δ").RightAligned()).AddColumn(new TableColumn("Measured Δ").RightAligned());
        foreach (var g in top)
            table.AddRow(Markup.Escape(g.Gene), g.Predicted.ToString("+0.000;-0.000", CultureInfo.InvariantCulture), g.Measured.ToString("+0.000;-0.000", CultureInfo.InvariantCulture));
        console.Write(table);
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{top.Count(g => measuredTop.Contains(g.Gene))} of these {Rows} are among the {Rows} genes the knockout changes most; Pearson r of predicted and measured Δ over all {genes.Count} genes: {Pearson(genes.Select(g => g.Predicted).ToArray(), genes.Select(g => g.Measured).ToArray()):F2}.")));
        foreach (var note in prediction.Notes.Take(1)) console.MarkupLine(Markup.Escape(Program.TerminalLine($"{model.Name}: {note}")));
    }

    private static double Pearson(double[] x, double[] y) => MathNet.Numerics.Statistics.Correlation.Pearson(x, y);
}
