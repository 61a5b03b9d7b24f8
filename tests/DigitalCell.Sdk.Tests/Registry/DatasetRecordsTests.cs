using System.Text.Json;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Catalog;
using DigitalCell.Sdk.Registry;
using DigitalCell.Sdk.Tests.TestSupport;
using DigitalCell.Tests.Shared;

namespace DigitalCell.Sdk.Tests.Registry;

public class DatasetRecordsTests : TempDirectoryTest
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Test]
    public void Every_catalog_entry_exports_records_that_meet_their_schemas_with_counts_from_the_mirror()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { Mirror = SharedData.Mirror, CacheDirectory = Temp });
        var withData = new List<string>();
        foreach (var entry in catalog.Entries)
        {
            var checksums = entry.Files.Where(f => catalog.ExpectedSha256(entry.Id, f.Name) is not null)
                .ToDictionary(f => f.Name, f => catalog.ExpectedSha256(entry.Id, f.Name)!);
            DatasetContents? contents = null;
            if (entry.PrimaryFile.Format == "h5ad" && catalog.LocalPath(entry.Id, entry.PrimaryFile.Name) is string local)
            {
                contents = DatasetContents.Read(local, entry.Schema.PerturbationColumn);
                // Independent reference: anndata (Debian's python3-anndata) opened backed.
                var peer = PythonPeer.RunJson("import sys, json, anndata; a = anndata.read_h5ad(sys.argv[1], backed='r'); " +
                                              "print(json.dumps({'shape': list(a.shape), 'obs': list(a.obs.columns), 'var': list(a.var.columns)}))", local);
                Assert.That(contents.Cells, Is.EqualTo(peer.GetProperty("shape")[0].GetInt32()), entry.Id);
                Assert.That(contents.Genes, Is.EqualTo(peer.GetProperty("shape")[1].GetInt32()), entry.Id);
                Assert.That(contents.Obs.Select(c => c.Name), Is.EquivalentTo(peer.GetProperty("obs").EnumerateArray().Select(e => e.GetString())), entry.Id);
                Assert.That(contents.Var.Select(c => c.Name), Is.EquivalentTo(peer.GetProperty("var").EnumerateArray().Select(e => e.GetString())), entry.Id);
                withData.Add(entry.Id);
            }
            foreach (var (format, record) in new[]
                     {
                         ("croissant", DatasetRecords.Croissant(entry, contents, checksums)), ("schema-org", DatasetRecords.SchemaOrg(entry, contents, checksums)),
                         ("datacite", DatasetRecords.DataCite(entry, contents, checksums)),
                     })
            {
                string json = record.ToJsonString(Indented);
                Assert.That(RecordSchemas.Validate(format, json), Is.Empty, $"{entry.Id} as {format}:\n{json}");
                Assert.That(json, Does.Not.Contain(SharedData.Mirror).And.Not.Contain(Temp), "no machine path in a registry record");
            }
            var croissant = DatasetRecords.Croissant(entry, contents, checksums);
            foreach (var file in croissant["distribution"]!.AsArray())
            {
                string name = file!["name"]!.GetValue<string>();
                Assert.That(file["sha256"]?.GetValue<string>(), Is.EqualTo(checksums.GetValueOrDefault(name)), $"{entry.Id}/{name}: the manifest's or pinned checksum, never an invented one");
            }
            Assert.That(croissant["url"]!.GetValue<string>(), Is.EqualTo($"https://doi.org/{entry.Citation.Doi}"));
            Assert.That(DatasetRecords.DataCite(entry, contents, checksums)["relatedIdentifiers"]![0]!["relatedIdentifier"]!.GetValue<string>(), Is.EqualTo(entry.Citation.Doi));
            if (entry.Files.Any(f => !checksums.ContainsKey(f.Name)))
                Assert.That(DatasetRecords.ManualFields(entry, checksums), Has.Some.Contain("sha256 of"), entry.Id);
        }
        Assert.That(withData, Does.Contain("papalexi2021-thp1-subset"), "the mirror's data sets are described from their cells");
    }

    [Test]
    public void The_papalexi_subset_record_names_its_cells_genes_columns_and_citation()
    {
        var catalog = new DatasetCatalog(new CatalogOptions { Mirror = SharedData.Mirror, CacheDirectory = Temp });
        var entry = catalog.Get("papalexi2021-thp1-subset");
        var contents = DatasetContents.Read(catalog.LocalPath(entry.Id, entry.PrimaryFile.Name)!, entry.Schema.PerturbationColumn);

        var croissant = DatasetRecords.Croissant(entry, contents);
        var schemaOrg = DatasetRecords.SchemaOrg(entry, contents);
        var datacite = DatasetRecords.DataCite(entry, contents);

        Assert.That(contents.Cells, Is.EqualTo(20_729), "the manifest's description says 20,729 cells");
        Assert.That(contents.Genes, Is.EqualTo(299));
        Assert.That(croissant["conformsTo"]!.GetValue<string>(), Is.EqualTo("http://mlcommons.org/croissant/1.0"));
        Assert.That(croissant["distribution"]![0]!["sha256"]!.GetValue<string>(), Is.EqualTo("72e674cf1466dce845721193d20caf859bc4b0123c48fe00b0672d2555c12ef3"));
        var obsFields = croissant["recordSet"]![0]!["field"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToArray();
        Assert.That(obsFields, Does.Contain("perturbation"));
        Assert.That(croissant["recordSet"]!.AsArray().Select(r => r!["@id"]!.GetValue<string>()), Is.EqualTo(new[] { "obs", "var", "X" }));
        Assert.That(datacite["sizes"]!.AsArray().Select(s => s!.GetValue<string>()), Is.EqualTo(new[] { "20729 cells", "299 genes", "3306577 bytes" }));
        Assert.That(datacite["rightsList"]![0]!["rightsIdentifier"]!.GetValue<string>(), Is.EqualTo("GPL-3.0-only"));
        var measured = schemaOrg["variableMeasured"]!.AsArray().ToDictionary(v => v!["name"]!.GetValue<string>(), v => v!["value"]!.ToJsonString());
        Assert.That(measured["cells"], Is.EqualTo("20729"));
        Assert.That(measured["perturbation type"], Is.EqualTo("\"CRISPRko\""));
        Assert.That(measured["organism"], Is.EqualTo("\"Homo sapiens\""));
    }

    [Test]
    public void A_record_missing_a_required_field_fails_its_schema()
    {
        var entry = new DatasetCatalog(new CatalogOptions { CacheDirectory = Temp }).Get("norman2019");
        var croissant = DatasetRecords.Croissant(entry);
        croissant.Remove("conformsTo");
        croissant["distribution"]![0]!.AsObject()["sha256"] = "not-a-checksum";

        var problems = RecordSchemas.Validate("croissant", croissant.ToJsonString());

        Assert.That(problems, Has.Some.Contain("$.conformsTo: required field is missing"));
        Assert.That(problems, Has.Some.Contain("$.distribution[0].sha256"));
    }
}
