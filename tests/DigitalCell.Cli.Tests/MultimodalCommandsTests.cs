using System.Text.Json;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

/// <summary><c>dcell inspect</c> and <c>dcell convert</c> on h5mu files, checked by h5py + anndata 0.8 on the Python side.</summary>
public class MultimodalCommandsTests : TempDirectoryTest
{
    private const string Mimitou = "mimitou2019-eccite-pbmc/mimitou2019_eccite_pbmc_control.h5mu";

    // Python's view of an h5mu: each /mod/<name> read by anndata, as mudata reads it.
    private const string ModalityShapes = """
        import sys, json, h5py
        from anndata._io.specs import read_elem
        f = h5py.File(sys.argv[1], 'r')
        print(json.dumps({m: list(read_elem(f['mod'][m]).shape) for m in f['mod']}))
        """;

    // Whether each split-out .h5ad holds the modality's X and var and the shared + modality obs columns.
    private const string SplitMatches = """
        import sys, json, h5py, anndata, numpy as np
        from anndata._io.specs import read_elem
        f = h5py.File(sys.argv[1], 'r'); shared = read_elem(f['obs']); out = {}
        for m in f['mod']:
            mod = read_elem(f['mod'][m]); flat = anndata.read_h5ad(f"{sys.argv[2]}/{m}.h5ad")
            expected_obs = list(shared.columns) + list(mod.obs.columns)
            labels_equal = all((flat.obs[c].astype(str) == shared[c].astype(str)).all() for c in shared.columns)
            out[m] = bool((flat.X != mod.X).nnz == 0 and list(flat.var_names) == list(mod.var_names)
                          and list(flat.obs.columns) == expected_obs and labels_equal and list(flat.obs_names) == list(mod.obs_names))
        print(json.dumps(out))
        """;

    [Test]
    public void InspectListsEveryModalityWithItsShape()
    {
        string path = SharedData.File(Mimitou);
        var result = Dcell.Run("inspect", path);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var json = JsonDocument.Parse(result.Output).RootElement;
        var reference = PythonPeer.RunJson(ModalityShapes, path);
        var modalities = json.GetProperty("modalities");
        Assert.That(modalities.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "rna", "prot", "hto" }), "mod-order");
        foreach (var m in reference.EnumerateObject())
        {
            var shape = m.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.That(modalities.GetProperty(m.Name).GetProperty("n_obs").GetInt32(), Is.EqualTo(shape[0]), m.Name);
            Assert.That(modalities.GetProperty(m.Name).GetProperty("n_vars").GetInt32(), Is.EqualTo(shape[1]), m.Name);
        }
        Assert.That(json.GetProperty("n_obs").GetInt32(), Is.EqualTo(500));
        Assert.That(modalities.GetProperty("prot").GetProperty("X").GetProperty("nnz").GetInt64(), Is.EqualTo(20_005), "PROVENANCE: 20,005 ADT non-zeros");
        Assert.That(json.GetProperty("obs").GetProperty("citefuse_hto").GetString(), Is.EqualTo("categorical"));
    }

    [Test]
    public void ConvertSplitsAnH5muIntoOneH5adPerModality()
    {
        string path = SharedData.File(Mimitou), outDir = Path.Combine(Temp, "split") + Path.DirectorySeparatorChar;
        var result = Dcell.Run("convert", path, outDir);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(Directory.GetFiles(outDir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { Sdk.IO.AtomicFile.OutputMarker, "hto.h5ad", "prot.h5ad", "rna.h5ad" }), "one folder swapped in whole, with its marker");
        var matches = PythonPeer.RunJson(SplitMatches, path, outDir.TrimEnd(Path.DirectorySeparatorChar));
        foreach (var m in matches.EnumerateObject()) Assert.That(m.Value.GetBoolean(), Is.True, m.Name);
    }

    [Test]
    public void ConvertJoinsAFolderOfH5adFilesIntoAnH5mu()
    {
        string split = Path.Combine(Temp, "split"), joined = Path.Combine(Temp, "joined.h5mu");
        Assert.That(Dcell.Run("convert", SharedData.File(Mimitou), split + "/").ExitCode, Is.EqualTo(0));
        var result = Dcell.Run("convert", split, joined);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var shapes = PythonPeer.RunJson(ModalityShapes, joined);
        Assert.That(shapes.EnumerateObject().Select(p => p.Name + ":" + string.Join("x", p.Value.EnumerateArray().Select(e => e.GetInt32()))).Order(),
            Is.EqualTo(new[] { "hto:500x4", "prot:500x49", "rna:500x19521" }));
        var inspect = JsonDocument.Parse(Dcell.Run("inspect", joined).Output).RootElement;
        Assert.That(inspect.GetProperty("modalities").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "hto", "prot", "rna" }), "file-name order");
    }

    [Test]
    public void AnH5muCannotBecomeOneMatrixFile()
    {
        var result = Dcell.Run("convert", SharedData.File(Mimitou), Path.Combine(Temp, "x.h5ad"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Does.StartWith("error: ").And.Contain("several modalities").And.Not.Contain("\n"));
    }
}
