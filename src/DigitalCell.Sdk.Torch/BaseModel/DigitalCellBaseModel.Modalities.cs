using System.Text.Json;
using DigitalCell.Sdk.Models;
using static TorchSharp.torch;

namespace DigitalCell.Sdk.Torch.BaseModel;

/// <summary>A prediction of each perturbation's mean RNA profile and, when the model predicts it, its mean protein profile.</summary>
/// <param name="Rna">Mean log-expression over the model's gene panel (what <see cref="DigitalCellBaseModel.Predict"/> returns).</param>
/// <param name="Protein">Mean CLR protein over the training set's markers (the prediction's genes are marker names); null when the model was not trained with the training set's protein.</param>
public sealed record ModalityPrediction(PerturbationPrediction Rna, PerturbationPrediction? Protein);

public sealed partial class DigitalCellBaseModel
{
    /// <summary>The protein vocabulary: every marker with a token (from the pretraining sources' and the training set's protein); empty for an RNA-only model.</summary>
    public IReadOnlyList<string> ProteinVocabulary => Fitted.State.Protein?.Markers ?? [];

    /// <summary>The protein markers predicted (the training set's), in order; empty when the training set measured no protein.</summary>
    public IReadOnlyList<string> ProteinPanel => Fitted.State.Protein?.Panel ?? [];

    /// <summary>The protein side of a fitted model: the marker vocabulary, the training set's markers, and the kept controls' protein (row-aligned with the kept cells).</summary>
    private sealed record ProteinState(string[] Markers, string[] Panel, float[] Controls)
    {
        public const string ControlsTensor = "control_protein";

        /// <summary>Adds the protein metadata and returns the kept controls' protein tensor (none when the training set measured no protein).</summary>
        public IEnumerable<SafeTensor> Save(Dictionary<string, string> metadata, int controlCells)
        {
            metadata["protein_markers"] = JsonSerializer.Serialize(Markers);
            metadata["protein_panel"] = JsonSerializer.Serialize(Panel);
            return Panel.Length == 0 ? [] : [SafeTensor.FromFloats(ControlsTensor, [controlCells, Panel.Length], Controls)];
        }

        /// <summary>The protein state of a saved model; null for an RNA-only one.</summary>
        public static ProteinState? Load(SafeTensorFile file, string path)
        {
            if (!file.Metadata.ContainsKey("protein_markers")) return null;
            var panel = ModelFiles.Names(file, path, "protein_panel");
            var controls = panel.Length == 0 ? [] : file.Tensors.TryGetValue(ControlsTensor, out var t) ? t.ToFloats()
                : throw new DigitalCellException(path, ControlsTensor, "tensor missing: the model predicts protein but keeps no control protein");
            return new ProteinState(ModelFiles.Names(file, path, "protein_markers"), panel, controls);
        }
    }

    /// <summary>Gives the network protein tokens for the corpus's markers; a note for the card, null when no data set measures protein.</summary>
    private string? AddProteinTokens(BaseNetwork network, PerturbationCorpus corpus, IReadOnlyList<BaseModelSource> pretraining)
    {
        if (corpus.Markers.Count == 0) return null;
        int mapped = network.AddProteinTokens(corpus.Markers, corpus.Genes, Options.Seed);
        var withProtein = pretraining.Where(s => s.Protein is not null).Select(s => s.Id).ToList();
        if (Options.TrainingProtein is not null) withProtein.Add("the training set");
        return $"protein tokens for {corpus.Markers.Count} markers ({mapped} started from their encoding gene's token) from {string.Join(", ", withProtein)}; " +
               (Options.TrainingProtein is null ? "the training set has no protein, so no protein perturbation effects are predicted"
                   : "perturbation effects on protein learned from the training set's protein");
    }

    /// <summary>The controls' protein as network input: the kept controls' measured protein, or imputed from the RNA for control cells the caller gave.</summary>
    private static ProteinInput ControlProtein(BaseNetwork network, ProteinState protein, Tensor cells, Tensor panel, bool keptControls,
        Func<float[], int, float[]> sets, int chunks, List<string> notes)
    {
        var markers = network.Index(protein.Panel.Select(m => (long)Array.IndexOf(protein.Markers, m)).ToArray());
        if (keptControls) return new ProteinInput(tensor(sets(protein.Controls, protein.Panel.Length), [chunks, cells.shape[1], protein.Panel.Length], device: network.Device), markers);
        notes.Add("the given control cells have no protein: their protein is imputed from their RNA by the cross-modal head before perturbing.");
        return new ProteinInput(network.ImputedProtein(network.EncodeCells(cells, panel, null), markers), markers);
    }
}
