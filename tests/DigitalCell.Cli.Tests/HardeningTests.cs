using System.Diagnostics;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

/// <summary>Regression tests of issue 12: bad options, '@' values, terminal escapes, user folders, signals and kill -9.</summary>
public class HardeningTests : TempDirectoryTest
{
    private static string Papalexi => SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");

    [TestCase("train", "--hidden", "-1")]
    [TestCase("train", "--latent", "-4")]
    [TestCase("train", "--steps", "0")]
    [TestCase("train", "--checkpoint-every", "0")]
    [TestCase("train", "--learning-rate", "NaN")]
    [TestCase("benchmark", "--bootstrap", "-1")]
    [TestCase("benchmark", "--bootstrap", "2000000000")]
    [TestCase("score", "--bootstrap", "-1")]
    public void OutOfRangeOptionIsAUsageErrorNamingIt(string command, string option, string value)
    {
        string[] args = command switch
        {
            "train" => ["train", "data.h5ad", "--out", Path.Combine(Temp, "m"), option, value],
            "score" => ["score", "--real", "r.h5ad", "--pred", "p.h5ad", "--out", Path.Combine(Temp, "s"), option, value],
            _ => ["benchmark", "--out", Path.Combine(Temp, "b"), option, value],
        };
        var output = new StringWriter();
        var error = new StringWriter();
        // train lives in the dcell-neural plug-in; its tree is dcell's with the neural commands made real.
        int code = command == "train" ? DigitalCell.Cli.Neural.NeuralProgram.Run(args, output, error) : Program.Run(args, output, error);
        var r = new Dcell.Result(code, output.ToString(), error.ToString());
        Assert.That(r.ExitCode, Is.EqualTo(Program.UsageExitCode), r.Error);
        Assert.That(r.Error, Does.StartWith($"error: {option} must be"));
        Assert.That(Directory.GetFileSystemEntries(Temp), Is.Empty);
    }

    [Test]
    public void AtSignStartsAPlainValueNotAResponseFile()
    {
        var r = Dcell.Run("inspect", "@" + Path.Combine(Temp, "missing.h5ad"));
        Assert.That(r.ExitCode, Is.EqualTo(Program.ErrorExitCode), r.Error);
        Assert.That(r.Error, Does.Contain("@" + Path.Combine(Temp, "missing.h5ad")));
    }

    [Test]
    public void TerminalEscapesInMessagesAreNeutralised()
    {
        var r = Dcell.Run("inspect", Path.Combine(Temp, "x\u001b[2J\u001b]0;pwned\u0007\u202e.h5ad"));
        Assert.That(r.ExitCode, Is.EqualTo(Program.ErrorExitCode));
        Assert.That(r.Error.TrimEnd('\n'), Does.Not.Match(@"[\u0000-\u001f\u007f-\u009f\u202e]"));
        Assert.That(r.Error, Does.Contain("x?[2J?]0;pwned??.h5ad"));
    }

    [Test]
    public void ConvertRefusesAFolderHoldingUserFiles()
    {
        File.WriteAllText(Path.Combine(Temp, "notes.txt"), "mine");
        var r = Dcell.Run("convert", Papalexi, Temp);
        Assert.That(r.ExitCode, Is.EqualTo(Program.ErrorExitCode), r.Error);
        Assert.That(r.Error, Does.Contain("'notes.txt', which dcell did not write"));
        Assert.That(Directory.GetFileSystemEntries(Temp).Select(Path.GetFileName), Is.EquivalentTo(new[] { "notes.txt" }));
    }

    /// <summary>Every command that writes a folder refuses one holding a user's file, before reading its input, and says how to override.</summary>
    [TestCase("convert", "missing.h5ad", "{out}")]
    [TestCase("convert", "missing.h5mu", "{out}")]
    [TestCase("preprocess", "missing.h5ad", "{out}")]
    [TestCase("score", "--real", "r.h5ad", "--pred", "p.h5ad", "--out", "{out}")]
    [TestCase("simulate", "--out", "{out}")]
    [TestCase("benchmark", "missing.h5ad", "--out", "{out}")]
    [TestCase("demo", "--output", "{out}")]
    [TestCase("train", "missing.h5ad", "--out", "{out}")]
    [TestCase("finetune", "missing.h5ad", "--from", "model", "--out", "{out}")]
    public void EveryFolderOutputRefusesAFolderItDidNotWriteAndSuggestsForce(params string[] template)
    {
        string folder = Path.Combine(Temp, "out");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");
        string[] args = template.Select(a => a == "{out}" ? folder : a).ToArray();

        var r = RunAnyCommand(args);

        Assert.That(r.ExitCode, Is.EqualTo(Program.ErrorExitCode), r.Error);
        Assert.That(r.Error, Does.StartWith($"error: {folder}: the folder exists and holds 'notes.txt', which dcell did not write").And.Contain("pass --force"));
        Assert.That(r.Error.TrimEnd('\n'), Does.Not.Contain("\n"), "one line");
        Assert.That(Directory.GetFileSystemEntries(Temp).Select(Path.GetFileName), Is.EqualTo(new[] { "out" }), "no temporary or lock left");
        Assert.That(File.ReadAllText(Path.Combine(folder, "notes.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void ForceReplacesTheFolderAndARepeatedRunNeedsNoForce()
    {
        string folder = Path.Combine(Temp, "shards");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "part-00009.h5ad"), "a stale shard of another run");
        string[] args = ["simulate", "--cells", "40", "--genes", "6", "--perturbations", "2", "--contexts", "1", "--shards", "2", "--out", folder];

        Assert.That(Dcell.Run(args).ExitCode, Is.EqualTo(Program.ErrorExitCode));
        var forced = Dcell.Run([.. args, "--force"]);
        Assert.That(forced.ExitCode, Is.EqualTo(0), forced.Error);
        var again = Dcell.Run(args);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);

        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { AtomicFile.OutputMarker, "part-00000.h5ad", "part-00001.h5ad" }));
    }

    [Test]
    public void NanIntoPcaNamesTheFileTheCellAndTheGene()
    {
        string input = Path.Combine(Temp, "nan.h5ad");
        var x = DenseCellMatrix.From(new float[,] { { 1, 2, 3 }, { 4, float.NaN, 6 }, { 7, 8, 9 }, { 1, 0, 2 } });
        CellDataset.FromMatrix(x, ["AAAC-1", "AAAG-1", "AAAT-1", "AACA-1"], ["IFNGR1", "STAT1", "JAK2"]).Write(input);

        var r = Dcell.Run("preprocess", input, Path.Combine(Temp, "out.h5ad"), "--pca", "2");

        Assert.That(r.ExitCode, Is.EqualTo(Program.ErrorExitCode), r.Error);
        Assert.That(r.Error, Is.EqualTo($"error: {input}: PCA: X is NaN at cell 'AAAG-1' (row 1), gene 'STAT1' (column 1); NaN/∞ have no principal components (drop or impute them first).\n"));
        Assert.That(File.Exists(Path.Combine(Temp, "out.h5ad")), Is.False);
    }

    [TestCase("0")]
    [TestCase("-5")]
    public void MaxDownloadSizeMustBePositive(string value)
    {
        var r = Dcell.Run("datasets", "fetch", "norman2019", "--max-download-size", value, "--cache-dir", Temp);
        Assert.That(r.ExitCode, Is.EqualTo(Program.UsageExitCode), r.Error);
        Assert.That(r.Error, Does.StartWith("error: --max-download-size must be at least 1"));
    }

    /// <summary>Every option with a fixed set of values refuses another at the parser (exit 2, nothing read) and lists the valid ones.</summary>
    [TestCase("--hvg-flavor", "Dispersion SeuratV3", "preprocess", "missing.h5ad", "out.h5ad", "--hvg-flavor", "bogus")]
    [TestCase("--layout", "one of h5ad, tahoe, wide, long", "simulate", "--out", "{out}", "--layout", "bogus")]
    [TestCase("--method", "one of wilcoxon, t-test", "de", "missing.h5ad", "--groupby", "g", "--reference", "c", "--out", "x.csv", "--method", "bogus")]
    [TestCase("--convention", "one of scanpy, cell-eval, vcc2025", "de", "missing.h5ad", "--groupby", "g", "--reference", "c", "--out", "x.csv", "--convention", "bogus")]
    [TestCase("--mode", "cell-eval, vcc2025, vcc2026", "score", "--real", "r.h5ad", "--pred", "p.h5ad", "--mode", "bogus")]
    [TestCase("--metrics", "Known: pearson_delta, mse", "score", "--real", "r.h5ad", "--pred", "p.h5ad", "--metrics", "bogus")]
    [TestCase("--figures", "use html, png, svg", "score", "--real", "r.h5ad", "--pred", "p.h5ad", "--figures", "png,gif")]
    [TestCase("--mode", "cell-eval, vcc2025, vcc2026", "benchmark", "missing.h5ad", "--mode", "bogus")]
    [TestCase("--metrics", "Known: pearson_delta, mse", "benchmark", "missing.h5ad", "--metrics", "pearson_delta,bogus")]
    [TestCase("--models", "Known: control-mean, cell-mean", "benchmark", "missing.h5ad", "--models", "cell-mean,bogus")]
    [TestCase("--split", "Use unseen:FRACTION[:VALIDATION], gears", "benchmark", "missing.h5ad", "--split", "bogus:0.2")]
    [TestCase("--split", "'x' is not a number", "benchmark", "missing.h5ad", "--split", "unseen:x")]
    [TestCase("--figures", "use html, png, svg", "benchmark", "missing.h5ad", "--figures", "gif")]
    [TestCase("--device", "use auto, cpu or cuda", "train", "missing.h5ad", "--out", "{out}", "--device", "tpu")]
    [TestCase("--split", "Use unseen:FRACTION[:VALIDATION], gears", "train", "missing.h5ad", "--out", "{out}", "--split", "random")]
    public void AnUnknownValueIsAUsageErrorListingTheValidOnes(string option, string listed, params string[] template)
    {
        string[] args = template.Select(a => a == "{out}" ? Path.Combine(Temp, "out") : a).ToArray();

        var r = RunAnyCommand(args);

        Assert.That(r.ExitCode, Is.EqualTo(Program.UsageExitCode), r.Error);
        Assert.That(r.Error, Does.StartWith("error: ").And.Contain(option).And.Contain(listed));
        Assert.That(r.Error, Does.Contain(args[^1].Split(',')[^1].Split(':')[^1]), "the refused value is quoted");
        Assert.That(Directory.GetFileSystemEntries(Temp), Is.Empty, "refused before any work");
    }

    [Test]
    public void WarningsQuotingFileContentsAreNeutralised()
    {
        // A label from the file reaches the convert warning through the name of a layer the target cannot hold.
        string input = Path.Combine(Temp, "escapes.h5ad");
        var x = DenseCellMatrix.From(new float[,] { { 1, 2 }, { 3, 4 } });
        var data = CellDataset.FromMatrix(x, ["a", "b"], ["g1", "g2"]).WithLayer("raw\u001b[2J\u001b]0;pwned\u0007", x);
        data.Write(input);

        var r = Dcell.Run("convert", input, Path.Combine(Temp, "out.parquet"));

        Assert.That(r.ExitCode, Is.EqualTo(0), r.Error);
        Assert.That(r.Error, Does.Contain("raw?[2J?]0;pwned?"));
        Assert.That(r.Error.Replace("\n", ""), Does.Not.Match(@"[\u0000-\u001f\u007f-\u009f]"));
    }

    private static Dcell.Result RunAnyCommand(string[] args)
    {
        if (args[0] is not ("train" or "finetune")) return Dcell.Run(args);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DigitalCell.Cli.Neural.NeuralProgram.Run(args, output, error);
        return new Dcell.Result(code, output.ToString(), error.ToString());
    }

    [Test]
    public void SigtermStopsTrainingWithExit143AndNoOutput()
    {
        string model = Path.Combine(Temp, "model");
        // A wide network keeps it training for seconds: early stopping on the validation fold ends a small one within ~3 s on an idle machine.
        using var dcell = StartDcell("dcell-neural.dll", "train", Papalexi, "--out", model, "--steps", "1000000", "--hidden", "4096", "--device", "cpu");
        Thread.Sleep(TimeSpan.FromSeconds(3));
        Assert.That(dcell.HasExited, Is.False, "still loading or training");
        var watch = Stopwatch.StartNew();
        Signal(dcell, "TERM");
        Assert.That(dcell.WaitForExit(TimeSpan.FromSeconds(20)), "stopped");
        Assert.That(dcell.ExitCode, Is.EqualTo(143));
        Assert.That(watch.Elapsed, Is.LessThan(Interruption.Grace + TimeSpan.FromSeconds(5)));
        Assert.That(Directory.GetFileSystemEntries(Temp), Is.Empty, "no model folder, temporary or lock");
    }

    [Test]
    public void KillNineDuringADirectoryWriteLeavesTheOldOrTheNewOutputWhole()
    {
        string output = Path.Combine(Temp, "tenx");
        var random = new Random(12);
        for (int attempt = 0; attempt < 4; attempt++)
        {
            using var dcell = StartDcell("dcell.dll", "convert", Papalexi, output);
            Thread.Sleep(random.Next(500, 4000));
            Signal(dcell, "KILL");
            dcell.WaitForExit();
            if (Directory.Exists(output)) AssertWhole(output);
        }
        Assert.That(Dcell.Run("convert", Papalexi, output).ExitCode, Is.EqualTo(0));
        AssertWhole(output);
        Assert.That(Directory.GetFileSystemEntries(Temp).Select(Path.GetFileName), Is.EqualTo(new[] { "tenx" }), "temporaries of killed runs are gone");
    }

    private static void AssertWhole(string output) =>
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { AtomicFile.OutputMarker, "barcodes.tsv.gz", "features.tsv.gz", "matrix.mtx.gz" }));

    private static Process StartDcell(string program, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Signal(Process process, string signal) => Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
}
