using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class ConvertCommandTests : TempDirectoryTest
{
    [Test]
    public void TenXToParquetAndBackKeepsMatrixAndNames()
    {
        string source = SharedData.File("tenx-v3-small");
        var (first, _, back) = ConvertThere("cells.parquet", "tenx", source);
        Assert.That(first.Error, Does.Contain("cannot hold var columns gene_ids, feature_types"), "what Parquet drops is said on stderr");

        var original = CellDataset.Read(source);
        var roundTripped = CellDataset.Read(back);
        Assert.That(roundTripped.CellNames, Is.EqualTo(original.CellNames));
        Assert.That(roundTripped.GeneNames, Is.EqualTo(original.GeneNames));
        Assert.That(roundTripped.X.ToDense().Values.ToArray(), Is.EqualTo(original.X.ToDense().Values.ToArray()));
    }

    [Test]
    public void H5adThroughWideParquetBackToH5adIsTheSameForAnndata()
    {
        string source = SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad");
        var (toParquet, toH5ad, back) = ConvertThere("cells.parquet", "back.h5ad", source);
        Assert.That(toParquet.Error, Does.Contain("uns source"), "Parquet cannot hold uns; said on stderr");
        Assert.That(toH5ad.Error, Is.Empty, "h5ad holds everything");

        // anndata compares the original with what came back: X values, names, and obs columns with their dtypes and categories.
        var check = PythonPeer.RunJson("""
            import sys, json, anndata, numpy as np
            a = anndata.read_h5ad(sys.argv[1]); b = anndata.read_h5ad(sys.argv[2])
            xa = a.X.toarray(); xb = b.X.toarray() if hasattr(b.X, 'toarray') else b.X
            obs = {c: bool(a.obs[c].equals(b.obs[c])) and str(a.obs[c].dtype) == str(b.obs[c].dtype) for c in a.obs.columns}
            cats = {c: list(a.obs[c].cat.categories) == list(b.obs[c].cat.categories) for c in a.obs.columns if str(a.obs[c].dtype) == 'category'}
            print(json.dumps({'x': bool(np.array_equal(xa, xb)), 'obs_names': list(a.obs_names) == list(b.obs_names),
                'var_names': list(a.var_names) == list(b.var_names), 'obs': obs, 'categories': cats, 'columns': list(b.obs.columns) == list(a.obs.columns)}))
            """, source, back);
        Assert.That(check.GetProperty("x").GetBoolean(), Is.True, "X");
        Assert.That(check.GetProperty("obs_names").GetBoolean(), Is.True);
        Assert.That(check.GetProperty("var_names").GetBoolean(), Is.True);
        Assert.That(check.GetProperty("columns").GetBoolean(), Is.True);
        foreach (var column in check.GetProperty("obs").EnumerateObject()) Assert.That(column.Value.GetBoolean(), Is.True, column.Name);
        foreach (var column in check.GetProperty("categories").EnumerateObject()) Assert.That(column.Value.GetBoolean(), Is.True, column.Name);
    }

    [Test]
    public void H5adToTenXSaysWhatIsDropped()
    {
        var result = Dcell.Run("convert", SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), "--out", Path.Combine(Temp, "tenx"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Error, Does.Contain("warning: TenXDirectory cannot hold obs columns grna, target_gene, perturbation"));
        Assert.That(File.Exists(Path.Combine(Temp, "tenx", "matrix.mtx.gz")), Is.True);
    }

    [Test]
    public void TenXToLongParquetIsLossless()
    {
        string output = Path.Combine(Temp, "cells.long.parquet");
        var result = Dcell.Run("convert", SharedData.File("tenx-v3-small"), "-o", output);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("1107 cells × 507 genes"));
        Assert.That(CellDataset.Read(output).X.StoredCount, Is.EqualTo(CellDataset.Read(SharedData.File("tenx-v3-small")).X.StoredCount));
    }

    [Test]
    public void UnwritableTargetIsAOneLineError()
    {
        var result = Dcell.Run("convert", SharedData.File("tenx-v3-small"), Path.Combine(Temp, "out.h5"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("can be read but not written"));
    }

    /// <summary>Converts <paramref name="source"/> to <paramref name="middle"/>, then that to <paramref name="final"/> (both in Temp), asserting success.</summary>
    private (Dcell.Result There, Dcell.Result Back, string Final) ConvertThere(string middle, string final, string source)
    {
        string middlePath = Path.Combine(Temp, middle), finalPath = Path.Combine(Temp, final);
        var there = Dcell.Run("convert", source, middlePath);
        Assert.That(there.ExitCode, Is.EqualTo(0), there.Error);
        var back = Dcell.Run("convert", middlePath, finalPath);
        Assert.That(back.ExitCode, Is.EqualTo(0), back.Error);
        return (there, back, finalPath);
    }
}
