using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Perturbations;

/// <summary>
/// Which CRISPR guide each cell received, from the guide-capture UMI matrix (cells × guides) of a pooled screen
/// (ECCITE-seq, Perturb-seq with direct capture): the guide with the most UMIs, kept when it has at least
/// <see cref="GuideAssignmentOptions.MinUmi"/> UMIs and at least <see cref="GuideAssignmentOptions.MinRatio"/> times
/// the UMIs of the runner-up; other cells stay unassigned (too few guide reads, or several guides: a multiplet).
/// Ties go to the first guide in var order.
/// </summary>
public static class GuideAssignment
{
    /// <summary>obs column: the assigned guide, missing when unassigned.</summary>
    public const string GuideColumn = "guide";

    /// <summary>obs column: the UMIs of the top guide (assigned or not).</summary>
    public const string TopUmiColumn = "guide_umi_max";

    /// <summary>obs column: the UMIs of the runner-up guide.</summary>
    public const string SecondUmiColumn = "guide_umi_second";

    /// <summary>obs column: the target of the assigned guide, from <see cref="GuideAssignmentOptions.TargetColumn"/> of var.</summary>
    public const string TargetColumn = "guide_target";

    /// <summary>
    /// Adds <see cref="GuideColumn"/>, <see cref="TopUmiColumn"/>, <see cref="SecondUmiColumn"/> and, when var has a
    /// target column, <see cref="TargetColumn"/> to the obs of a guide-capture dataset.
    /// </summary>
    public static CellDataset AssignGuides(this CellDataset guides, GuideAssignmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(guides);
        options ??= new GuideAssignmentOptions();
        if (options.MinUmi < 0 || !(options.MinRatio >= 1))
            throw new DigitalCellException($"AssignGuides: MinUmi must be ≥ 0 and MinRatio ≥ 1, got {options.MinUmi} and {options.MinRatio}.");
        var x = guides.X.ToSparse();
        var indptr = x.RowPointers;
        var indices = x.ColumnIndices;
        var values = x.StoredValues;
        var top = new double[x.RowCount];
        var second = new double[x.RowCount];
        var assigned = new string?[x.RowCount];
        var targets = guides.Var.Contains(options.TargetColumn) ? guides.Var[options.TargetColumn] : null;
        var target = new string?[x.RowCount];
        for (int r = 0; r < x.RowCount; r++)
        {
            int best = -1;
            double first = 0, runnerUp = 0;
            for (int k = indptr[r]; k < indptr[r + 1]; k++)
            {
                double v = values[k];
                if (v > first || (v == first && best >= 0 && indices[k] < best)) { runnerUp = Math.Max(runnerUp, first); first = v; best = indices[k]; }
                else if (v > runnerUp) runnerUp = v;
            }
            top[r] = first;
            second[r] = runnerUp;
            if (best >= 0 && first >= options.MinUmi && first >= options.MinRatio * runnerUp)
            {
                assigned[r] = guides.GeneNames[best];
                target[r] = targets?.GetText(best);
            }
        }
        var obs = guides.Obs
            .With(CategoricalColumn.FromLabels(GuideColumn, assigned))
            .With(new NumericColumn<double>(TopUmiColumn, top))
            .With(new NumericColumn<double>(SecondUmiColumn, second));
        if (targets is not null) obs = obs.With(CategoricalColumn.FromLabels(TargetColumn, target));
        return guides.WithObs(obs);
    }
}

/// <summary>Thresholds of <see cref="GuideAssignment.AssignGuides"/>.</summary>
public sealed record GuideAssignmentOptions
{
    /// <summary>Fewest UMIs of the top guide for a call; 5 by default.</summary>
    public double MinUmi { get; init; } = 5;

    /// <summary>How many times the runner-up's UMIs the top guide must have; 3 by default (1 = plain arg-max).</summary>
    public double MinRatio { get; init; } = 3;

    /// <summary>var column naming each guide's target gene; <c>target</c> by default.</summary>
    public string TargetColumn { get; init; } = "target";
}
