using System.CommandLine;
using System.Diagnostics;
using DigitalCell.Sdk;

namespace DigitalCell.Cli;

/// <summary>
/// dcell's side of the neural plug-in: commands that need a neural model run in <c>dcell-neural</c>, a second tool
/// package (TorchSharp + libtorch + ONNX Runtime, several hundred MB) installed only by those who train. dcell finds
/// it beside itself (same tool folder, or the same build output) or on PATH, runs it with the same arguments and
/// streams its output; without it, one line says how to install it. Nothing neural is loaded in dcell's process.
/// </summary>
internal static class NeuralPlugin
{
    /// <summary>The plug-in's command name.</summary>
    public const string ToolCommand = "dcell-neural";

    /// <summary>The plug-in's tool package.</summary>
    public const string PackageId = "DigitalCell.Cli.Neural";

    /// <summary>dcell's extension: forwarding stand-ins for the neural commands, and no neural model factory.</summary>
    public static NeuralExtension Forwarding { get; } = new(
    [
        Forward("train", "Train a neural perturbation model (TorchSharp; CUDA when available) and save it as safetensors + model card."),
        Forward("finetune", "Fine-tune a saved neural model on new data; new genes/compounds get new embeddings."),
        Forward("predict", "Predict mean expression profiles for perturbations with a saved model."),
    ], CreateModel: null);

    /// <summary>True for the benchmark model specs that need the plug-in: <c>neural</c> and <c>neural:DIR</c>.</summary>
    public static bool IsNeuralSpec(string spec) => spec.Trim() is "neural" || spec.Trim().StartsWith("neural:", StringComparison.Ordinal);

    private static Command Forward(string name, string description)
    {
        var command = new Command(name, $"{description} Runs {ToolCommand}, the neural plug-in ({PackageId}).") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((parse, cancellationToken) => RunAsync([name, .. parse.UnmatchedTokens], parse.InvocationConfiguration, cancellationToken));
        return command;
    }

    /// <summary>Runs <c>dcell-neural</c> with <paramref name="args"/>, its output going where dcell's goes; returns its exit code.</summary>
    /// <exception cref="DigitalCellException">The plug-in is not installed (the message says how to install it).</exception>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var start = Locate() ?? throw new DigitalCellException(
            $"`dcell {args[0]}` needs the neural plug-in, which is not installed: dotnet tool install --global {PackageId} --prerelease " +
            "(add --add-source artifacts/packages for a local build; it brings TorchSharp, libtorch and ONNX Runtime)");
        foreach (string a in args) start.ArgumentList.Add(a);
        // On the real console the plug-in inherits it (progress bars, colours); captured writers get its streams copied.
        bool inherit = ReferenceEquals(console.Output, Console.Out) && ReferenceEquals(console.Error, Console.Error);
        start.RedirectStandardOutput = start.RedirectStandardError = !inherit;
        using var process = Process.Start(start) ?? throw new DigitalCellException($"could not start {start.FileName}");
        using var kill = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        if (!inherit)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            await console.Output.WriteAsync(await output);
            await console.Error.WriteAsync(await error);
        }
        await process.WaitForExitAsync(CancellationToken.None);
        return process.ExitCode;
    }

    /// <summary>The plug-in beside dcell (the tool shim folder, or the build output holding dcell-neural.dll), else on PATH.</summary>
    private static ProcessStartInfo? Locate()
    {
        string executable = OperatingSystem.IsWindows() ? ToolCommand + ".exe" : ToolCommand;
        var beside = new[] { Path.GetDirectoryName(Environment.ProcessPath), AppContext.BaseDirectory }
            .Where(d => !string.IsNullOrEmpty(d)).Select(d => Path.Combine(d!, executable));
        string? path = Environment.GetEnvironmentVariable("PATH");
        var onPath = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, executable));
        if (beside.Concat(onPath).FirstOrDefault(File.Exists) is { } found) return new ProcessStartInfo(found);
        string dll = Path.Combine(AppContext.BaseDirectory, ToolCommand + ".dll");
        if (!File.Exists(dll)) return null;
        var viaHost = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet");
        viaHost.ArgumentList.Add(dll);
        return viaHost;
    }
}
