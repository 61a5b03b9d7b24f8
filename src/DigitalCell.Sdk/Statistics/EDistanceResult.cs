using System.Globalization;
using System.Text;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Sdk.Statistics;

/// <summary>
/// E-distances of groups to a reference group, optionally with E-test permutation p-values (scPerturb
/// <c>etest</c>) and their Holm–Šidák adjustment.
/// </summary>
public sealed class EDistanceResult
{
    internal EDistanceResult(string reference, string[] groups, int[] cellCounts, double[] distance, double[]? pValue, EDistanceOptions options)
    {
        Reference = reference;
        Groups = groups;
        CellCounts = cellCounts;
        Distance = distance;
        PValue = pValue;
        AdjustedPValue = pValue is null ? null : MultipleTesting.HolmSidak(pValue);
        Options = options;
    }

    /// <summary>The reference group.</summary>
    public string Reference { get; }

    /// <summary>The groups compared with the reference.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Cells per group.</summary>
    public IReadOnlyList<int> CellCounts { get; }

    /// <summary>E-distance of each group to the reference.</summary>
    public IReadOnlyList<double> Distance { get; }

    /// <summary>E-test p-value of each group (fraction of permutations with a larger E-distance), or null when no test ran.</summary>
    public IReadOnlyList<double>? PValue { get; }

    /// <summary>Holm–Šidák adjusted p-values, or null when no test ran.</summary>
    public IReadOnlyList<double>? AdjustedPValue { get; }

    /// <summary>The settings used.</summary>
    public EDistanceOptions Options { get; }

    /// <summary>The E-distance of <paramref name="group"/>.</summary>
    /// <exception cref="DigitalCellException">The group was not compared.</exception>
    public double this[string group]
    {
        get
        {
            for (int i = 0; i < Groups.Count; i++) if (Groups[i] == group) return Distance[i];
            throw new DigitalCellException($"Group '{group}' was not compared with '{Reference}'.");
        }
    }

    /// <summary>Writes <c>group, n_cells, edistance[, pvalue, padj]</c> as CSV, atomically.</summary>
    public void WriteCsv(string path) => AtomicFile.Write(path, temp =>
    {
        var sb = new StringBuilder(PValue is null ? "group,n_cells,edistance\n" : "group,n_cells,edistance,pvalue,padj\n");
        for (int i = 0; i < Groups.Count; i++)
        {
            sb.Append(Groups[i].Contains(',') ? $"\"{Groups[i].Replace("\"", "\"\"")}\"" : Groups[i]).Append(',')
              .Append(CellCounts[i].ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Distance[i].ToString("R", CultureInfo.InvariantCulture));
            if (PValue is not null)
                sb.Append(',').Append(PValue[i].ToString("R", CultureInfo.InvariantCulture))
                  .Append(',').Append(AdjustedPValue![i].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        File.WriteAllText(temp, sb.ToString(), new UTF8Encoding(false));
    });
}
