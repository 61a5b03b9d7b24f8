using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;

namespace DigitalCell.Cli.Tests;

public class ConvertCommandTests : TempDirectoryTest
{
    [Test]
    public void TenXToParquetAndBackKeepsMatrixAndNames()
    {
        string source = RepoPaths.Data("tenx-v3-small");
        string wide = Path.Combine(Temp, "cells.parquet");
        string back = Path.Combine(Temp, "tenx");

        var first = Dcell.Run("convert", source, wide);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        Assert.That(first.Error, Does.Contain("cannot hold var columns gene_ids, feature_types"), "what Parquet drops is said on stderr");
        var second = Dcell.Run("convert", wide, back);
        Assert.That(second.ExitCode, Is.EqualTo(0), second.Error);

        var original = CellDataset.Read(source);
        var roundTripped = CellDataset.Read(back);
        Assert.That(roundTripped.CellNames, Is.EqualTo(original.CellNames));
        Assert.That(roundTripped.GeneNames, Is.EqualTo(original.GeneNames));
        Assert.That(roundTripped.X.ToDense().Values.ToArray(), Is.EqualTo(original.X.ToDense().Values.ToArray()));
    }

    [Test]
    public void TenXToLongParquetIsLossless()
    {
        string output = Path.Combine(Temp, "cells.long.parquet");
        var result = Dcell.Run("convert", RepoPaths.Data("tenx-v3-small"), output);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("1107 cells × 507 genes"));
        Assert.That(CellDataset.Read(output).X.StoredCount, Is.EqualTo(CellDataset.Read(RepoPaths.Data("tenx-v3-small")).X.StoredCount));
    }

    [Test]
    public void UnwritableTargetIsAOneLineError()
    {
        var result = Dcell.Run("convert", RepoPaths.Data("tenx-v3-small"), Path.Combine(Temp, "out.h5"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("can be read but not written"));
    }
}
