using DigitalCell.Sdk.Tests.TestSupport;
using PureHDF;

namespace DigitalCell.Sdk.Tests.IO.H5ad;

using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Tests.Shared;

/// <summary>
/// The fast variable-length string path reads exactly what PureHDF reads, is really taken for the string datasets
/// written by anndata/h5py (contiguous, or chunked and gzip-compressed), and steps aside (returns null) for anything
/// else, including corrupt heaps.
/// </summary>
public class MappedStringDatasetTests : TempDirectoryTest
{
    [OneTimeSetUp]
    public void RequirePython() => AnndataPeer.RequireAnndata();

    [TestCase("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad")]
    [TestCase("norman2019-mcfaline2023-perturbench/perturbench_devel.h5ad")]
    [TestCase("kang2018-pbmc-ifnb/kang2018_pbmc_ifnb_scgen_valid.h5ad")]
    [TestCase("pbmc68k-reduced/pbmc68k_reduced.h5ad")]
    [TestCase("marson-cd4-crispri-cellxgene/small_perturbations.h5ad")]
    public void EveryStringDatasetOfARealFileMatchesPureHdf(string relative)
    {
        // These files are mostly gzip-compressed (chunked): every string dataset, compressed or not, takes the fast path.
        var (taken, all) = CompareAll(SharedData.File(relative));
        Assert.That(taken, Is.EquivalentTo(all));
    }

    [Test]
    public void AnndataIndexesAndCategoriesTakeTheFastPath()
    {
        string path = Path.Combine(Temp, "plain.h5ad");
        AnndataPeer.RunPython("-c", """
            import sys, anndata, numpy as np, pandas as pd
            obs = pd.DataFrame({"perturbation": pd.Categorical(["control", "STAT1", "IRF1"] * 100), "guide": [f"g{i % 7}" for i in range(300)]},
                               index=[f"cell_{i}" for i in range(300)])
            var = pd.DataFrame(index=[f"GENE{j}" for j in range(5)])
            anndata.AnnData(np.ones((300, 5), dtype=np.float32), obs=obs, var=var).write_h5ad(sys.argv[1])
            """, path);

        var (taken, all) = CompareAll(path);

        Assert.That(taken, Is.EquivalentTo(all));
        Assert.That(taken, Is.SupersetOf(new[] { "/obs/_index", "/var/_index", "/obs/perturbation/categories" }));
        var data = H5adFile.Read(path);
        Assert.That(data.Obs.Categorical("perturbation").Categories, Is.EqualTo(new[] { "IRF1", "STAT1", "control" }));
        Assert.That(data.CellNames[299], Is.EqualTo("cell_299"));
    }

    [Test]
    public void EdgeCasesAndChunkedDatasetsMatchPureHdf()
    {
        string path = Path.Combine(Temp, "strings.h5");
        AnndataPeer.RunPython("-c", """
            import sys, h5py
            many = [f"cell_{i}" for i in range(20000)]  # spans several 64 KiB heap collections
            odd = ["", "é", "漢字", "🧬 emoji", "x" * 100000, "", "tab\tand\nnewline", "last"]
            with h5py.File(sys.argv[1], "w") as f:
                f.create_dataset("many", data=many, dtype=h5py.string_dtype())
                f.create_dataset("odd", data=odd, dtype=h5py.string_dtype())
                f.create_dataset("empty", shape=(0,), dtype=h5py.string_dtype())
                f.create_dataset("chunked", data=many[:100], dtype=h5py.string_dtype(), compression="gzip")
                f.create_dataset("chunked_partial", data=odd * 3, dtype=h5py.string_dtype(), chunks=(5,), compression="gzip")
                f.create_dataset("chunked_raw", data=many[:1001], dtype=h5py.string_dtype(), chunks=(100,))
            """, path);

        var (taken, all) = CompareAll(path);

        Assert.That(taken, Is.EquivalentTo(new[] { "/many", "/odd", "/empty", "/chunked", "/chunked_partial", "/chunked_raw" }));
        Assert.That(all, Is.EquivalentTo(taken));
        using var file = MappedFile.Open(path);
        Assert.That(file.TryRead("/odd"), Is.EqualTo(new[] { "", "é", "漢字", "🧬 emoji", new string('x', 100000), "", "tab\tand\nnewline", "last" }));
        Assert.That(file.TryRead("/many")![19999], Is.EqualTo("cell_19999"));
    }

    [Test]
    public void ACorruptHeapCollectionFallsBackToPureHdfWhichReportsTheFile()
    {
        string path = Path.Combine(Temp, "corrupt.h5ad");
        AnndataPeer.RunPython("-c", """
            import sys, anndata, numpy as np, pandas as pd
            obs = pd.DataFrame(index=[f"cell_{i}" for i in range(50)])
            anndata.AnnData(np.ones((50, 3), dtype=np.float32), obs=obs).write_h5ad(sys.argv[1])
            """, path);
        var bytes = File.ReadAllBytes(path);
        var collections = MappedFile.SignatureOffsets(bytes, "GCOL");
        foreach (int at in collections) bytes[at] = (byte)'X'; // break every global heap signature
        Assert.That(collections, Is.Not.Empty, "anndata stores its string indexes in the global heap");
        File.WriteAllBytes(path, bytes);

        using (var file = MappedFile.Open(path))
            Assert.That(file.TryRead("/obs/_index"), Is.Null);
        var error = Assert.Throws<DigitalCellException>(() => H5adFile.Read(path))!;
        Assert.That(error.Message, Does.StartWith(path + ": /").And.Contain("GCOL"), "PureHDF names the broken heap signature");
    }

    /// <summary>
    /// Compares the fast path with PureHDF on every variable-length string dataset of a file; returns the paths the
    /// fast path read and all the paths.
    /// </summary>
    private static (List<string> Taken, List<string> All) CompareAll(string path)
    {
        List<string> taken = [], all = [];
        using var file = MappedFile.Open(path);
        foreach (var (name, dataset) in StringDatasets(file.Root, ""))
        {
            all.Add(name);
            var fast = file.TryRead(dataset);
            if (fast is null) continue;
            taken.Add(name);
            Assert.That(fast, Is.EqualTo(dataset.Read<string[]>()), name);
        }
        return (taken, all);
    }

    private static IEnumerable<(string, IH5Dataset)> StringDatasets(IH5Group group, string path)
    {
        foreach (var child in group.Children())
        {
            string childPath = path + "/" + child.Name;
            if (child is IH5Group g)
                foreach (var found in StringDatasets(g, childPath)) yield return found;
            else if (child is IH5Dataset d && d.Space.Rank == 1 && d.Type.Class is H5DataTypeClass.VariableLength)
                yield return (childPath, d);
        }
    }
}
