using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial class DigitalCellBaseModel : IGeneTargets
{
    /// <summary>
    /// Every gene the model can knock down or activate with information about it: its token vocabulary, plus every gene
    /// with a non-zero gene-prior vector when the priors are located (a gene outside the vocabulary is embedded from its
    /// prior alone; an all-zero prior would embed as nothing), so a screen's <c>all</c> is genome-scale.
    /// </summary>
    public IReadOnlyCollection<string> TargetGenes
    {
        get
        {
            var vocabulary = Vocabulary;
            if (PriorTable() is not { } table) return vocabulary.ToArray();
            var known = vocabulary.ToHashSet(StringComparer.Ordinal);
            return vocabulary.Concat(table.Genes.Where(g => !known.Contains(g) && table.Vector(g)!.Any(v => v != 0))).ToArray();
        }
    }
}
