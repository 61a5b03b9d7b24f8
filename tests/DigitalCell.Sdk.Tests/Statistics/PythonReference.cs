using System.Diagnostics;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests.Statistics;

/// <summary>
/// Runs a Python peer script (numpy/scipy/sklearn from Debian, via /usr/bin/python3) that writes independent reference
/// results as raw little-endian arrays into a temporary folder, and reads them back.
/// </summary>
internal sealed class PythonReference
{
    private PythonReference(string directory) => Directory = directory;

    /// <summary>The folder the script wrote into.</summary>
    public string Directory { get; }

    /// <summary>The repository root (the folder holding DigitalCell.Sdk.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("DigitalCell.Sdk.sln not found above the test directory.");
        }
    }

    /// <summary>
    /// Runs <c>Statistics/Peers/<paramref name="script"/></c>, an argument <c>{out}</c> standing for the output folder;
    /// ignores the test when Python or a module is missing (the script exits with 3).
    /// </summary>
    public static PythonReference Run(string script, params string[] args)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Ignore($"{python} is not installed; the Python reference cannot run.");
        var outDir = Path.Combine(Path.GetTempPath(), "dcell-ref-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(RepoRoot, "tests", "DigitalCell.Sdk.Tests", "Statistics", "Peers", script));
        foreach (var a in args) psi.ArgumentList.Add(a == "{out}" ? outDir : a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 3) Assert.Ignore($"Python reference skipped: {stdout.Result.Trim()}");
        if (process.ExitCode != 0) Assert.Fail($"{script} failed ({process.ExitCode}):\n{stderr}");
        return new PythonReference(outDir);
    }

    public double[] Doubles(string name) => Read<double>(name);

    public float[] Floats(string name) => Read<float>(name);

    public int[] Ints(string name) => Read<int>(name);

    public string[] Lines(string name) => File.ReadAllLines(Path.Combine(Directory, name));

    /// <summary>The counts matrix the script read from the h5ad (CSR).</summary>
    public SparseCellMatrix Counts() => Csr("counts_data.f32");

    /// <summary>A CSR matrix with the counts' structure and the values in <paramref name="dataFile"/>.</summary>
    public SparseCellMatrix Csr(string dataFile)
    {
        var shape = Lines("shape.txt").Select(int.Parse).ToArray();
        return new SparseCellMatrix(shape[0], shape[1], Ints("counts_indptr.i32"), Ints("counts_indices.i32"), Floats(dataFile));
    }

    private T[] Read<T>(string name) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(File.ReadAllBytes(Path.Combine(Directory, name))).ToArray();

    /// <summary>Deletes the folder.</summary>
    public void Delete()
    {
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
