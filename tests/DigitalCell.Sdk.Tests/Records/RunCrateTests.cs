using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Registry;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Records;

public class RunCrateTests : TempDirectoryTest
{
    [Test]
    public void A_crate_describes_every_output_with_its_checksum_and_the_run_that_made_it()
    {
        string input = Path.Combine(Temp, "cells.h5ad");
        File.WriteAllText(input, "cells");
        string folder = Directory.CreateDirectory(Path.Combine(Temp, "run", "figures")).Parent!.FullName;
        File.WriteAllText(Path.Combine(folder, "report.json"), "{\"a\": 1}");
        File.WriteAllText(Path.Combine(folder, "figures", "my plot.svg"), "<svg/>");
        var record = ProvenanceRecord.StartCommand("dcell", ["benchmark", "--data", input, "--mirror", "/somewhere/data", "--seed", "3", "--out", folder], seed: 3)
            .WithInput("cells.h5ad", input, "cell_type=B")
            .OnDevice("cuda:0", new Dictionary<string, string> { ["TorchSharp"] = "0.105.0" });

        var saved = RunCrate.Write(folder, record);
        string json = File.ReadAllText(Path.Combine(folder, RunCrate.FileName));

        Assert.That(RecordSchemas.Validate("ro-crate", json), Is.Empty);
        Assert.That(json, Does.Not.Contain(Temp), "no absolute machine path in a shared crate");
        Assert.That(saved.Arguments, Is.EqualTo(new[] { "benchmark", "--data", "cells.h5ad", "--seed", "3", "--out", "run" }), "machine settings (--mirror) are left out");
        var graph = JsonNode.Parse(json)!["@graph"]!.AsArray().Select(n => n!.AsObject()).ToDictionary(n => n["@id"]!.GetValue<string>());
        Assert.That(graph[RunCrate.FileName]["about"]!["@id"]!.GetValue<string>(), Is.EqualTo("./"));
        var parts = graph["./"]["hasPart"]!.AsArray().Select(p => p!["@id"]!.GetValue<string>()).ToArray();
        Assert.That(parts, Is.EquivalentTo(new[] { "figures/my%20plot.svg", "report.json", ProvenanceRecord.FileName }));
        Assert.That(graph["report.json"]["sha256"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData("{\"a\": 1}"u8.ToArray()))));
        Assert.That(graph[ProvenanceRecord.FileName]["sha256"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, ProvenanceRecord.FileName))))));
        var action = graph["#run"];
        Assert.That(action["@type"]!.GetValue<string>(), Is.EqualTo("CreateAction"));
        Assert.That(graph[action["instrument"]!["@id"]!.GetValue<string>()]["availableOnDevice"]!.GetValue<string>(), Is.EqualTo("cuda:0"));
        var inputNode = graph[action["object"]![0]!["@id"]!.GetValue<string>()];
        Assert.That(inputNode["sha256"]!.GetValue<string>(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData("cells"u8.ToArray()))));
        Assert.That(inputNode["description"]!.GetValue<string>(), Does.Contain("cell_type=B"));
        Assert.That(action["result"]!.AsArray().Select(r => r!["@id"]!.GetValue<string>()), Is.EquivalentTo(new[] { "figures/my%20plot.svg", "report.json" }));
        Assert.That(RunCrate.Read(folder).Outputs.Select(o => o.Path), Is.EqualTo(new[] { "figures/my plot.svg", "report.json" }));
        Assert.That(RunCrate.Read(folder).Software.Libraries["TorchSharp"], Is.EqualTo("0.105.0"));
    }

    [Test]
    public void A_crate_needs_an_existing_folder() =>
        Assert.That(() => RunCrate.Write(Path.Combine(Temp, "absent"), ProvenanceRecord.Start("x")),
            Throws.TypeOf<DigitalCellException>().With.Message.Contain("absent"));

    [Test]
    public void Comparison_accepts_differences_within_the_tolerance_and_lists_the_others()
    {
        string a = Directory.CreateDirectory(Path.Combine(Temp, "a")).FullName, b = Directory.CreateDirectory(Path.Combine(Temp, "b")).FullName;
        File.WriteAllText(Path.Combine(a, "report.json"), "{\"provenance\": {\"started\": \"1\"}, \"x\": [1.0, \"NaN\", \"\\u0394\"], \"y\": 2}");
        File.WriteAllText(Path.Combine(b, "report.json"), "{\"provenance\": {\"started\": \"2\"}, \"x\": [1.0000000000001, \"NaN\", \"Δ\"], \"y\": 2.001}");
        File.WriteAllText(Path.Combine(a, "results.csv"), "model,p,mae\ncell-mean,\"A,B\",0.5\n");
        File.WriteAllText(Path.Combine(b, "results.csv"), "model,p,mae\ncell-mean,\"A,B\",0.5000000000000004\n");

        var differences = RunComparison.Compare(a, b, ["report.json", "results.csv"]);

        Assert.That(differences, Is.EqualTo(new[] { "report.json: $.y: expected 2, got 2.001" }));
        Assert.That(RunComparison.Compare(a, b, ["report.json"], new NumberTolerance(Relative: 1e-2)), Is.Empty);
        Assert.That(new NumberTolerance().Same(1e-13, -1e-13), Is.True, "absolute tolerance near zero");
        Assert.That(new NumberTolerance().Same(1e6, 1e6 + 1e-2), Is.False);
    }
}
