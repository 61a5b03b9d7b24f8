using System.Diagnostics;

namespace DigitalCell.Benchmarks;

/// <summary>What every benchmark needs: the repository, the Python peer, medians and the machine's load.</summary>
internal static class BenchmarkSupport
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Runs a Python peer script with arguments and returns its stdout; fails on a non-zero exit.</summary>
    public static string RunPython(params string[] args) => RunProcess(Python, args);

    /// <summary>
    /// Runs this benchmark program again in a new process (a hidden subcommand) and returns its stdout, so our side
    /// can be timed in separate processes exactly like a Python peer.
    /// </summary>
    public static string RunSelf(params string[] args) => RunSelf(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="RunSelf(string[])"/>, with extra environment variables (such as GC settings) for that child only.</summary>
    public static string RunSelf(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        bool viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        return RunProcess(host, viaDotnet ? [System.Reflection.Assembly.GetEntryAssembly()!.Location, .. args] : args, environment);
    }

    private static string RunProcess(string program, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.Environment["PYTHONWARNINGS"] = "ignore";
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(program)} {Path.GetFileName(args[0])} failed ({process.ExitCode}).");
        return output;
    }

    /// <summary>benchmarks/peers in the repository.</summary>
    public static string PeersDirectory => Path.Combine(FindRepoRoot(), "benchmarks", "peers");

    public static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DigitalCell.Sdk.sln not found above " + AppContext.BaseDirectory);
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
