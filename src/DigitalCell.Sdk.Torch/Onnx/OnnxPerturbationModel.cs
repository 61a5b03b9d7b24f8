using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.Models;
using DigitalCell.Sdk.Perturbations;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DigitalCell.Sdk.Torch.Onnx;

/// <summary>
/// A perturbation model exported from Python to ONNX and run with ONNX Runtime (no libtorch needed). The directory
/// holds <c>model.onnx</c> with inputs <c>control</c> (cells × genes, float32) and <c>perturbation</c> (cells × targets,
/// multi-hot over the target vocabulary; a combination sets several) and output <c>predicted</c> (cells × genes);
/// <c>model.safetensors</c> with the <c>control_cells</c> to perturb and the <c>genes</c> and <c>targets</c> lists
/// (JSON) in its metadata; and <c>model-card.json</c> with architecture <see cref="ArchitectureName"/>.
/// benchmarks/peers/torch_perturbation_net.py (<c>export-onnx</c>) writes one.
/// </summary>
public sealed class OnnxPerturbationModel : IPerturbationModel, IDisposable
{
    /// <summary>Architecture name in the model card.</summary>
    public const string ArchitectureName = "onnx/perturbation-v1";
    /// <summary>The ONNX graph's file name.</summary>
    public const string GraphFile = "model.onnx";

    private readonly string _directory;
    private readonly InferenceSession _session;
    private readonly float[] _controls;
    private readonly Dictionary<string, int> _targetIndex;

    private OnnxPerturbationModel(string directory, ModelCard card, InferenceSession session, string[] genes, string[] targets, float[] controls)
    {
        (_directory, Card, _session, Genes, Targets, _controls) = (directory, card, session, genes, targets, controls);
        _targetIndex = targets.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public string Name => Card.Name;

    /// <inheritdoc />
    public ModelCard Card { get; }

    /// <inheritdoc />
    public bool IsFitted => true;

    /// <summary>Genes the model reads and predicts, in order.</summary>
    public IReadOnlyList<string> Genes { get; }

    /// <summary>The target vocabulary of the <c>perturbation</c> input.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Loads an exported model directory.</summary>
    public static OnnxPerturbationModel Load(string directory)
    {
        var card = ModelCard.Load(directory);
        if (card.Architecture != ArchitectureName)
            throw new DigitalCellException(Path.Combine(directory, ModelCard.FileName), "architecture", $"architecture '{card.Architecture}' is not '{ArchitectureName}'");
        var graph = Path.Combine(directory, GraphFile);
        if (!File.Exists(graph)) throw new DigitalCellException(directory, null, $"{GraphFile} not found next to the model card");
        var weightsPath = Path.Combine(directory, NeuralPerturbationModel.WeightsFile);
        var file = SafeTensors.Read(weightsPath);
        var genes = ModelFiles.Names(file, weightsPath, "genes");
        var controls = file["control_cells"];
        if (controls.Shape.Length != 2 || controls.Shape[1] != genes.Length)
            throw new DigitalCellException(Path.Combine(directory, NeuralPerturbationModel.WeightsFile), "control_cells", $"shape [{string.Join(", ", controls.Shape)}] does not match {genes.Length} genes");
        InferenceSession session;
        try { session = new InferenceSession(graph); }
        catch (OnnxRuntimeException e) { throw new DigitalCellException(graph, null, $"ONNX Runtime cannot load the graph: {e.Message}", e); }
        foreach (var input in new[] { "control", "perturbation" })
            if (!session.InputMetadata.ContainsKey(input))
            {
                session.Dispose();
                throw new DigitalCellException(graph, input, $"graph has no input '{input}' (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
            }
        return new OnnxPerturbationModel(directory, card, session, genes, ModelFiles.Names(file, weightsPath, "targets"), controls.ToFloats());
    }

    /// <summary>Not supported: exported models are trained (and fine-tuned) where they were built.</summary>
    public void Fit(PerturbationTrainingSet train, IProgress<FitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new DigitalCellException($"model '{Name}' is an ONNX export and cannot be trained here; fine-tune it in Python and export again, or train a NeuralPerturbationModel");

    /// <summary>Mean predicted profile of the stored (or given) control cells under each perturbation; controls give the control mean.</summary>
    public PerturbationPrediction Predict(IReadOnlyList<Perturbation> perturbations, PredictionContext? context = null)
    {
        int g = Genes.Count;
        var controls = ModelFiles.ControlCells(context, _controls, g);
        int cells = controls.Length / g;
        var means = new float[perturbations.Count * g];
        for (int i = 0; i < perturbations.Count; i++)
        {
            var row = means.AsSpan(i * g, g);
            var multiHot = new float[cells * Targets.Count];
            foreach (var target in perturbations[i].Targets)
            {
                if (!_targetIndex.TryGetValue(target, out var t))
                    throw new DigitalCellException($"ONNX model '{Name}' has no embedding for target '{target}' (its vocabulary has {Targets.Count} targets); it cannot predict '{perturbations[i].Label}'");
                for (int c = 0; c < cells; c++) multiHot[c * Targets.Count + t] = 1;
            }
            var source = perturbations[i].IsControl ? controls : Run(controls, multiHot, cells);
            for (int c = 0; c < cells; c++)
                for (int j = 0; j < g; j++) row[j] += source[c * g + j] / cells;
        }
        return new PerturbationPrediction(Name, perturbations, Genes, new DenseCellMatrix(perturbations.Count, g, means));
    }

    private float[] Run(float[] controls, float[] multiHot, int cells)
    {
        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("control", new DenseTensor<float>(controls, [cells, Genes.Count])),
            NamedOnnxValue.CreateFromTensor("perturbation", new DenseTensor<float>(multiHot, [cells, Targets.Count])),
        ]);
        return results.First(r => r.Name == "predicted").AsTensor<float>().ToArray();
    }

    /// <summary>Copies the model's files to <paramref name="directory"/> (atomically).</summary>
    public void Save(string directory) => AtomicFile.WriteDirectory(directory, temp =>
    {
        foreach (var name in new[] { GraphFile, NeuralPerturbationModel.WeightsFile, ModelCard.FileName })
            File.Copy(Path.Combine(_directory, name), Path.Combine(temp, name));
    });

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
