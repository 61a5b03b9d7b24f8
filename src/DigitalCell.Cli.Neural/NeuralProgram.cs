using System.CommandLine;
using DigitalCell.Cli.Neural.Commands;
using DigitalCell.Sdk.Torch;

namespace DigitalCell.Cli.Neural;

/// <summary>
/// The <c>dcell-neural</c> entry point: dcell's whole command tree with the neural commands (<c>train</c>,
/// <c>finetune</c>, <c>predict</c>, <c>pretrain</c>) and neural benchmark models made real. A tool package of its own, so that dcell
/// installs and starts without libtorch and ONNX Runtime; dcell forwards those commands here.
/// </summary>
public static class NeuralProgram
{
    /// <summary>Runs dcell-neural against the real console (Ctrl-C and SIGTERM cancel the command, exit 130 / 143).</summary>
    public static int Main(string[] args) => Program.RunOnConsole(CreateRootCommand(), args);

    /// <summary>Parses and runs <paramref name="args"/> as <see cref="Program.Run(string[], TextWriter, TextWriter)"/> does.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Program.Run(CreateRootCommand(), args, output, error);

    /// <summary>dcell's command tree with the neural extension.</summary>
    public static RootCommand CreateRootCommand() => Program.CreateRootCommand(new NeuralExtension(
        [TrainCommand.Create(), FinetuneCommand.Create(), PredictCommand.Create(), PretrainCommand.Create()],
        NeuralModels.Create));
}
