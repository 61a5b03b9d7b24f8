using DigitalCell.Sdk.Torch.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

internal sealed partial class BaseModelTrainer
{
    /// <summary>The masking tasks of a data set with RNA and protein, drawn one per step with equal chance.</summary>
    internal enum CrossModalTask
    {
        /// <summary>Protein hidden: predict every marker from the RNA (imputation).</summary>
        ProteinFromRna,

        /// <summary>RNA hidden: predict a <see cref="BaseModelOptions.MaskFraction"/> of the genes from the protein alone.</summary>
        RnaFromProtein,

        /// <summary>Both partly hidden: that fraction of genes and of markers, predicted from the rest of both.</summary>
        Within,
    }

    /// <summary>
    /// Cross-modal masked expression on control sets whose protein is measured: one <see cref="CrossModalTask"/> per step;
    /// MSE on the hidden genes plus MSE on the hidden markers.
    /// </summary>
    private Tensor CrossModalLoss(CorpusPart part, ProteinBlock protein, Tensor cells, int[][] rows, Random random)
    {
        int g = part.GeneCount, m = protein.MarkerCount;
        var task = (CrossModalTask)random.Next(3);
        static long[] All(int count) => Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        var (hiddenGenes, visibleGenes) = task == CrossModalTask.ProteinFromRna ? ([], All(g)) : Split(g, options.MaskFraction, random);
        if (task == CrossModalTask.RnaFromProtein) visibleGenes = [];
        var (hiddenMarkers, visibleMarkers) = task switch
        {
            CrossModalTask.ProteinFromRna => (All(m), []),
            CrossModalTask.RnaFromProtein => ([], All(m)),
            _ => Split(m, options.MaskFraction, random),
        };
        var input = ProteinOf(protein, rows);
        var panel = network.Index(part.Panel);
        var visibleColumns = network.Index(visibleGenes);
        var shown = visibleMarkers.Length == 0 ? null
            : new ProteinInput(input.Values.index_select(2, network.Index(visibleMarkers)), input.Markers.index_select(0, network.Index(visibleMarkers)));
        var cell = network.EncodeCells(cells.index_select(2, visibleColumns), panel.index_select(0, visibleColumns), shown);
        var loss = zeros([], device: network.Device);
        if (hiddenGenes.Length > 0)
        {
            var columns = network.Index(hiddenGenes);
            loss = loss.Plus(network.HiddenGenes(cell, panel.index_select(0, columns)).Minus(cells.index_select(2, columns)).Squared().mean());
        }
        if (hiddenMarkers.Length > 0)
        {
            var columns = network.Index(hiddenMarkers);
            loss = loss.Plus(network.ImputedProtein(cell, input.Markers.index_select(0, columns)).Minus(input.Values.index_select(2, columns)).Squared().mean());
        }
        return loss;
    }

    /// <summary>The protein of <paramref name="rows"/> (one array per set) as network input (B × S × M).</summary>
    private ProteinInput ProteinOf(ProteinBlock protein, int[][] rows)
    {
        int m = protein.MarkerCount, n = rows[0].Length;
        var values = new float[rows.Length * n * m];
        for (int s = 0; s < rows.Length; s++) protein.Gather(rows[s], values, s * n * m);
        return new ProteinInput(tensor(values, [rows.Length, n, m], device: network.Device), network.Index(protein.Panel));
    }
}
