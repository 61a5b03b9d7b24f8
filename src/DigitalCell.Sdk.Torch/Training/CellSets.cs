using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Torch.Training;

/// <summary>
/// Cells grouped by perturbation label, the unit the distribution-level loss works on: all cells as one dense
/// float32 block (cells × genes) plus, per label, its targets and row indices.
/// </summary>
internal sealed class CellSets
{
    public required float[] Cells { get; init; }
    public required int GeneCount { get; init; }
    public required int[] ControlRows { get; init; }
    public required IReadOnlyList<CellSet> Sets { get; init; }

    public int CellCount => Cells.Length / GeneCount;

    /// <summary>Groups <paramref name="data"/> by <paramref name="column"/>; labels in <paramref name="controlLabels"/> are controls,
    /// others are split into targets at <paramref name="delimiter"/> (e.g. "KLF1+CEBPA"); only labels in <paramref name="include"/> are kept.</summary>
    public static CellSets From(CellDataset data, string column, IReadOnlyCollection<string> controlLabels, string delimiter, ISet<string> include)
    {
        var labels = data.Obs.Categorical(column);
        var genes = data.GeneCount;
        var cells = new float[(long)data.CellCount * genes];
        for (int r = 0; r < data.CellCount; r++) data.X.CopyRow(r, cells.AsSpan(r * genes, genes));
        var rowsByLabel = new Dictionary<string, List<int>>();
        for (int r = 0; r < data.CellCount; r++)
        {
            var label = labels[r];
            if (label is null || !(include.Contains(label) || controlLabels.Contains(label))) continue; // e.g. the test fold
            if (!rowsByLabel.TryGetValue(label, out var rows)) rowsByLabel[label] = rows = [];
            rows.Add(r);
        }
        var control = controlLabels.SelectMany(c => rowsByLabel.GetValueOrDefault(c) ?? []).Order().ToArray();
        if (control.Length == 0)
            throw new DigitalCellException($"obs column '{column}' has no control cells labelled {string.Join(" or ", controlLabels.Select(c => $"'{c}'"))}; the neural model predicts perturbed cells from control cells");
        var sets = rowsByLabel.Where(kv => !controlLabels.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new CellSet(kv.Key, SplitTargets(kv.Key, delimiter), kv.Value.ToArray())).ToList();
        return new CellSets { Cells = cells, GeneCount = genes, ControlRows = control, Sets = sets };
    }

    public static string[] SplitTargets(string label, string delimiter) =>
        label.Split(delimiter, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The mean profile of <paramref name="rows"/>.</summary>
    public float[] Mean(IReadOnlyList<int> rows)
    {
        var mean = new double[GeneCount];
        foreach (var r in rows)
            for (int g = 0; g < GeneCount; g++) mean[g] += Cells[(long)r * GeneCount + g];
        return mean.Select(m => (float)(m / rows.Count)).ToArray();
    }
}

/// <summary>The cells of one perturbation label.</summary>
internal sealed record CellSet(string Label, string[] Targets, int[] Rows);
