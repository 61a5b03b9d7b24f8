namespace DigitalCell.Cli.Tests;

public class ErrorHandlingTests : TempDirectoryTest
{
    [Test]
    public void MalformedFileGivesOneErrorLineAndExitCode1()
    {
        File.WriteAllText(Path.Combine(Temp, "matrix.mtx"), "%%MatrixMarket matrix coordinate integer general\n2 1 1\n7 1 3\n");
        File.WriteAllText(Path.Combine(Temp, "features.tsv"), "E1\tA\tGene Expression\nE2\tB\tGene Expression\n");
        File.WriteAllText(Path.Combine(Temp, "barcodes.tsv"), "AAA-1\n");

        var result = Dcell.Run("inspect", Temp);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Is.Empty);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), result.Error);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain("matrix.mtx").And.Contain("line 3").And.Contain("row (gene) index 7"));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void MissingFileIsAnErrorNotACrash()
    {
        var result = Dcell.Run("inspect", Path.Combine(Temp, "absent.h5"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Does.StartWith("error: ").And.Contain("absent.h5"));
    }

    [Test]
    public void UnknownExtensionListsTheSupportedFormats()
    {
        string path = Path.Combine(Temp, "cells.csv");
        File.WriteAllText(path, "a,b\n");
        var result = Dcell.Run("inspect", path);
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain(".h5ad").And.Contain(".parquet").And.Contain("10x"));
    }

    [Test]
    public void DebugVariablePrintsTheStackTrace()
    {
        Environment.SetEnvironmentVariable("DCELL_DEBUG", "1");
        try
        {
            var result = Dcell.Run("inspect", Path.Combine(Temp, "absent.h5"));
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Error, Does.StartWith("error: ").And.Contain("DigitalCellException").And.Contain("   at "));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DCELL_DEBUG", null);
        }
    }

    [Test]
    public void UnknownCommandIsAUsageErrorWithExitCode2()
    {
        var result = Dcell.Run("frobnicate");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith("error: ").And.Contain("frobnicate"));
    }

    [Test]
    public void MissingArgumentIsAUsageError()
    {
        var result = Dcell.Run("convert", "only-one");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("error: "));
    }

    [Test]
    public void HelpListsTheCommands()
    {
        var result = Dcell.Run("--help");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        Assert.That(result.Output, Does.Contain("inspect").And.Contain("convert"));
    }
}
