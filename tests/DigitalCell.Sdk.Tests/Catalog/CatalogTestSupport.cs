using System.Security.Cryptography;
using DigitalCell.Sdk.Tests.TestSupport;

namespace DigitalCell.Sdk.Tests.Catalog;

/// <summary>Shared helpers for the catalog tests: fixture bytes, independent checksums, fixture manifest entries.</summary>
internal static class CatalogTestSupport
{
    public static string ManifestDirectory => Path.Combine(RepoPaths.Root, "datasets-manifest");

    /// <summary>SHA-256 by the BCL's one-shot API, independent of the SDK's streaming helper.</summary>
    public static string Sha256Hex(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>Deterministic, non-repeating fixture bytes.</summary>
    public static byte[] FixtureBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Deterministic tab-separated text of about <paramref name="length"/> bytes (a file that parses as tsv).</summary>
    public static byte[] TextBytes(int length, int seed = 1)
    {
        var random = new Random(seed);
        var text = new System.Text.StringBuilder("gene\tvalue\n");
        while (text.Length < length) text.Append($"G{random.Next(100_000)}\t{random.Next(1000)}\n");
        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A closed local port: connections are refused at once, standing in for "no network" without touching it.</summary>
    public const string UnreachableBase = "https://127.0.0.1:1/";

    /// <summary>Writes a minimal valid manifest entry with one file into <paramref name="directory"/>.</summary>
    public static void WriteEntry(string directory, string id, string fileName, string format, string? sha256, long? size, string? load = null)
    {
        string sha = sha256 is null ? "null" : $"\"{sha256}\"";
        string sz = size is null ? "null" : size.Value.ToString();
        string loadField = load is null ? "" : $",\n \"load\": \"{load}\"";
        File.WriteAllText(Path.Combine(directory, id + ".json"), $$"""
        {
          "id": "{{id}}",
          "title": "Test entry {{id}}",
          "description": "Fixture served by the in-process test server.",
          "citation": { "authors": ["Tester A."], "year": 2024, "title": "A fixture", "journal": "Tests", "doi": "10.1234/fixture" },
          "license": "CC0-1.0",
          "organism": "Homo sapiens",
          "cellContext": "none",
          "modality": "transcriptome",
          "perturbationKind": "CRISPRi",
          "files": [ { "name": "{{fileName}}", "format": "{{format}}", "url": "{{UnreachableBase}}{{fileName}}", "sha256": {{sha}}, "size": {{sz}}{{loadField}} } ],
          "schema": { "perturbationColumn": "perturbation", "controlLabels": ["control"], "combinationDelimiter": null }
        }
        """);
    }
}
