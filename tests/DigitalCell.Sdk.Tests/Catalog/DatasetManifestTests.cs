using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Tests.TestSupport;
using static DigitalCell.Sdk.Tests.Catalog.CatalogTestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

public class DatasetManifestTests
{
    private static IEnumerable<string> EntryFiles() =>
        Directory.EnumerateFiles(ManifestDirectory, "*.json").Where(f => Path.GetFileName(f) != "schema.json").Order();

    [Test]
    public void Every_manifest_entry_validates_against_the_schema_file()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "schema.json")));
        var validator = new JsonSchemaValidator(schema.RootElement);
        foreach (string file in EntryFiles())
        {
            using var entry = JsonDocument.Parse(File.ReadAllText(file));
            Assert.That(validator.Validate(entry.RootElement), Is.Empty, Path.GetFileName(file));
        }
    }

    [Test]
    public void Python_jsonschema_agrees_every_entry_is_valid()
    {
        string output = PythonPeer.Run("""
            import json, sys, glob, os
            from jsonschema import Draft202012Validator
            d = sys.argv[1]
            schema = json.load(open(os.path.join(d, "schema.json")))
            Draft202012Validator.check_schema(schema)
            v = Draft202012Validator(schema)
            bad = 0
            for f in sorted(glob.glob(os.path.join(d, "*.json"))):
                if f.endswith("schema.json"): continue
                for e in v.iter_errors(json.load(open(f))):
                    bad += 1; print(os.path.basename(f), list(e.path), e.message)
            print("checked", bad)
            """, ManifestDirectory);
        Assert.That(output.Trim(), Is.EqualTo("checked 0"));
    }

    private static readonly (string Name, Action<JsonObject> Break)[] Mutations =
    [
        ("missing licence", e => e.Remove("license")),
        ("unknown field", e => e["licence"] = "MIT"),
        ("id with capitals", e => e["id"] = "Norman2019"),
        ("bad checksum", e => e["files"]![0]!["sha256"] = "ABC"),
        ("http url", e => e["files"]![0]!["url"] = "http://example.org/x.h5ad"),
        ("unknown kind", e => e["perturbationKind"] = "RNAi"),
        ("no control label", e => e["schema"]!["controlLabels"] = new JsonArray()),
        ("year as text", e => e["citation"]!["year"] = "2019"),
        ("file name with folder", e => e["files"]![0]!["name"] = "../escape.h5ad"),
        ("negative size", e => e["files"]![0]!["size"] = -1),
        ("year far ahead", e => e["citation"]!["year"] = 99_999_999_999),
    ];

    /// <summary>Numbers JSON Schema calls integers but a 64-bit reader cannot hold (issue 12: they ended in `internal error`).</summary>
    [TestCase("$.files[0].size", "1e30")]
    [TestCase("$.files[0].size", "-9223372036854775809")]
    [TestCase("$.files[0].size", "18446744073709551616")]
    [TestCase("$.files[0].size", "1.5")]
    [TestCase("$.files[0].size", "-1")]
    [TestCase("$.citation.year", "4294967296")]
    [TestCase("$.citation.year", "1e300")]
    public void A_number_out_of_range_names_the_file_and_the_field(string field, string number)
    {
        string json = File.ReadAllText(Path.Combine(ManifestDirectory, "norman2019.json"));
        var entry = JsonNode.Parse(json)!.AsObject();
        string marker = "\"__number__\"";
        if (field == "$.citation.year") entry["citation"]!["year"] = "__number__";
        else entry["files"]![0]!["size"] = "__number__";

        var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.Parse(entry.ToJsonString().Replace(marker, number), "fuzz.json"));

        Assert.That(error!.FilePath, Is.EqualTo("fuzz.json"));
        Assert.That(error.Element, Is.EqualTo(field));
        Assert.That(error.Message, Does.Contain(number));
    }

    [TestCase("$.title", "\u001b[2J\u001b]0;pwned\u0007")]
    [TestCase("$.citation.authors[0]", "A.\u202eevil")]
    public void A_string_with_terminal_escapes_is_refused(string field, string text)
    {
        var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "norman2019.json")))!.AsObject();
        if (field == "$.title") entry["title"] = text;
        else entry["citation"]!["authors"]![0] = text;

        var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.Parse(entry.ToJsonString(), "escapes.json"));

        Assert.That(error!.Element, Is.EqualTo(field));
        Assert.That(error.Message, Does.Contain("control or format character"));
    }

    [TestCase("../../outside.h5ad")]
    [TestCase("bundle/../../outside.h5ad")]
    [TestCase("./train.h5")]
    [TestCase("bundle//train.h5")]
    [TestCase("/etc/passwd")]
    public void A_load_path_leaving_the_archive_is_refused(string load)
    {
        var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "vcc2025-h1.json")))!.AsObject();
        entry["files"]![0]!["load"] = load;

        var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.Parse(entry.ToJsonString(), "evil.json"));

        Assert.That(error!.FilePath, Is.EqualTo("evil.json"));
        Assert.That(error.Element, Is.EqualTo("$.files[0].load"));
    }

    [Test]
    public void Our_validator_and_python_jsonschema_reject_the_same_broken_entries()
    {
        string dir = RepoPaths.NewTempDirectory();
        try
        {
            var valid = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "norman2019.json")))!.AsObject();
            using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "schema.json")));
            var validator = new JsonSchemaValidator(schema.RootElement);
            var ours = new List<string>();
            for (int i = 0; i < Mutations.Length; i++)
            {
                var broken = valid.DeepClone().AsObject();
                Mutations[i].Break(broken);
                File.WriteAllText(Path.Combine(dir, $"m{i}.json"), broken.ToJsonString());
                using var doc = JsonDocument.Parse(broken.ToJsonString());
                ours.Add(validator.Validate(doc.RootElement).Count > 0 ? "invalid" : "valid");
            }
            string output = PythonPeer.Run($$"""
                import json, sys, os
                from jsonschema import Draft202012Validator
                v = Draft202012Validator(json.load(open(sys.argv[1])))
                for i in range({{Mutations.Length}}):
                    print("invalid" if list(v.iter_errors(json.load(open(os.path.join(sys.argv[2], f"m{i}.json"))))) else "valid")
                """, Path.Combine(ManifestDirectory, "schema.json"), dir);
            Assert.That(ours, Is.All.EqualTo("invalid"), string.Join(", ", Mutations.Select(m => m.Name)));
            Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(ours));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void A_bad_entry_is_rejected_with_the_file_and_the_field()
    {
        string dir = RepoPaths.NewTempDirectory();
        try
        {
            string path = Path.Combine(dir, "broken.json");
            var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestDirectory, "norman2019.json")))!.AsObject();
            entry["id"] = "broken";
            entry["files"]![0]!["sha256"] = "not-a-hash";
            File.WriteAllText(path, entry.ToJsonString());

            var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.LoadFile(path));

            Assert.That(error!.FilePath, Is.EqualTo(path));
            Assert.That(error.Element, Is.EqualTo("$.files[0].sha256"));
            Assert.That(error.Message, Does.Contain("not-a-hash").And.Contain("^[0-9a-f]{64}$"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_id_must_equal_the_file_name()
    {
        string dir = RepoPaths.NewTempDirectory();
        try
        {
            WriteEntry(dir, "fixture", "a.h5ad", "h5ad", null, null);
            File.Move(Path.Combine(dir, "fixture.json"), Path.Combine(dir, "renamed.json"));
            var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.LoadDirectory(dir));
            Assert.That(error!.Element, Is.EqualTo("$.id"));
            Assert.That(error.Message, Does.Contain("renamed.json"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void An_embedded_resource_is_no_longer_a_source()
    {
        string json = File.ReadAllText(Path.Combine(ManifestDirectory, "norman2019.json"))
            .Replace("\"size\": null", "\"size\": null, \"resource\": \"DigitalCell.Sdk.Embedded.x.h5ad\"");
        var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.Parse(json, "inline.json"));
        Assert.That(error!.Element, Is.EqualTo("$.files[0].resource"));
    }

    [Test]
    public void A_file_without_a_public_url_is_mirror_only()
    {
        var entry = DatasetManifest.Embedded.Single(e => e.Id == "papalexi2021-thp1-subset");
        Assert.That(entry.PrimaryFile.Url, Is.Null);
        Assert.That(entry.PrimaryFile.Sha256, Is.Not.Null, "a mirror file is verified against a known checksum");
    }

    [Test]
    public void Invalid_json_names_the_line()
    {
        var error = Assert.Throws<DigitalCellException>(() => DatasetManifest.Parse("{\n  \"id\": \"x\",\n  oops\n}", "inline.json"));
        Assert.That(error!.Message, Does.StartWith("inline.json: line 3: not valid JSON"));
    }

    [Test]
    public void The_embedded_manifests_are_the_repository_files()
    {
        var fromRepository = DatasetManifest.LoadDirectory(ManifestDirectory);
        Assert.That(DatasetManifest.Embedded.Select(e => e.Id), Is.EqualTo(fromRepository.Select(e => e.Id)));
        Assert.That(DatasetManifest.SchemaJson, Is.EqualTo(File.ReadAllText(Path.Combine(ManifestDirectory, "schema.json"))));
        for (int i = 0; i < fromRepository.Count; i++)
            Assert.That(DatasetManifest.Embedded[i] with { ManifestPath = "" }, Is.EqualTo(fromRepository[i] with { ManifestPath = "" }).Using<DatasetEntry>(SameJson));
    }

    private static bool SameJson(DatasetEntry a, DatasetEntry b) => JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);

    [TestCase("norman2019", "CRISPRa", "_")]
    [TestCase("replogle2022-k562-essential", "CRISPRi", null)]
    [TestCase("replogle2022-rpe1", "CRISPRi", null)]
    [TestCase("adamson2016", "CRISPRi", "_")]
    [TestCase("dixit2016", "CRISPRko", "_")]
    [TestCase("papalexi2021", "CRISPRko", null)]
    [TestCase("sciplex3", "compound", null)]
    [TestCase("tahoe100m", "compound", null)]
    [TestCase("vcc2025-h1", "CRISPRi", null)]
    [TestCase("cellxgene-aida-pbmc", "none", null)]
    public void The_field_benchmarks_are_catalogued_with_https_sources(string id, string kind, string? delimiter)
    {
        var entry = DatasetManifest.Embedded.Single(e => e.Id == id);
        Assert.That(entry.PerturbationKind, Is.EqualTo(kind));
        Assert.That(entry.Schema.CombinationDelimiter, Is.EqualTo(delimiter));
        Assert.That(entry.Files.SelectMany(f => f.Locations), Is.Not.Empty.And.All.StartsWith("https://"));
        Assert.That(entry.Citation.Doi, Does.StartWith("10."));
        // Checksums of remote files are never guessed: unknown ones stay null and are pinned on first download.
        Assert.That(entry.Files.Select(f => f.Sha256), Is.All.Null);
    }
}
