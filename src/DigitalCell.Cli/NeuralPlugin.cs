namespace DigitalCell.Cli;

/// <summary>
/// dcell's side of the neural plug-in: commands that need a neural model run in <c>dcell-neural</c>
/// (<see cref="ToolPlugin.Neural"/>), a second tool package installed only by those who train.
/// </summary>
internal static class NeuralPlugin
{
    /// <summary>dcell's extension: forwarding stand-ins for the neural commands, and no neural model factory.</summary>
    public static NeuralExtension Forwarding { get; } = new(
    [
        ToolPlugin.Neural.Forward("train", "Train a neural perturbation model (TorchSharp; CUDA when available) and save it as safetensors + model card."),
        ToolPlugin.Neural.Forward("finetune", "Fine-tune a saved neural model on new data; new genes/compounds get new embeddings."),
        ToolPlugin.Neural.Forward("predict", "Predict mean expression profiles for perturbations with a saved model."),
        ToolPlugin.Neural.Forward("pretrain", "Pretrain the digital-cell base model on catalog data sets and fine-tune it (reproduces the shipped dcell-base-tiny); writes a zoo model folder."),
    ], CreateModel: null);

    /// <summary>True for the benchmark model specs that need the plug-in: <c>neural</c>, <c>neural:DIR</c> and the base model <c>dcell-base-SIZE</c>.</summary>
    public static bool IsNeuralSpec(string spec) => spec.Trim() is "neural" || spec.Trim().StartsWith("neural:", StringComparison.Ordinal)
        || spec.Trim().StartsWith("dcell-base-", StringComparison.Ordinal);
}
