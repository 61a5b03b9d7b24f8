using DigitalCell.Sdk.Tests.IO.H5ad;
using DigitalCell.Sdk.Tests.TestSupport;
using H5adFile = DigitalCell.Sdk.IO.H5ad.H5adFile;
using H5muFile = DigitalCell.Sdk.IO.H5mu.H5muFile;

namespace DigitalCell.Sdk.Tests.IO.H5mu;

/// <summary>A damaged h5mu file fails with one DigitalCellException naming the file and the element, never a crash.</summary>
[TestFixture]
public class H5muMalformedFileTests : TempDirectoryTest
{
    /// <summary>Writes a valid file, lets h5py damage it with <paramref name="python"/> (the open file is <c>f</c>), returns its path.</summary>
    private string Damaged(string python)
    {
        string path = Path.Combine(Temp, "damaged.h5mu");
        H5muFile.Write(H5muInteropTests.TwoModalities(), path);
        AnndataPeer.RequireAnndata();
        AnndataPeer.RunPython("-c", $"import h5py, numpy as np\nf = h5py.File({Quoted(path)}, 'r+')\n{python}\nf.close()");
        return path;
    }

    private static string Quoted(string path) => "'" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static DigitalCellException Fails(string path)
    {
        var error = Assert.Throws<DigitalCellException>(() => H5muFile.Read(path))!;
        Assert.That(error.Message, Does.StartWith(path), "the message names the file");
        Assert.That(error.Message, Does.Not.Contain("\n"), "one line");
        var backed = Assert.Throws<DigitalCellException>(() => H5muFile.OpenBacked(path).Dispose())!;
        Assert.That(backed.Message, Does.StartWith(path));
        return error;
    }

    [Test]
    public void SharedFeaturesAxisIsRefusedByName()
    {
        var error = Fails(Damaged("f.attrs['axis'] = 1"));
        Assert.That(error.Element, Is.EqualTo("/"));
        Assert.That(error.Problem, Does.Contain("axis = 1").And.Contain("only axis = 0"));
    }

    [Test]
    public void MissingModGroupIsNamed()
    {
        var error = Fails(Damaged("del f['mod']"));
        Assert.That(error.Element, Is.EqualTo("/mod"));
        Assert.That(error.Problem, Does.Contain("missing"));
    }

    [Test]
    public void ObsmapOfTheWrongLengthIsNamed()
    {
        var error = Fails(Damaged("del f['obsmap/prot']\nf['obsmap/prot'] = np.arange(1, 6, dtype=np.uint32)"));
        Assert.That(error.Element, Is.EqualTo("/obsmap/prot"));
        Assert.That(error.Problem, Does.Contain("5 entries").And.Contain("23 rows"));
    }

    [Test]
    public void ObsmapPointingPastTheModalityIsNamed()
    {
        var error = Fails(Damaged("m = f['obsmap/prot'][...]\nm[m.argmax()] = 99\nf['obsmap/prot'][...] = m"));
        Assert.That(error.Problem, Does.Contain("obsmap 'prot'").And.Contain("99").And.Contain("outside 0..17"));
    }

    [Test]
    public void BrokenModalityMatrixIsNamedWithItsFullPath()
    {
        var error = Fails(Damaged("ip = f['mod/rna/X/indptr'][:-3]\ndel f['mod/rna/X/indptr']\nf['mod/rna/X/indptr'] = ip"));
        Assert.That(error.Element, Is.EqualTo("/mod/rna/X/indptr"));
    }

    [Test]
    public void ModalityObsDisagreeingWithItsMatrixIsNamed()
    {
        var error = Assert.Throws<DigitalCellException>(() => H5muFile.Read(Damaged(
            "o = f['mod/prot/obs']\nidx = o['_index'].asstr()[:-1]\ndel o['_index']\n" +
            "o.create_dataset('_index', data=idx, dtype=h5py.string_dtype())\n" +
            "o['_index'].attrs['encoding-type'] = 'string-array'\no['_index'].attrs['encoding-version'] = '0.2.0'\n" +
            "del o['n_counts']\no.attrs['column-order'] = np.array([], dtype=h5py.string_dtype())")))!;
        Assert.That(error.Element, Does.StartWith("/mod/prot/obs"));
    }

    [Test]
    public void AnH5adFileIsToldApart()
    {
        string path = Path.Combine(Temp, "single.h5ad");
        H5adFile.Write(H5adToAnndataTests.Everything(), path);
        var error = Fails(path);
        Assert.That(error.Problem, Does.Contain("AnnData (.h5ad) file, not MuData"));
    }

    [Test]
    public void TruncatedFileSaysSo()
    {
        string path = Path.Combine(Temp, "cut.h5mu");
        H5muFile.Write(H5muInteropTests.TwoModalities(), path);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length / 2);
        Assert.That(Fails(path).Problem, Does.Contain("truncated"));
    }
}
