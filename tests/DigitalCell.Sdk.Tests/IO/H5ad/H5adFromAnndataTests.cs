namespace DigitalCell.Sdk.Tests.IO.H5ad;

using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO.H5ad;

/// <summary>
/// Files written by Python anndata 0.8 (generated here by peers/h5ad_make.py: csr/csc/dense X in float32, float64,
/// int32, int64, plain and gzip, every obs/var column kind, layers, obsm, varm, obsp, nested uns) read with the same values.
/// </summary>
[TestFixture]
public class H5adFromAnndataTests
{
    private string _dir = "";
    private Dictionary<string, AnndataPeer.Dump> _dumps = [];

    [OneTimeSetUp]
    public void WriteFilesWithAnndata()
    {
        AnndataPeer.RequireAnndata();
        _dir = Path.Combine(Path.GetTempPath(), "dcell-h5ad-make-" + Guid.NewGuid().ToString("N"));
        AnndataPeer.RunPython(AnndataPeer.PeerScript("h5ad_make.py"), _dir);
        _dumps = AnndataPeer.ReadMany(Directory.GetFiles(_dir, "*.h5ad"));
    }

    [OneTimeTearDown]
    public void Clean()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [TestCase("csr_float32.h5ad"), TestCase("csr_float64_gzip.h5ad"), TestCase("csr_int32_gzip.h5ad"), TestCase("csr_int64.h5ad")]
    [TestCase("csc_float32.h5ad"), TestCase("csc_float64_gzip.h5ad"), TestCase("csc_int32_gzip.h5ad"), TestCase("csc_int64.h5ad")]
    [TestCase("dense_float32.h5ad"), TestCase("dense_float64_gzip.h5ad"), TestCase("dense_int32_gzip.h5ad"), TestCase("dense_int64.h5ad")]
    public void ReadsAnndataFileWithIdenticalValues(string name)
    {
        string path = Path.Combine(_dir, name);
        var data = H5adFile.Read(path);
        AnndataPeer.AssertSame(data, _dumps[path]);
        Assert.That(data.X.IsSparse, Is.EqualTo(!name.StartsWith("dense", StringComparison.Ordinal)));
    }

    [Test]
    public void KeepsColumnKindsAndDtypes()
    {
        var obs = H5adFile.Read(Path.Combine(_dir, "csr_float32.h5ad")).Obs;
        Assert.That(obs["i8"], Is.TypeOf<NumericColumn<sbyte>>());
        Assert.That(obs["u8"], Is.TypeOf<NumericColumn<byte>>());
        Assert.That(obs["f32"], Is.TypeOf<NumericColumn<float>>());
        Assert.That(obs["barcode"], Is.TypeOf<StringColumn>());
        Assert.That(obs["flag"], Is.TypeOf<BooleanColumn>());
        Assert.That(((NumericColumn<long>)obs["nullable_int"]).Missing, Is.Not.Null);
        Assert.That(((BooleanColumn)obs["nullable_bool"]).Missing, Is.Not.Null);
        Assert.That(obs.Categorical("dose").Ordered, Is.True);
        Assert.That(obs.Categorical("dose").Categories, Is.EqualTo(new[] { "low", "mid", "high" }));
    }

    [Test]
    public void CscMatrixFromAnndataRoundTripsThroughOurWriter()
    {
        string source = Path.Combine(_dir, "csc_float64_gzip.h5ad");
        string ours = Path.Combine(_dir, "csc_rewritten.h5ad");
        var data = H5adFile.Read(source);
        H5adFile.Write(data, ours);
        AnndataPeer.AssertSame(data, AnndataPeer.Read(ours));
    }
}
