using System.CommandLine;
using System.Diagnostics;
using DigitalCell.Sdk;

namespace DigitalCell.Cli;

/// <summary>
/// A plug-in tool that carries heavy native libraries dcell does without: dcell finds it beside itself (same tool
/// folder, or the same build output) or on PATH, runs it with the same arguments and streams its output; without it,
/// one line says how to install it. Nothing of the plug-in is loaded in dcell's process.
/// </summary>
/// <param name="ToolCommand">The plug-in's command name, e.g. <c>dcell-neural</c>.</param>
/// <param name="PackageId">The plug-in's tool package.</param>
/// <param name="Brings">What installing it brings, for the install hint (e.g. <c>TorchSharp, libtorch and ONNX Runtime</c>).</param>
internal sealed record ToolPlugin(string ToolCommand, string PackageId, string Brings)
{
    /// <summary>Training and neural models: TorchSharp, libtorch, ONNX Runtime (several hundred MB).</summary>
    public static ToolPlugin Neural { get; } = new("dcell-neural", "DigitalCell.Cli.Neural", "TorchSharp, libtorch and ONNX Runtime");

    /// <summary>SQL over collections: embedded DuckDB (about 68 MB of native library per platform).</summary>
    public static ToolPlugin Query { get; } = new("dcell-query", "DigitalCell.Cli.Query", "embedded DuckDB");

    /// <summary>A stand-in command that forwards its whole command line to the plug-in.</summary>
    public Command Forward(string name, string description)
    {
        var command = new Command(name, $"{description} Runs {ToolCommand}, a plug-in ({PackageId}).") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((parse, cancellationToken) => RunAsync([name, .. parse.UnmatchedTokens], parse.InvocationConfiguration, cancellationToken));
        return command;
    }

    /// <summary>True when the plug-in is found beside dcell or on PATH.</summary>
    public bool IsInstalled => Locate() is not null;

    /// <summary>How to install the plug-in, for messages.</summary>
    public string InstallHint => $"dotnet tool install --global {PackageId} --prerelease (add --add-source artifacts/packages for a local build; it brings {Brings})";

    /// <summary>Runs the plug-in with <paramref name="args"/>, its output going where dcell's goes; returns its exit code.</summary>
    /// <exception cref="DigitalCellException">The plug-in is not installed (the message says how to install it).</exception>
    public async Task<int> RunAsync(IReadOnlyList<string> args, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var start = Locate() ?? throw new DigitalCellException($"`dcell {args[0]}` needs the {ToolCommand} plug-in, which is not installed: {InstallHint}");
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

    /// <summary>The plug-in beside dcell (the tool shim folder, or the build output holding its dll), else on PATH.</summary>
    private ProcessStartInfo? Locate()
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
