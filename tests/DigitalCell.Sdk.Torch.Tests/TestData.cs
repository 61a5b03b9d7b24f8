using System.Diagnostics;
using System.Text.Json;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Sdk.Torch.Tests;

/// <summary>Locates the repository and runs the Python peers; loads the Papalexi subset once per test run.</summary>
internal static class TestData
{
    private static readonly Lazy<CellDataset> PapalexiData = new(LoadPapalexi);

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("DigitalCell.Sdk.sln not found above the test directory");
        }
    }

    /// <summary>Papalexi THP-1 subset (20,729 cells × 299 genes), log1p(CP10k) as computed by the Python peer.</summary>
    public static CellDataset Papalexi => PapalexiData.Value;

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dcell-torch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs /usr/bin/python3 with a script; ignores the test (with the reason) when a module is missing.</summary>
    public static string Python(string script, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && stderr.Contains("ModuleNotFoundError")) Assert.Ignore($"Python peer unavailable: {stderr.Trim().Split('\n')[^1]}");
        if (p.ExitCode != 0) throw new InvalidOperationException($"python peer {script} failed: {stderr}");
        return stdout.Result;
    }

    private static CellDataset LoadPapalexi()
    {
        var file = Path.Combine(TempDirectory(), "papalexi.safetensors");
        Python(Path.Combine(RepoRoot, "tests/DigitalCell.Sdk.Torch.Tests/peers/papalexi_to_safetensors.py"),
            DigitalCell.Tests.Shared.SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), file);
        var st = SafeTensors.Read(file);
        var x = st["X"];
        var genes = JsonSerializer.Deserialize<string[]>(st.Metadata["genes"])!;
        var labels = JsonSerializer.Deserialize<string[]>(st.Metadata["perturbation"])!;
        var data = CellDataset.FromMatrix(new DenseCellMatrix((int)x.Shape[0], (int)x.Shape[1], x.ToFloats()), null, genes);
        return data.WithObs(data.Obs.With(CategoricalColumn.FromLabels("perturbation", labels))).WithSource("papalexi2021-thp1");
    }
}
