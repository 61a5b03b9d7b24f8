using System.Globalization;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Catalog;

namespace DigitalCell.Sdk.Registry;

/// <summary>
/// Registry records of a data set, from its catalog entry (title, citation, licence, organism, cell context,
/// perturbation kind, files with checksums) and, when the cells are at hand, their contents (cell and gene counts, obs
/// and var columns): MLCommons Croissant 1.0 JSON-LD, schema.org <c>Dataset</c> JSON-LD and DataCite Metadata Schema
/// 4.x JSON. <see cref="ManualFields"/> lists what a registry submission still needs from a person.
/// </summary>
public static class DatasetRecords
{
    /// <summary>The Croissant version the records conform to.</summary>
    public const string CroissantProfile = "http://mlcommons.org/croissant/1.0";

    /// <summary>
    /// The data set as Croissant 1.0 JSON-LD: the Croissant context, <c>sc:Dataset</c> with name, description,
    /// <c>conformsTo</c>, <c>citeAs</c>, creators, licence, URL (the article's DOI), keywords; each file as a
    /// <c>cr:FileObject</c> (URL, format, size, sha256 where known) and record sets <c>obs</c>, <c>var</c> and <c>X</c>.
    /// </summary>
    /// <param name="entry">The catalog entry.</param>
    /// <param name="contents">The cells' counts and columns, or null when the data is not at hand (the record sets then describe the conventions only).</param>
    /// <param name="checksums">Checksums known beyond the manifest (pinned on first use, or hashed locally), by file name.</param>
    public static JsonObject Croissant(DatasetEntry entry, DatasetContents? contents = null, IReadOnlyDictionary<string, string>? checksums = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var data = entry.PrimaryFile;
        var root = new JsonObject
        {
            ["@context"] = CroissantContext(),
            ["@type"] = "sc:Dataset",
            ["@id"] = entry.Id,
            ["name"] = entry.Title,
            ["alternateName"] = entry.Id,
            ["description"] = Description(entry, contents),
            ["conformsTo"] = CroissantProfile,
            ["citeAs"] = Bibtex(entry),
            ["creator"] = Creators(entry, "sc:Person"),
            ["license"] = LicenseUrl(entry.License),
            ["url"] = Url(entry),
            ["datePublished"] = entry.Citation.Year.ToString(CultureInfo.InvariantCulture),
            ["keywords"] = Keywords(entry),
            ["distribution"] = new JsonArray([.. entry.Files.Select(f => (JsonNode)FileObject(f, Sha256(f, checksums)))]),
            ["recordSet"] = new JsonArray(
                RecordSet("obs", $"One record per cell{Count(contents?.Cells, "cells")}: the AnnData obs table (perturbation labels, controls, context, QC).", data.Name, contents?.Obs ?? Conventions(entry), "obs"),
                RecordSet("var", $"One record per gene{Count(contents?.Genes, "genes")}: the AnnData var table (gene symbols as the index).", data.Name, contents?.Var ?? [("gene", "string")], "var"),
                new JsonObject
                {
                    ["@type"] = "cr:RecordSet", ["@id"] = "X", ["name"] = "X",
                    ["description"] = $"The expression matrix, cells × genes{Count(contents?.Cells, "cells")}{Count(contents?.Genes, "genes")}, as stored in the AnnData X (read as float32).",
                    ["field"] = new JsonArray(Field("X", "expression", "sc:Float", "Expression of one gene in one cell (raw counts or normalised values, as the file states).", data.Name, "X")),
                }),
        };
        if (entry.Files.FirstOrDefault(f => f.Url is not null)?.Url is string download) root["sameAs"] = download;
        return root;
    }

    /// <summary>The data set as schema.org <c>Dataset</c> JSON-LD (what web search engines and many registries harvest).</summary>
    /// <inheritdoc cref="Croissant" path="/param"/>
    public static JsonObject SchemaOrg(DatasetEntry entry, DatasetContents? contents = null, IReadOnlyDictionary<string, string>? checksums = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var measured = new JsonArray(
            Property("organism", entry.Organism), Property("cell context", entry.CellContext), Property("perturbation type", entry.PerturbationKind),
            Property("assay", Assay(entry)));
        if (contents is not null)
        {
            measured.Add(Property("cells", contents.Cells));
            measured.Add(Property("genes", contents.Genes));
            if (contents.Perturbations is int p) measured.Add(Property("perturbation labels (controls included)", p));
            measured.Add(Property("obs columns", string.Join(", ", contents.Obs.Select(c => $"{c.Name} ({c.Type})"))));
            measured.Add(Property("var columns", string.Join(", ", contents.Var.Select(c => $"{c.Name} ({c.Type})"))));
        }
        measured.Add(Property("X", "expression matrix, cells × genes"));
        return new JsonObject
        {
            ["@context"] = "https://schema.org/",
            ["@type"] = "Dataset",
            ["@id"] = Url(entry),
            ["name"] = entry.Title,
            ["description"] = Description(entry, contents),
            ["identifier"] = entry.Id,
            ["url"] = Url(entry),
            ["license"] = LicenseUrl(entry.License),
            ["creator"] = Creators(entry, "Person"),
            ["citation"] = new JsonObject
            {
                ["@type"] = "ScholarlyArticle", ["name"] = entry.Citation.Title, ["identifier"] = $"doi:{entry.Citation.Doi}",
                ["url"] = Url(entry), ["datePublished"] = entry.Citation.Year.ToString(CultureInfo.InvariantCulture), ["isPartOf"] = entry.Citation.Journal,
            },
            ["keywords"] = Keywords(entry),
            ["measurementTechnique"] = Assay(entry),
            ["variableMeasured"] = measured,
            ["distribution"] = new JsonArray([.. entry.Files.Select(f =>
            {
                var download = new JsonObject
                {
                    ["@type"] = "DataDownload", ["name"] = f.Name, ["encodingFormat"] = MediaType(f.Format),
                    ["contentUrl"] = f.Url ?? f.Name,
                };
                if (f.Size is long size) download["contentSize"] = $"{size} B";
                if (Sha256(f, checksums) is string sha) download["sha256"] = sha;
                return (JsonNode)download;
            })]),
        };
    }

    /// <summary>
    /// The data set as DataCite Metadata Schema 4.x JSON (the attributes of a DataCite REST API <c>dois</c> resource):
    /// identifiers, creators, titles, publisher, publicationYear, types, subjects, rightsList, descriptions, sizes,
    /// formats and the article as a related identifier. The data set's own DOI is minted by the registry (manual).
    /// </summary>
    /// <inheritdoc cref="Croissant" path="/param"/>
    public static JsonObject DataCite(DatasetEntry entry, DatasetContents? contents = null, IReadOnlyDictionary<string, string>? checksums = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sizes = new JsonArray();
        if (contents is not null)
        {
            sizes.Add($"{contents.Cells} cells");
            sizes.Add($"{contents.Genes} genes");
        }
        if (entry.TotalSize is long bytes) sizes.Add($"{bytes} bytes");
        var descriptions = new JsonArray(new JsonObject { ["description"] = entry.Description, ["descriptionType"] = "Abstract" });
        descriptions.Add(new JsonObject { ["description"] = TechnicalInfo(entry, contents, checksums), ["descriptionType"] = "TechnicalInfo" });
        if (entry.Via is not null) descriptions.Add(new JsonObject { ["description"] = $"Distributed via {entry.Via}", ["descriptionType"] = "Other" });
        return new JsonObject
        {
            ["identifiers"] = new JsonArray(new JsonObject
            {
                ["identifier"] = entry.Files.FirstOrDefault(f => f.Url is not null)?.Url ?? $"digitalcell-catalog:{entry.Id}",
                ["identifierType"] = entry.Files.Any(f => f.Url is not null) ? "URL" : "Other",
            }),
            ["creators"] = new JsonArray([.. entry.Citation.Authors.Where(a => a != "et al.").Select(a => (JsonNode)new JsonObject { ["name"] = a, ["nameType"] = "Personal" })]),
            ["titles"] = new JsonArray(new JsonObject { ["title"] = entry.Title }),
            ["publisher"] = new JsonObject { ["name"] = Publisher(entry) },
            ["publicationYear"] = entry.Citation.Year.ToString(CultureInfo.InvariantCulture),
            ["types"] = new JsonObject { ["resourceTypeGeneral"] = "Dataset", ["resourceType"] = $"single-cell perturbation data ({entry.PerturbationKind})" },
            ["subjects"] = new JsonArray([.. Keywords(entry).Select(k => (JsonNode)new JsonObject { ["subject"] = k!.GetValue<string>() })]),
            ["rightsList"] = new JsonArray([.. Licences(entry.License).Select(l => (JsonNode)new JsonObject
            {
                ["rights"] = l, ["rightsUri"] = LicenseUrl(l), ["rightsIdentifier"] = l, ["rightsIdentifierScheme"] = "SPDX",
            })]),
            ["descriptions"] = descriptions,
            ["sizes"] = sizes,
            ["formats"] = new JsonArray([.. entry.Files.Select(f => f.Format).Distinct().Select(f => (JsonNode)MediaType(f))]),
            ["relatedIdentifiers"] = new JsonArray(new JsonObject
            {
                ["relatedIdentifier"] = entry.Citation.Doi, ["relatedIdentifierType"] = "DOI", ["relationType"] = "IsSupplementTo",
            }),
            ["schemaVersion"] = "http://datacite.org/schema/kernel-4",
        };
    }

    /// <summary>
    /// The fields a K-BDS (data station) or K-BDI submission needs that no record here can fill: the registry's own
    /// accession and DOI, the depositor and contact, ethics and consent, ontology terms, funding; plus, per entry, an
    /// unknown licence and files whose checksum is not yet known.
    /// </summary>
    public static IReadOnlyList<string> ManualFields(DatasetEntry entry, IReadOnlyDictionary<string, string>? checksums = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var manual = new List<string>
        {
            "registry accession and the data set's own DOI (minted by K-BDS / DataCite on submission)",
            "depositor, contact person and institution (K-BDS submitter account)",
            "ethics approval / consent statement and access level (open or controlled) for human-derived cells",
            "ontology terms: assay (EFO), cell line or cell type (CLO / CL), organism (NCBITaxon)",
            "funding references (grant numbers of the programme)",
        };
        if (entry.ManifestPath.StartsWith(FileManifestPrefix, StringComparison.Ordinal))
            manual.Add("title, description, creators, citation and DOI, organism, cell context and perturbation type: placeholders for a file outside the catalog; add a manifest entry (datasets-manifest/README.md) and export it by id");
        if (entry.License == "unknown") manual.Add("licence: the source states none; ask the authors before registering");
        foreach (var f in entry.Files.Where(f => Sha256(f, checksums) is null))
            manual.Add($"sha256 of {f.Name}: unknown until fetched once (`dcell datasets fetch {entry.Id}` pins it)");
        return manual;
    }

    /// <summary>A catalog-like entry for a file outside the catalog, so <c>dcell export dataset x.h5ad</c> has a record to fill; title, citation and licence are placeholders (see <see cref="ManualFields"/>).</summary>
    /// <param name="fileName">The file's name (never a machine path).</param>
    /// <param name="format">Its format (<c>h5ad</c>, <c>parquet</c>, …).</param>
    /// <param name="size">Its size in bytes.</param>
    /// <param name="sha256">Its SHA-256.</param>
    /// <param name="perturbationColumn">The obs column with perturbation labels, when known.</param>
    public static DatasetEntry EntryForFile(string fileName, string format, long size, string sha256, string perturbationColumn = "perturbation") => new(
        Path.GetFileNameWithoutExtension(fileName), fileName,
        $"Cells read from {fileName}; replace this description with what the cells are before registering.",
        new DatasetCitation(["unknown"], DateTime.UtcNow.Year, "unpublished", "unpublished", ""), null, "unknown", null, "unknown", "unknown",
        "transcriptome", "none",
        [new DatasetFile(fileName, format, "data", null, [], sha256, size, null)],
        new DatasetSchemaMapping(perturbationColumn, ["control"], null, null, null, null, null), FileManifestPrefix + fileName);

    // Marks entries made by EntryForFile, whose descriptive fields are placeholders.
    private const string FileManifestPrefix = "file:";

    /// <summary>The Croissant 1.0 JSON-LD context (as in the specification's examples).</summary>
    internal static JsonObject CroissantContext() => new()
    {
        ["@language"] = "en",
        ["@vocab"] = "https://schema.org/",
        ["citeAs"] = "cr:citeAs",
        ["column"] = "cr:column",
        ["conformsTo"] = "dct:conformsTo",
        ["cr"] = "http://mlcommons.org/croissant/",
        ["rai"] = "http://mlcommons.org/croissant/RAI/",
        ["data"] = new JsonObject { ["@id"] = "cr:data", ["@type"] = "@json" },
        ["dataType"] = new JsonObject { ["@id"] = "cr:dataType", ["@type"] = "@vocab" },
        ["dct"] = "http://purl.org/dc/terms/",
        ["examples"] = new JsonObject { ["@id"] = "cr:examples", ["@type"] = "@json" },
        ["extract"] = "cr:extract",
        ["field"] = "cr:field",
        ["fileProperty"] = "cr:fileProperty",
        ["fileObject"] = "cr:fileObject",
        ["fileSet"] = "cr:fileSet",
        ["format"] = "cr:format",
        ["includes"] = "cr:includes",
        ["isLiveDataset"] = "cr:isLiveDataset",
        ["jsonPath"] = "cr:jsonPath",
        ["key"] = "cr:key",
        ["md5"] = "cr:md5",
        ["parentField"] = "cr:parentField",
        ["path"] = "cr:path",
        ["recordSet"] = "cr:recordSet",
        ["references"] = "cr:references",
        ["regex"] = "cr:regex",
        ["repeated"] = "cr:repeated",
        ["replace"] = "cr:replace",
        ["sc"] = "https://schema.org/",
        ["separator"] = "cr:separator",
        ["source"] = "cr:source",
        ["subField"] = "cr:subField",
        ["transform"] = "cr:transform",
    };

    private static JsonObject FileObject(DatasetFile file, string? sha256)
    {
        var node = new JsonObject
        {
            ["@type"] = "cr:FileObject", ["@id"] = file.Name, ["name"] = file.Name,
            ["description"] = file.Role == "data" ? "The cells (AnnData or tables)." : "Side table.",
            ["contentUrl"] = file.Url ?? file.Name, ["encodingFormat"] = MediaType(file.Format),
        };
        if (file.Size is long size) node["contentSize"] = $"{size} B";
        if (sha256 is not null) node["sha256"] = sha256;
        return node;
    }

    private static JsonObject RecordSet(string id, string description, string file, IReadOnlyList<(string Name, string Type)> columns, string group) => new()
    {
        ["@type"] = "cr:RecordSet", ["@id"] = id, ["name"] = id, ["description"] = description,
        ["field"] = new JsonArray([.. columns.Select(c => (JsonNode)Field($"{id}/{c.Name}", c.Name, DataType(c.Type), $"{group} column '{c.Name}' ({c.Type})", file, $"{group}/{c.Name}"))]),
    };

    private static JsonObject Field(string id, string name, string dataType, string description, string file, string column) => new()
    {
        ["@type"] = "cr:Field", ["@id"] = id, ["name"] = name, ["description"] = description, ["dataType"] = dataType,
        ["source"] = new JsonObject { ["fileObject"] = new JsonObject { ["@id"] = file }, ["extract"] = new JsonObject { ["column"] = column } },
    };

    // What every catalog data set holds after the catalog maps it (DatasetSchemaApplication), when the cells are not at hand.
    private static IReadOnlyList<(string Name, string Type)> Conventions(DatasetEntry entry) =>
        [(entry.Schema.PerturbationColumn, "categorical"), .. new[] { entry.Schema.ContextColumn, entry.Schema.DoseColumn, entry.Schema.TimeColumn }.OfType<string>().Select(c => (c, "categorical"))];

    private static string DataType(string type) => type.Replace("nullable-", "", StringComparison.Ordinal) switch
    {
        "bool" => "sc:Boolean",
        "float32" or "float64" => "sc:Float",
        var t when t.StartsWith("int", StringComparison.Ordinal) || t.StartsWith("uint", StringComparison.Ordinal) => "sc:Integer",
        _ => "sc:Text",
    };

    private static JsonObject Property(string name, string value) => new() { ["@type"] = "PropertyValue", ["name"] = name, ["value"] = value };

    private static JsonObject Property(string name, int value) => new() { ["@type"] = "PropertyValue", ["name"] = name, ["value"] = value };

    private static string Description(DatasetEntry entry, DatasetContents? contents) =>
        contents is null ? entry.Description : $"{entry.Description} ({contents.Cells} cells × {contents.Genes} genes.)";

    private static string TechnicalInfo(DatasetEntry entry, DatasetContents? contents, IReadOnlyDictionary<string, string>? checksums)
    {
        var parts = new List<string> { $"organism: {entry.Organism}", $"cell context: {entry.CellContext}", $"assay: {Assay(entry)}", $"perturbation type: {entry.PerturbationKind}" };
        if (contents is not null)
        {
            parts.Add($"{contents.Cells} cells × {contents.Genes} genes");
            parts.Add($"obs: {string.Join(", ", contents.Obs.Select(c => c.Name))}");
            parts.Add($"var: {string.Join(", ", contents.Var.Select(c => c.Name))}");
        }
        parts.AddRange(entry.Files.Select(f => $"{f.Name}: sha256 {Sha256(f, checksums) ?? "unknown"}"));
        return string.Join("; ", parts);
    }

    private static string Count(int? n, string unit) => n is int v ? $", {v} {unit}" : "";

    private static string? Sha256(DatasetFile file, IReadOnlyDictionary<string, string>? checksums) =>
        file.Sha256 ?? (checksums is not null && checksums.TryGetValue(file.Name, out var sha) ? sha : null);

    private static string Url(DatasetEntry entry) =>
        entry.Citation.Doi.Length > 0 ? $"https://doi.org/{entry.Citation.Doi}" : entry.Files.FirstOrDefault(f => f.Url is not null)?.Url ?? entry.PrimaryFile.Name;

    private static string Publisher(DatasetEntry entry) => entry.Via?.Split(" (")[0] ?? entry.Citation.Journal;

    private static string Assay(DatasetEntry entry) => entry.PerturbationKind switch
    {
        "CRISPRko" or "CRISPRi" or "CRISPRa" => $"single-cell RNA-seq of a pooled {entry.PerturbationKind} screen (Perturb-seq-type){(entry.Modality.Contains("protein", StringComparison.Ordinal) ? " with surface protein" : "")}",
        "compound" => "single-cell RNA-seq of cells treated with compounds",
        "cytokine" => "single-cell RNA-seq of cytokine-stimulated cells",
        _ => entry.Modality == "transcriptome" ? "single-cell RNA-seq" : entry.Modality,
    };

    private static JsonArray Keywords(DatasetEntry entry) =>
        new([.. new[] { "single-cell", "perturbation", entry.PerturbationKind, entry.Organism, entry.Modality, entry.CellContext.Split(" (")[0].Split(',')[0] }
            .Where(k => k.Length > 0 && k != "none" && k != "unknown").Distinct().Select(k => (JsonNode)k)]);

    private static JsonArray Creators(DatasetEntry entry, string type) =>
        new([.. entry.Citation.Authors.Where(a => a != "et al.").Select(a => (JsonNode)new JsonObject { ["@type"] = type, ["name"] = a })]);

    private static IEnumerable<string> Licences(string expression) =>
        expression.Split(" AND ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // SPDX ids become their licence pages; "unknown" (no licence stated) stays a word so nobody mistakes it for a grant.
    private static string LicenseUrl(string license) =>
        license == "unknown" ? "unknown" : license.Contains(" AND ", StringComparison.Ordinal) ? license : $"https://spdx.org/licenses/{license}";

    private static string BibtexKey(DatasetEntry entry) => entry.Id.Replace("-", "_", StringComparison.Ordinal);

    private static string Bibtex(DatasetEntry entry) =>
        $"@article{{{BibtexKey(entry)}, author = {{{string.Join(" and ", entry.Citation.Authors.Where(a => a != "et al."))}}}, title = {{{entry.Citation.Title}}}, " +
        $"journal = {{{entry.Citation.Journal}}}, year = {{{entry.Citation.Year}}}, doi = {{{entry.Citation.Doi}}}}}";

    /// <summary>The IANA media type of a manifest file format.</summary>
    internal static string MediaType(string format) => format switch
    {
        "h5ad" or "h5" => "application/x-hdf5",
        "parquet" => "application/vnd.apache.parquet",
        "zip" => "application/zip",
        "tar.gz" or "gmt.gz" or "tsv.gz" => "application/gzip",
        "csv" => "text/csv",
        "tsv" or "gmt" => "text/tab-separated-values",
        "json" => "application/json",
        _ => "application/octet-stream",
    };
}
