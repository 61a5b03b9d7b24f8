using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Perturbations;
using DigitalCell.Sdk.Preprocessing;
using DigitalCell.Sdk.Scoring;

namespace DigitalCell.Sdk.Torch.BaseModel;

public sealed partial record BaseModelSource
{
    /// <summary>The control label of the constant perturbation column of unperturbed sources (<see cref="FromMultimodal"/> without a schema).</summary>
    public const string UnperturbedLabel = "control";

    /// <summary>
    /// A CITE-seq / ECCITE-seq data set as a source with RNA and protein: the cells both modalities hold (in the RNA's
    /// order), RNA log-normalised (counts are normalised to the median library size and log1p-transformed) and named by
    /// <paramref name="geneSymbolColumn"/> where the var table has it (first of duplicate symbols kept), protein
    /// CLR-normalised as muon's <c>pp.clr</c> (counts; values already fractional are taken as normalised).
    /// With <paramref name="schema"/> null the cells are unperturbed: every cell is a control, so the source enters
    /// masked-expression pretraining (cross-modal) and no perturbation phase.
    /// </summary>
    /// <param name="id">The source's id.</param>
    /// <param name="data">The multimodal data set.</param>
    /// <param name="rnaModality">Name of the RNA modality.</param>
    /// <param name="proteinModality">Name of the protein (ADT) modality.</param>
    /// <param name="schema">How perturbations are recorded in the RNA's obs; null for unperturbed cells.</param>
    /// <param name="geneSymbolColumn">RNA var column with gene symbols (e.g. ECCITE's <c>gene_symbol</c> beside <c>hg19_CD8A</c>); ignored when absent.</param>
    /// <exception cref="DigitalCellException">A modality is missing, or the modalities share no cell.</exception>
    public static BaseModelSource FromMultimodal(string id, MultiCellDataset data, string rnaModality = "rna", string proteinModality = "prot",
        PerturbationSchema? schema = null, string geneSymbolColumn = "gene_symbol")
    {
        ArgumentNullException.ThrowIfNull(data);
        var rna = data[rnaModality];
        var protein = data[proteinModality];
        var proteinCells = protein.CellNames.ToHashSet(StringComparer.Ordinal);
        var shared = rna.CellNames.Where(proteinCells.Contains).ToArray();
        if (shared.Length == 0) throw new DigitalCellException($"data set '{id}': modalities '{rnaModality}' and '{proteinModality}' share no cell name");
        rna = BySymbol(rna.SelectCells(shared), geneSymbolColumn);
        protein = protein.SelectCells(shared);
        rna = ExpressionScale.EnsureLogNormalized(rna, $"{id} {rnaModality}", out _);
        if (ExpressionScale.LooksLikeCounts(protein.X)) protein = protein.Clr();
        if (schema is null) (rna, schema) = AllControls(rna);
        return new BaseModelSource(id, rna, schema, Protein: protein);
    }

    private static CellDataset BySymbol(CellDataset rna, string column)
    {
        if (!rna.Var.Contains(column)) return rna;
        var symbols = Enumerable.Range(0, rna.GeneCount).Select(rna.Var[column].GetText).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keep = Enumerable.Range(0, rna.GeneCount).Where(i => symbols[i].Length > 0 && seen.Add(symbols[i])).ToArray();
        var kept = rna.SelectGenes(keep);
        return kept.WithVar(new AnnotationTable("var", keep.Select(i => symbols[i]).ToArray()));
    }
}
