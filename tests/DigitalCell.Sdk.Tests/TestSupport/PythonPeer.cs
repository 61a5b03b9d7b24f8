using System.Diagnostics;
using System.Text.Json;

namespace DigitalCell.Sdk.Tests.TestSupport;

/// <summary>
/// Runs the independent Python reference (/usr/bin/python3 with Debian's anndata, h5py, scipy) and returns its JSON
/// output. Tests are ignored, with the reason printed, when the interpreter or a module is missing.
/// </summary>
internal static class PythonPeer
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> (available as sys.argv[1:]) and parses its stdout as JSON.</summary>
    public static JsonElement RunJson(string script, params string[] args)
    {
        var output = Run(script, args);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>Runs <paramref name="script"/> and returns its stdout; fails the test on a non-zero exit.</summary>
    public static string Run(string script, params string[] args)
    {
        if (!File.Exists(Interpreter)) Assert.Ignore($"{Interpreter} is not installed; the Python reference cannot run.");
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            if (stderr.Result.Contains("ModuleNotFoundError", StringComparison.Ordinal))
                Assert.Ignore("Python reference module missing: " + stderr.Result.Trim().Split('\n')[^1]);
            Assert.Fail($"Python reference failed ({process.ExitCode}):\n{stderr.Result}");
        }
        return stdout.Result;
    }
}
