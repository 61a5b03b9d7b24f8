using System.Security.Cryptography;
using System.Text;
using DigitalCell.Sdk.Records;

namespace DigitalCell.Sdk.Tests.Records;

public class ProvenanceRecordTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("provenance-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Round_trips_through_json_and_never_holds_an_absolute_path()
    {
        string input = Path.Combine(_folder, "cells.h5ad");
        File.WriteAllText(input, "abc");
        string outputs = Directory.CreateDirectory(Path.Combine(_folder, "out", "figures")).Parent!.FullName;
        File.WriteAllText(Path.Combine(outputs, "report.json"), "{}");
        File.WriteAllText(Path.Combine(outputs, "figures", "a.svg"), "<svg/>");
        File.WriteAllText(Path.Combine(outputs, ProvenanceRecord.FileName), "old record, not an output");

        var record = ProvenanceRecord.Start("dcell benchmark --data cells.h5ad", new Dictionary<string, string> { ["split"] = "unseen:0.2" }, seed: 7)
            .WithInput("cells.h5ad", input, subset: "cell_type=B")
            .Finish(outputs);
        string json = record.ToJson();
        var back = ProvenanceRecord.FromJson(json);

        Assert.That(json, Does.Not.Contain(_folder), "an absolute machine path leaked into a shareable record");
        Assert.That(json, Does.Not.Contain("\\u002B"));
        Assert.That(back.Inputs.Single(), Is.EqualTo(new InputRecord("cells.h5ad", "cells.h5ad",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("abc"))), "cell_type=B")));
        Assert.That(back.Outputs.Select(o => o.Path), Is.EqualTo(new[] { "figures/a.svg", "report.json" }));
        Assert.That(back.Outputs[1].Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData("{}"u8.ToArray()))));
        Assert.That(back.Parameters["split"], Is.EqualTo("unseen:0.2"));
        Assert.That(back.Seed, Is.EqualTo(7));
        Assert.That(back.Ended, Is.GreaterThanOrEqualTo(back.Started));
        Assert.That(back.Software.SdkVersion, Does.StartWith("0."));
    }

    [Test]
    public void A_folder_input_hashes_like_sha256sum_over_its_sorted_files()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_folder, "10x")).FullName;
        File.WriteAllText(Path.Combine(folder, "matrix.mtx"), "m");
        File.WriteAllText(Path.Combine(folder, "barcodes.tsv"), "b");
        static string Hex(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));
        string expected = Hex($"{Hex("b")}  barcodes.tsv\n{Hex("m")}  matrix.mtx\n");

        Assert.That(InputRecord.Of("pbmc", folder).Sha256, Is.EqualTo(expected));
        Assert.That(InputRecord.Of("pbmc", folder).Path, Is.EqualTo("10x"));
    }

    [Test]
    public void A_malformed_record_names_its_source()
    {
        var error = Assert.Throws<DigitalCellException>(() => ProvenanceRecord.FromJson("[1,2]", "crate/provenance.json"));
        Assert.That(error!.Message, Does.Contain("crate/provenance.json"));
    }
}
