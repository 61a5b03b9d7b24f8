using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial class DigitalCellBaseModel : IGeneTargets
{
    /// <summary>
    /// Every gene the model can knock down or activate: its token vocabulary, plus every gene with a gene prior when the
    /// priors are located (a gene outside the vocabulary is embedded from its prior alone), so a screen's <c>all</c> is
    /// genome-scale.
    /// </summary>
    public IReadOnlyCollection<string> TargetGenes
    {
        get
        {
            var vocabulary = Vocabulary;
            return PriorTable() is { } table ? vocabulary.Concat(table.Genes).Distinct(StringComparer.Ordinal).ToArray() : vocabulary.ToArray();
        }
    }
}
