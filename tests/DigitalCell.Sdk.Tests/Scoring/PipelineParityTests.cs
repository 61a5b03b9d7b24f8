using System.Text;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Scoring;
using static DigitalCell.Sdk.Tests.Scoring.ScoringTestSupport;

namespace DigitalCell.Sdk.Tests.Scoring;

/// <summary>
/// The whole scoring pipeline (pseudobulk, Wilcoxon DE + BH in the mode's scope, fold-change convention, every
/// metric) on real Papalexi cells, against the numpy/scipy reference computing everything itself from the same cells.
/// </summary>
public class PipelineParityTests
{
    private static readonly string[] Perturbations = ["CD86", "IFNGR1", "IRF1", "JAK2", "STAT1"];

    /// <summary>Real: 40 cells of each of five knockouts + 80 controls. Predicted: each label gets another knockout's cells (a wrong but realistic model).</summary>
    private static (CellDataset Real, CellDataset Pred) Subset()
    {
        var data = H5adFile.Read(PapalexiPath).NormalizeTotal(1e4).Log1p();
        var labels = data.Obs.Categorical("perturbation");
        int[] Cells(string label, int n, int skip = 0) => Enumerable.Range(0, data.CellCount).Where(i => labels[i] == label).Skip(skip).Take(n).ToArray();
        CellDataset Build(IEnumerable<(string Source, string Label, int Skip)> groups)
        {
            var parts = groups.Select(g => (Rows: Cells(g.Source, g.Source == "control" ? 80 : 40, g.Skip), g.Label)).ToArray();
            var rows = parts.SelectMany(p => p.Rows).ToArray();
            var obs = new AnnotationTable("obs", rows.Select(r => data.CellNames[r] + "-" + Guid.NewGuid().ToString("N")[..6]).ToArray(),
                [CategoricalColumn.FromLabels("perturbation", parts.SelectMany(p => p.Rows.Select(_ => p.Label)).ToArray())]);
            return new CellDataset(data.X.SelectRows(rows), obs, data.Var);
        }
        var real = Build(Perturbations.Select(p => (p, p, 0)).Append(("control", "control", 0)));
        var pred = Build(Perturbations.Select((p, i) => (Perturbations[(i + 1) % Perturbations.Length], p, 40)).Append(("control", "control", 80)));
        return (real, pred);
    }

    [TestCase("cell-eval")]
    [TestCase("vcc2025")]
    public void EveryMetricMatchesTheReferenceOnRealCells(string modeName)
    {
        var mode = ScoringMode.Parse(modeName);
        var (real, pred) = Subset();
        var reference = Enumerable.Range(0, real.GeneCount).Select(g => 0.5 + g % 7 * 0.1).ToArray();
        var builder = new ScoringInputBuilder(real, "perturbation", "control", mode) { PerturbedReference = reference };
        var input = builder.Build(pred, Metrics.Full);
        var json = new StringBuilder("{");
        json.AppendField("mode", $"\"{mode.Name}\"").AppendField("genes", Strings(real.GeneNames)).AppendField("control", "\"control\"")
            .AppendField("real", Side(real)).AppendField("pred", Side(pred)).AppendField("perturbed_ref", Array(reference)).Append('}');
        var peer = RunPeer("pipeline", json.ToString());

        // The DE itself first: FDRs and fold changes of the real side.
        for (int p = 0; p < Perturbations.Length; p++)
        {
            AssertClose($"fdr[{Perturbations[p]}]", input.RealDifferentialExpression![p].Fdr.Select(v => (double?)v).ToArray(), peer["_real_fdr"]![p]!.AsArray());
            AssertClose($"log2fc[{Perturbations[p]}]", input.RealDifferentialExpression![p].Log2FoldChange.Select(v => (double?)v).ToArray(), peer["_real_lfc"]![p]!.AsArray());
        }
        int significant = input.RealDifferentialExpression!.Sum(t => Enumerable.Range(0, t.Fdr.Length).Count(t.IsSignificant));
        Assert.That(significant, Is.GreaterThan(10), "the subset should have real DE genes, or the DE metrics test nothing");
        foreach (var metric in Metrics.Full)
            AssertClose(metric.Name, metric.Compute(input, mode), peer[metric.Name]!.AsArray());
    }

    private static string Side(CellDataset d)
    {
        var rows = Enumerable.Range(0, d.CellCount).Select(r => { var row = new float[d.GeneCount]; d.X.CopyRow(r, row); return row.Select(v => (double)v); });
        return "{\"x\":" + Array(rows) + ",\"labels\":" + Strings(Enumerable.Range(0, d.CellCount).Select(i => d.Obs.Categorical("perturbation")[i]!)) + "}";
    }
}
