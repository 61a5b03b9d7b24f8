using System.Text.Json.Nodes;
using DigitalCell.Sdk.Records;
using DigitalCell.Sdk.Registry;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Cli.Tests;

public class ReproduceCommandTests : TempDirectoryTest
{
    private string BenchmarkWithCrate(out string data)
    {
        data = Path.Combine(Temp, "cells.h5ad");
        File.Copy(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), data);
        string run = Path.Combine(Temp, "run");
        var result = Dcell.Run("benchmark", "--data", data, "--models", "control-mean,cell-mean", "--subset", "perturbation=control,CAV1,CMTM6,CD86,IFNGR1,STAT1,JAK2,IRF1",
            "--bootstrap", "20", "--seed", "1", "--out", run, "--crate");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        return run;
    }

    [Test]
    public void A_benchmark_with_a_crate_reproduces_identically_and_records_its_input()
    {
        string run = BenchmarkWithCrate(out string data);

        var result = Dcell.Run("reproduce", run);

        Assert.That(result.ExitCode, Is.Zero, result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("identical: every number of agg_results.csv, report.json, results.csv, split.json agrees (relative 1E-09, absolute 1E-12)"));
        var record = RunCrate.Read(run);
        Assert.That(record.Inputs.Single().Path, Is.EqualTo("cells.h5ad"), "the path as given, reduced: no machine path");
        Assert.That(record.Inputs.Single().Subset, Is.EqualTo("perturbation=control,CAV1,CMTM6,CD86,IFNGR1,STAT1,JAK2,IRF1"));
        Assert.That(record.Inputs.Single().Sha256, Is.EqualTo(Sdk.IO.Sha256File.Compute(data)));
        Assert.That(record.Seed, Is.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(run, "provenance.json")), Does.Not.Contain(Temp));
        Assert.That(RecordSchemas.Validate("ro-crate", File.ReadAllText(Path.Combine(run, RunCrate.FileName))), Is.Empty);
        var embedded = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "report.json")))!["provenance"]!;
        Assert.That(embedded["inputs"]![0]!["sha256"]!.GetValue<string>(), Is.EqualTo(record.Inputs[0].Sha256), "report.json embeds the same record");
        Assert.That(record.Outputs.Select(o => o.Path), Does.Contain("report.json").And.Contain("results.csv").And.Not.Contain(".dcell-output"));

        var fromReport = Dcell.Run("reproduce", Path.Combine(run, "report.json"));
        Assert.That(fromReport.Output, Does.Contain("identical"), fromReport.Error);
    }

    [Test]
    public void A_changed_number_is_listed_and_a_changed_input_is_refused_by_name()
    {
        string run = BenchmarkWithCrate(out string data);
        string results = Path.Combine(run, "results.csv");
        var lines = File.ReadAllLines(results);
        var cells = lines[1].Split(',');
        cells[^1] = "0.123456";
        lines[1] = string.Join(',', cells);
        File.WriteAllLines(results, lines);

        var differs = Dcell.Run("reproduce", run);

        Assert.That(differs.ExitCode, Is.EqualTo(1));
        Assert.That(differs.Output, Does.Contain("differs: 1 value(s)").And.Contain($"results.csv: line 2, column {cells.Length}: expected 0.123456, got"));

        File.AppendAllText(data, "x");
        var refused = Dcell.Run("reproduce", run);

        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Error.Trim(), Does.StartWith("error: ").And.Contain("input 'cells.h5ad' differs from the recorded one").And.Not.Contain("running"));
        Assert.That(refused.Output, Does.Not.Contain("running:"), "checked before anything runs");
    }

    [Test]
    public void Export_writes_records_that_meet_their_schemas_and_lists_the_manual_fields()
    {
        string file = Path.Combine(Temp, "croissant.json");
        var result = Dcell.Run("export", "dataset", "papalexi2021-thp1-subset", "--format", "croissant", "--mirror", SharedData.Mirror, "--cache-dir", Temp, "--out", file);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(RecordSchemas.Validate("croissant", File.ReadAllText(file)), Is.Empty);
        Assert.That(result.Error, Does.Contain("manual: registry accession"));

        var manifestOnly = Dcell.Run("export", "dataset", "norman2019", "--format", "datacite", "--cache-dir", Temp);
        Assert.That(manifestOnly.ExitCode, Is.Zero, manifestOnly.Error);
        Assert.That(RecordSchemas.Validate("datacite", manifestOnly.Output), Is.Empty);
        Assert.That(manifestOnly.Error, Does.Contain("manual: sha256 of NormanWeissman2019_filtered.h5ad"));

        string cells = Path.Combine(Temp, "cells.h5ad");
        File.Copy(SharedData.File("papalexi2021-thp1/papalexi2021_thp1_eccite_subset.h5ad"), cells);
        var outside = Dcell.Run("export", "dataset", cells, "--format", "schema-org");
        Assert.That(outside.ExitCode, Is.Zero, outside.Error);
        Assert.That(RecordSchemas.Validate("schema-org", outside.Output), Is.Empty);
        Assert.That(outside.Output, Does.Contain("20729 cells × 299 genes").And.Not.Contain(Temp));
        Assert.That(outside.Error, Does.Contain("manual: title, description, creators, citation and DOI").And.Contain("manual: licence"));

        var unknown = Dcell.Run("export", "dataset", "norman2019", "--format", "dcat", "--cache-dir", Temp);
        Assert.That(unknown.Error.Trim(), Is.EqualTo("error: --format: 'dcat' is not one of croissant, datacite, schema-org."));
    }

    [Test]
    public void The_shipped_base_model_exports_a_model_card_and_croissant_that_meet_their_schemas()
    {
        string model = Path.Combine(SharedData.RepositoryRoot, "models", "dcell-base-tiny");
        foreach (string format in new[] { "model-card", "croissant" })
        {
            var result = Dcell.Run("export", "model", model, "--format", format);
            Assert.That(result.ExitCode, Is.Zero, result.Error);
            Assert.That(RecordSchemas.Validate(format, result.Output), Is.Empty, format);
            Assert.That(result.Output, Does.Contain("dcell-base-tiny").And.Contain("kang2018-pbmc-ifnb").And.Not.Contain(SharedData.RepositoryRoot), format);
            Assert.That(result.Error, Does.Contain("manual: registry accession"), format);
        }
    }
}
