using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Statistics;

namespace DigitalCell.Sdk.Scoring;

/// <summary>
/// The two sanity checks the programme names for a digital cell, run on a fitted model against measured cells:
/// an unperturbed cell is predicted unchanged (<see cref="ControlUnchanged"/>), and a known strong knockout moves its
/// response genes the measured way (<see cref="Direction"/>). Both compare pseudobulk (mean) profiles over the model's
/// genes, on the expression scale of the cells as given (pass what the model was fitted on).
/// </summary>
public static class SanityChecks
{
    /// <summary>
    /// Predicts the control (no perturbation) and measures the Euclidean distance of that profile to the mean of the
    /// control cells, next to the split-half replicate distance of the controls (the distance between the means of two
    /// random halves, median over <paramref name="halvings"/> random halvings): a model that leaves a normal cell
    /// unchanged is no farther from its controls than the controls are from themselves.
    /// </summary>
    /// <param name="model">A fitted model.</param>
    /// <param name="data">Cells including the controls.</param>
    /// <param name="schema">Which cells are controls.</param>
    /// <param name="seed">Seed of the random halvings.</param>
    /// <param name="halvings">How many random halvings (default 20).</param>
    /// <exception cref="DigitalCellException">Fewer than two control cells.</exception>
    public static ControlCheck ControlUnchanged(IPerturbationModel model, CellDataset data, PerturbationSchema schema, int seed = 0, int halvings = 20)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(schema);
        var labels = Labels(data, schema);
        var controls = Enumerable.Range(0, data.CellCount).Where(i => labels[i] is { } l && schema.IsControlLabel(l)).ToArray();
        if (controls.Length < 2) throw new DigitalCellException($"the control check needs at least two control cells ({string.Join(", ", schema.ControlLabels)}); found {controls.Length}");
        var label = labels[controls[0]]!;
        var prediction = model.Predict([Perturbation.Parse(label, schema)]);
        var genes = GeneIndices(data, prediction.Genes);
        var predicted = prediction.Means.Row(0).ToArray();
        var controlMean = Means(data, controls.Select(_ => (string?)"c").ToArray(), controls, "c", genes);
        double distance = Math.Sqrt(predicted.Select((v, j) => (v - controlMean[j]) * (v - controlMean[j])).Sum());
        var random = new Random(Seeds.Derive(seed, "control split-half"));
        var replicate = new double[halvings];
        for (int h = 0; h < halvings; h++)
        {
            var order = controls.ToArray();
            random.Shuffle(order);
            var groups = order.Select((_, k) => (string?)(k < order.Length / 2 ? "a" : "b")).ToArray();
            var a = Means(data, groups, order, "a", genes);
            var b = Means(data, groups, order, "b", genes);
            replicate[h] = Math.Sqrt(a.Select((v, j) => (v - b[j]) * (v - b[j])).Sum());
        }
        Array.Sort(replicate);
        double median = halvings % 2 == 1 ? replicate[halvings / 2] : (replicate[halvings / 2 - 1] + replicate[halvings / 2]) / 2;
        return new ControlCheck(model.Name, label, controls.Length, prediction.Genes.Count, distance, median);
    }

    /// <summary>
    /// For each knockout, the mean predicted and measured change (from the control mean) over the response genes the
    /// model predicts: the model points the right way when both have the same sign.
    /// </summary>
    /// <param name="model">A fitted model; the knockouts should be held out of its training for the check to mean anything.</param>
    /// <param name="data">Cells of the knockouts and the controls.</param>
    /// <param name="schema">How perturbations are recorded.</param>
    /// <param name="knockouts">Perturbation labels (e.g. IFNGR1, JAK2, STAT1).</param>
    /// <param name="responseGenes">The genes whose change is checked (e.g. the Hallmark IFN-γ response); those outside the model's genes are ignored.</param>
    /// <exception cref="DigitalCellException">A knockout without cells, or no response gene among the model's genes.</exception>
    public static IReadOnlyList<DirectionCheck> Direction(IPerturbationModel model, CellDataset data, PerturbationSchema schema,
        IReadOnlyList<string> knockouts, IReadOnlyCollection<string> responseGenes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(knockouts);
        ArgumentNullException.ThrowIfNull(responseGenes);
        var labels = Labels(data, schema);
        var controls = Enumerable.Range(0, data.CellCount).Where(i => labels[i] is { } l && schema.IsControlLabel(l)).ToArray();
        var prediction = model.Predict(knockouts.Select(k => Perturbation.Parse(k, schema)).ToList());
        var response = prediction.Genes.Select((g, j) => (g, j)).Where(x => responseGenes.Contains(x.g)).ToArray();
        if (response.Length == 0) throw new DigitalCellException($"none of the {responseGenes.Count} response genes is among the {prediction.Genes.Count} genes model '{model.Name}' predicts");
        var genes = GeneIndices(data, response.Select(x => x.g).ToList());
        var controlMean = Means(data, controls.Select(_ => (string?)"c").ToArray(), controls, "c", genes);
        var checks = new List<DirectionCheck>();
        for (int k = 0; k < knockouts.Count; k++)
        {
            var cells = Enumerable.Range(0, data.CellCount).Where(i => labels[i] == knockouts[k]).ToArray();
            if (cells.Length == 0) throw new DigitalCellException($"knockout '{knockouts[k]}' has no cells in column '{schema.PerturbationColumn}'");
            var measured = Means(data, cells.Select(_ => (string?)"k").ToArray(), cells, "k", genes);
            var row = prediction.Means.Row(k).ToArray();
            checks.Add(new DirectionCheck(model.Name, knockouts[k], response.Length,
                response.Select((x, r) => row[x.j] - controlMean[r]).Average(), measured.Select((v, r) => v - controlMean[r]).Average()));
        }
        return checks;
    }

    private static string?[] Labels(CellDataset data, PerturbationSchema schema)
    {
        var column = data.Obs.Categorical(schema.PerturbationColumn);
        return Enumerable.Range(0, data.CellCount).Select(i => column.Codes[i] is int c && c >= 0 ? column.Categories[c] : null).ToArray();
    }

    private static int[] GeneIndices(CellDataset data, IReadOnlyList<string> genes)
    {
        var index = data.GeneNames.Select((g, i) => (g, i)).ToDictionary(x => x.g, x => x.i, StringComparer.Ordinal);
        return genes.Select(g => index.TryGetValue(g, out int i) ? i
            : throw new DigitalCellException($"the model predicts gene '{g}', which the data do not measure")).ToArray();
    }

    /// <summary>The mean profile of the cells <paramref name="rows"/> labelled <paramref name="group"/>, over <paramref name="genes"/>.</summary>
    private static double[] Means(CellDataset data, string?[] groups, int[] rows, string group, int[] genes)
    {
        var selected = data.SelectCells(rows);
        var profile = PseudobulkAggregation.Compute(selected.X, groups, selected.GeneNames).Profile(group).ToArray();
        return genes.Select(g => (double)profile[g]).ToArray();
    }
}

/// <summary>The control check of one model.</summary>
/// <param name="Model">The model.</param>
/// <param name="ControlLabel">The control label predicted.</param>
/// <param name="ControlCells">Control cells measured.</param>
/// <param name="Genes">Genes compared.</param>
/// <param name="PredictionDistance">Euclidean distance of the predicted control profile to the control mean.</param>
/// <param name="ReplicateDistance">Median distance between the means of two random halves of the controls.</param>
public sealed record ControlCheck(string Model, string ControlLabel, int ControlCells, int Genes, double PredictionDistance, double ReplicateDistance)
{
    /// <summary>True when the prediction is no farther from the controls than the controls' halves are from each other.</summary>
    public bool Passed => PredictionDistance <= ReplicateDistance;
}

/// <summary>The direction check of one knockout.</summary>
/// <param name="Model">The model.</param>
/// <param name="Knockout">The knockout.</param>
/// <param name="ResponseGenes">Response genes among the model's genes.</param>
/// <param name="PredictedChange">Mean predicted change over them (prediction − control mean).</param>
/// <param name="MeasuredChange">Mean measured change over them (knockout cells' mean − control mean).</param>
public sealed record DirectionCheck(string Model, string Knockout, int ResponseGenes, double PredictedChange, double MeasuredChange)
{
    /// <summary>True when prediction and measurement change the response genes the same way.</summary>
    public bool Passed => Math.Sign(PredictedChange) == Math.Sign(MeasuredChange) && MeasuredChange != 0;
}
