using DigitalCell.Sdk.Tests.TestSupport;
using PureHDF;

namespace DigitalCell.Sdk.Tests.IO.H5ad;

using DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// The memory-mapped numeric path copies exactly what PureHDF reads, for contiguous and B-tree-chunked datasets
/// (partial last chunk, multi-level trees), raw or deflated (gzip, inflated in parallel), and steps aside for other
/// filters, big-endian, wider or corrupt data.
/// </summary>
public class MappedNumericDatasetTests : TempDirectoryTest
{
    [OneTimeSetUp]
    public void RequirePython() => AnndataPeer.RequireAnndata();

    [Test]
    public void LayoutsMatchPureHdfAndTheOthersFallBack()
    {
        string path = Path.Combine(Temp, "numbers.h5");
        AnndataPeer.RunPython("-c", """
            import sys, h5py, numpy as np
            rng = np.random.default_rng(7)
            with h5py.File(sys.argv[1], "w") as f:
                f.create_dataset("contiguous_f4", data=rng.normal(size=1001).astype("<f4"))
                f.create_dataset("contiguous_i4", data=rng.integers(-2**31, 2**31 - 1, 777, dtype="<i4"))
                f.create_dataset("chunked_partial", data=rng.normal(size=1003).astype("<f4"), chunks=(100,))
                f.create_dataset("chunked_deep", data=np.arange(20011, dtype="<i4"), chunks=(7,))  # 2,859 chunks: a multi-level B-tree
                f.create_dataset("one_chunk_larger_than_data", data=np.arange(5, dtype="<i4"), chunks=(5,), maxshape=(None,))
                f.create_dataset("empty", shape=(0,), dtype="<f4")
                f.create_dataset("gzip", data=np.arange(500, dtype="<i4"), chunks=(50,), compression="gzip")
                f.create_dataset("gzip_partial_f4", data=rng.normal(size=100003).astype("<f4"), chunks=(4096,), compression="gzip", compression_opts=9)
                f.create_dataset("gzip_deep", data=rng.integers(0, 50, 20011, dtype="<i4"), chunks=(7,), compression="gzip")
                f.create_dataset("gzip_shuffle", data=np.arange(500, dtype="<i4"), chunks=(50,), compression="gzip", shuffle=True)
                f.create_dataset("lzf", data=np.arange(500, dtype="<i4"), chunks=(50,), compression="lzf")
                f.create_dataset("big_endian", data=np.arange(300, dtype=">i4"))
                f.create_dataset("float64", data=np.arange(300, dtype="<f8"))
                f.create_dataset("matrix", data=np.ones((10, 3), dtype="<f4"))
            """, path);

        using var file = MappedFile.Open(path);
        foreach (var name in new[] { "contiguous_f4", "chunked_partial", "empty", "gzip_partial_f4" })
            Assert.That(file.TryReadNumbers<float>(name), Is.EqualTo(file.Root.Dataset(name).Read<float[]>()), name);
        foreach (var name in new[] { "contiguous_i4", "chunked_deep", "one_chunk_larger_than_data", "gzip", "gzip_deep" })
            Assert.That(file.TryReadNumbers<int>(name), Is.EqualTo(file.Root.Dataset(name).Read<int[]>()), name);
        Assert.That(file.TryReadNumbers<int>("chunked_deep")![20010], Is.EqualTo(20010));

        Assert.That(file.TryReadNumbers<int>("gzip_shuffle"), Is.Null, "shuffle before deflate is PureHDF's");
        Assert.That(file.TryReadNumbers<int>("lzf"), Is.Null, "filters other than deflate are PureHDF's");
        Assert.That(file.TryReadNumbers<int>("big_endian"), Is.Null, "big-endian numbers are PureHDF's");
        Assert.That(file.TryReadNumbers<float>("float64"), Is.Null, "a float64 dataset is never copied as float32");
        Assert.That(file.TryReadNumbers<float>("matrix"), Is.Null, "only one-dimensional datasets");
    }

    [Test]
    public void AnndataSparseXTakesTheFastPathAndLoadsLikeAnndata()
    {
        string path = Path.Combine(Temp, "sparse.h5ad");
        AnndataPeer.RunPython("-c", """
            import sys, anndata, numpy as np, scipy.sparse as sp
            x = sp.random(3000, 400, density=0.05, format="csr", dtype=np.float32, random_state=3)
            anndata.AnnData(x).write_h5ad(sys.argv[1])
            """, path);

        using (var file = MappedFile.Open(path))
        {
            Assert.That(file.Root.Dataset("/X/data").Layout.Class, Is.EqualTo(H5DataLayoutClass.Chunked), "anndata chunks X even uncompressed");
            Assert.That(file.TryReadNumbers<float>("/X/data"), Is.EqualTo(file.Root.Dataset("/X/data").Read<float[]>()));
            Assert.That(file.TryReadNumbers<int>("/X/indices"), Is.EqualTo(file.Root.Dataset("/X/indices").Read<int[]>()));
            Assert.That(file.TryReadNumbers<int>("/X/indptr"), Is.EqualTo(file.Root.Dataset("/X/indptr").Read<int[]>()));
        }
        AnndataPeer.AssertSame(H5adFile.Read(path), AnndataPeer.Read(path));
    }

    [Test]
    public void ACorruptChunkTreeFallsBackToPureHdfWhichReportsIt()
    {
        string path = Path.Combine(Temp, "tree.h5");
        AnndataPeer.RunPython("-c", """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.create_dataset("values", data=np.arange(1000, dtype="<i4"), chunks=(10,))
            """, path);
        var bytes = File.ReadAllBytes(path);
        // Node type 1 is the chunk index; type 0 (the root group's) is left intact.
        var chunkNodes = MappedFile.SignatureOffsets(bytes, "TREE").Where(at => bytes[at + 4] == 1).ToList();
        foreach (int at in chunkNodes) bytes[at] = (byte)'X';
        Assert.That(chunkNodes, Is.Not.Empty);
        File.WriteAllBytes(path, bytes);

        using var file = MappedFile.Open(path);
        var values = file.Root.Dataset("values");
        Assert.That(file.TryReadNumbers<int>(values), Is.Null);
        Assert.That(() => values.Read<int[]>(), Throws.Exception.With.Message.Contains("TREE"), "PureHDF then reports the broken node");
    }

    [Test]
    public void ACorruptDeflatedChunkFallsBackToPureHdfWhichReportsIt()
    {
        string path = Path.Combine(Temp, "gzip.h5");
        AnndataPeer.RunPython("-c", """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "w") as f:
                f.create_dataset("values", data=np.arange(100000, dtype="<i4") % 97, chunks=(10000,), compression="gzip")
            """, path);
        using (var intact = MappedFile.Open(path))
            Assert.That(intact.TryReadNumbers<int>("values"), Is.EqualTo(Enumerable.Range(0, 100000).Select(i => i % 97).ToArray()));
        var bytes = File.ReadAllBytes(path);
        // A zlib stream starts 0x78 then a byte naming the level (0x01, 0x5e, 0x9c, 0xda); break the deflate data after the last chunk's header.
        int zlib = Enumerable.Range(0, bytes.Length - 1).Last(i => bytes[i] == 0x78 && bytes[i + 1] is 0x01 or 0x5e or 0x9c or 0xda);
        for (int i = zlib + 2; i < zlib + 40; i++) bytes[i] ^= 0x5a;
        File.WriteAllBytes(path, bytes);

        using var file = MappedFile.Open(path);
        var values = file.Root.Dataset("values");
        Assert.That(file.TryReadNumbers<int>(values), Is.Null, "a chunk that does not inflate to exactly its size leaves the fast path");
        Assert.That(() => values.Read<int[]>(), Throws.Exception, "PureHDF then reports the broken chunk");
    }
}
