using System.CommandLine;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Cli;

/// <summary>
/// What needs a neural backend (TorchSharp, libtorch, ONNX Runtime): the commands <c>train</c>, <c>finetune</c>,
/// <c>predict</c>, <c>pretrain</c> and the benchmark's (and the demo's) neural models. dcell itself carries none of it and forwards those to the
/// <c>dcell-neural</c> plug-in tool (<see cref="NeuralPlugin"/>); dcell-neural builds the same tree with the real ones.
/// </summary>
/// <param name="Commands">The neural commands to register.</param>
/// <param name="CreateModel">Makes a benchmark model from a spec (<c>neural</c>, <c>neural:DIR</c> or a baseline name);
/// null when neural specs must be forwarded to the plug-in.</param>
public sealed record NeuralExtension(IReadOnlyList<Command> Commands, Func<string, IPerturbationModel>? CreateModel);
