using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;
using DigitalCell.Sdk.IO;
using DigitalCell.Sdk.IO.H5ad;
using DigitalCell.Sdk.IO.Parquet;
using DigitalCell.Sdk.IO.TenX;
using DigitalCell.Sdk.Models;

namespace DigitalCell.Fuzz;

/// <summary>
/// A seeded generator of hostile inputs: valid files written by the SDK itself (h5ad plain and gzip, a 10x
/// directory, wide Parquet, safetensors, a catalog manifest, a .NET Interactive notebook), then mutated: truncation, byte flips anywhere, in the
/// HDF5 superblock or next to a B-tree/heap/object-header signature, "shape bombs" (the numbers of cells, genes and
/// stored values replaced by huge or negative ones wherever they are stored), and JSON type confusion. The same seed
/// always yields the same cases.
/// </summary>
public sealed class FuzzCorpus
{
    private const int Cells = 37, Genes = 11;
    private static readonly string[] HdfSignatures = ["TREE", "HEAP", "GCOL", "SNOD", "OHDR", "OCHK", "BTHD", "FRHP"];
    private static readonly long[] BombValues = [0, 1, int.MaxValue, 2_000_000_000, uint.MaxValue, long.MaxValue, -1, 1L << 40];
    private readonly string _root;
    private readonly Dictionary<string, byte[]> _bases = [];
    private readonly int _nonZero;

    /// <summary>Writes the valid base files under <paramref name="root"/>.</summary>
    public FuzzCorpus(string root)
    {
        _root = root;
        Directory.CreateDirectory(root);
        var data = BaseDataset();
        _nonZero = (int)data.X.StoredCount;
        string h5ad = Path.Combine(root, "base.h5ad"), gzip = Path.Combine(root, "base-gzip.h5ad"), parquet = Path.Combine(root, "base.parquet");
        H5adFile.Write(data, h5ad);
        H5adFile.Write(data, gzip, new H5adWriteOptions { Compression = H5adCompression.Gzip });
        ParquetCells.WriteWide(data, parquet);
        TenXMatrix.Write(data, Path.Combine(root, "base-10x"));
        _bases["h5ad"] = File.ReadAllBytes(h5ad);
        _bases["h5ad-gzip"] = File.ReadAllBytes(gzip);
        _bases["parquet"] = File.ReadAllBytes(parquet);
        _bases["mtx"] = Gunzip(File.ReadAllBytes(Path.Combine(root, "base-10x", "matrix.mtx.gz")));
        _bases["barcodes"] = Gunzip(File.ReadAllBytes(Path.Combine(root, "base-10x", "barcodes.tsv.gz")));
        _bases["safetensors"] = SafeTensors.Serialize([
            new SafeTensor("w", SafeTensorDType.F32, [Genes, 3], new byte[Genes * 3 * 4]),
            new SafeTensor("b", SafeTensorDType.F32, [3], new byte[12])], new Dictionary<string, string> { ["format"] = "pt" });
        _bases["manifest"] = Encoding.UTF8.GetBytes(Manifest);
        _bases["notebook"] = Encoding.UTF8.GetBytes(Notebook);
    }

    /// <summary>Case <paramref name="index"/> of the campaign with <paramref name="seed"/>, its files written.</summary>
    public FuzzCase Case(int seed, int index)
    {
        var rng = new Random(seed * 1_000_003 + index); // seeds are data: derived arithmetically, never from HashCode
        string dir = Path.Combine(_root, $"case-{index:D5}");
        Directory.CreateDirectory(dir);
        string outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(outDir);
        switch (index % 7)
        {
            case 0:
            case 1:
            {
                string kind = index % 12 == 1 ? "h5ad-gzip" : "h5ad";
                var (how, bytes) = MutateHdf5(rng, _bases[kind]);
                string input = Path.Combine(dir, "in.h5ad");
                File.WriteAllBytes(input, bytes);
                string id = $"{kind}-{how}-{index:D5}";
                if (rng.Next(2) == 0) return new FuzzCase(id, input, null, ["inspect", input]);
                string output = Path.Combine(outDir, rng.Next(2) == 0 ? "x.parquet" : "x.h5ad");
                return new FuzzCase(id, input, output, ["convert", input, output]);
            }
            case 2:
            {
                string input = Path.Combine(dir, "in-10x");
                Directory.CreateDirectory(input);
                foreach (var f in Directory.GetFiles(Path.Combine(_root, "base-10x"))) File.Copy(f, Path.Combine(input, Path.GetFileName(f)));
                bool barcodes = rng.Next(4) == 0;
                var (how, text) = MutateText(rng, _bases[barcodes ? "barcodes" : "mtx"]);
                File.WriteAllBytes(Path.Combine(input, barcodes ? "barcodes.tsv.gz" : "matrix.mtx.gz"), Gzip(text));
                string output = Path.Combine(outDir, "x.h5ad");
                return new FuzzCase($"10x-{(barcodes ? "barcodes" : "mtx")}-{how}-{index:D5}", input, output, ["convert", input, output]);
            }
            case 3:
            {
                var (how, bytes) = MutateBytes(rng, _bases["parquet"]);
                string input = Path.Combine(dir, "in.parquet");
                File.WriteAllBytes(input, bytes);
                string output = Path.Combine(outDir, "x.h5ad");
                return rng.Next(2) == 0
                    ? new FuzzCase($"parquet-{how}-{index:D5}", input, null, ["inspect", input])
                    : new FuzzCase($"parquet-{how}-{index:D5}", input, output, ["convert", input, output]);
            }
            case 4:
            {
                var (how, bytes) = rng.Next(2) == 0 ? MutateSafeTensorsHeader(rng, _bases["safetensors"]) : MutateBytes(rng, _bases["safetensors"]);
                string input = Path.Combine(dir, "in.safetensors");
                File.WriteAllBytes(input, bytes);
                return new FuzzCase($"safetensors-{how}-{index:D5}", input, null, ["safetensors", input]);
            }
            case 5:
            {
                var (how, bytes) = rng.Next(3) == 0 ? MutateBytes(rng, _bases["notebook"]) : ("json", Encoding.UTF8.GetBytes(ConfuseJson(rng, Notebook)));
                string input = Path.Combine(dir, "in.ipynb");
                File.WriteAllBytes(input, bytes);
                return new FuzzCase($"notebook-{how}-{index:D5}", input, null, ["notebook-read", input]);
            }
            default:
            {
                var (how, bytes) = rng.Next(3) == 0 ? MutateBytes(rng, _bases["manifest"]) : ("json", Encoding.UTF8.GetBytes(ConfuseJson(rng, Manifest)));
                string manifests = Path.Combine(dir, "manifests");
                Directory.CreateDirectory(manifests);
                string input = Path.Combine(manifests, "fuzz.json");
                File.WriteAllBytes(input, bytes);
                return new FuzzCase($"manifest-{how}-{index:D5}", input, null, ["datasets", "list", "--manifest-dir", manifests, "--cache-dir", outDir]);
            }
        }
    }

    private static CellDataset BaseDataset()
    {
        var rng = new Random(7);
        var values = new float[Cells * Genes];
        for (int i = 0; i < values.Length; i++) values[i] = rng.Next(4) == 0 ? rng.Next(1, 9) : 0;
        var x = new DenseCellMatrix(Cells, Genes, values).ToSparse();
        string[] labels = ["control", "KO_A", "KO_B", "KO_C"];
        var obs = new AnnotationTable("obs", Enumerable.Range(0, Cells).Select(i => $"AAAC{i:D4}-1").ToArray(), [
            new CategoricalColumn("perturbation", Enumerable.Range(0, Cells).Select(i => i % labels.Length).ToArray(), labels),
            new NumericColumn<double>("n_counts", Enumerable.Range(0, Cells).Select(i => (double)i).ToArray()),
            new StringColumn("guide", Enumerable.Range(0, Cells).Select(i => (string?)$"sg{i % 5}").ToArray())]);
        var var = new AnnotationTable("var", Enumerable.Range(0, Genes).Select(g => $"GENE{g}").ToArray());
        var uns = new Dictionary<string, object> { ["note"] = "fuzz base", ["nested"] = new Dictionary<string, object> { ["values"] = new[] { 1, 2, 3 } } };
        return new CellDataset(x, obs, var, uns: uns);
    }

    private (string, byte[]) MutateHdf5(Random rng, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        switch (rng.Next(5))
        {
            case 0:
                return ("truncate", bytes[..rng.Next(bytes.Length)]);
            case 1:
                Flip(rng, bytes, 0, Math.Min(96, bytes.Length), rng.Next(1, 4)); // superblock
                return ("superblock", bytes);
            case 2:
            {
                var sites = HdfSignatures.SelectMany(s => Occurrences(bytes, Encoding.ASCII.GetBytes(s))).ToList();
                if (sites.Count == 0) goto default;
                int at = sites[rng.Next(sites.Count)];
                Flip(rng, bytes, at + 4, Math.Min(bytes.Length, at + 72), rng.Next(1, 25));
                return ("structure", bytes);
            }
            case 3:
                return ("shape", ShapeBomb(rng, bytes));
            default:
                Flip(rng, bytes, 0, bytes.Length, rng.Next(1, 9));
                return ("flip", bytes);
        }
    }

    /// <summary>Replaces stored copies of the numbers of cells, genes or stored values (as 4- or 8-byte little-endian integers) with bombs.</summary>
    private byte[] ShapeBomb(Random rng, byte[] bytes)
    {
        long target = new long[] { Cells, Genes, _nonZero, Cells + 1 }[rng.Next(4)];
        int width = rng.Next(2) == 0 ? 8 : 4;
        var pattern = width == 8 ? BitConverter.GetBytes(target) : BitConverter.GetBytes((int)target);
        var sites = Occurrences(bytes, pattern).ToList();
        long bomb = BombValues[rng.Next(BombValues.Length)];
        foreach (int at in sites.Where(_ => rng.Next(3) == 0).DefaultIfEmpty(sites.Count > 0 ? sites[rng.Next(sites.Count)] : -1))
        {
            if (at < 0) break;
            (width == 8 ? BitConverter.GetBytes(bomb) : BitConverter.GetBytes((int)bomb)).CopyTo(bytes, at);
        }
        return bytes;
    }

    private static (string, byte[]) MutateBytes(Random rng, byte[] original)
    {
        var bytes = (byte[])original.Clone();
        switch (rng.Next(3))
        {
            case 0: return ("truncate", bytes[..rng.Next(bytes.Length)]);
            case 1:
                Flip(rng, bytes, Math.Max(0, bytes.Length - 256), bytes.Length, rng.Next(1, 9)); // Parquet footer / JSON tail
                return ("tail", bytes);
            default:
                Flip(rng, bytes, 0, bytes.Length, rng.Next(1, 9));
                return ("flip", bytes);
        }
    }

    private static (string, byte[]) MutateText(Random rng, byte[] original)
    {
        var lines = Encoding.UTF8.GetString(original).Split('\n').ToList();
        switch (rng.Next(5))
        {
            case 0:
                return ("truncate", original[..rng.Next(original.Length)]);
            case 1:
            {
                // A number on a random early line (the header, the size line, the first entries) made hostile.
                int line = Math.Min(lines.Count - 1, rng.Next(6));
                var words = lines[line].Split(' ');
                words[rng.Next(words.Length)] = new[] { "2000000000", "-5", "0", "9223372036854775807", "1e309", "NaN", "x", "" }[rng.Next(8)];
                lines[line] = string.Join(' ', words);
                return ("number", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            }
            case 2:
            {
                // A line far longer than any real one, or control characters for the terminal.
                int line = rng.Next(lines.Count);
                lines[line] = rng.Next(2) == 0 ? new string('7', 3 << 20) : lines[line] + "\u001b[2J\u001b]0;pwned\u0007";
                return ("line", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            }
            case 3:
                lines.RemoveAt(rng.Next(lines.Count));
                lines.Insert(rng.Next(lines.Count), lines[rng.Next(lines.Count)]);
                return ("lines", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            default:
                var bytes = (byte[])original.Clone();
                Flip(rng, bytes, 0, bytes.Length, rng.Next(1, 9));
                return ("flip", bytes);
        }
    }

    private static (string, byte[]) MutateSafeTensorsHeader(Random rng, byte[] original)
    {
        int length = (int)BitConverter.ToUInt64(original);
        var json = ConfuseJson(rng, Encoding.UTF8.GetString(original, 8, length));
        var header = Encoding.UTF8.GetBytes(json);
        var result = new byte[8 + header.Length + original.Length - 8 - length];
        BitConverter.GetBytes((ulong)header.Length).CopyTo(result, 0);
        header.CopyTo(result, 8);
        original.AsSpan(8 + length).CopyTo(result.AsSpan(8 + header.Length));
        return ("json", result);
    }

    /// <summary>Replaces one value anywhere in a JSON document with a value of another type or an out-of-range number.</summary>
    private static string ConfuseJson(Random rng, string json)
    {
        var root = JsonNode.Parse(json)!;
        var slots = new List<(JsonNode Parent, object Key)>();
        void Walk(JsonNode? node)
        {
            if (node is JsonObject o)
                foreach (var (k, v) in o.ToList()) { slots.Add((o, k)); Walk(v); }
            else if (node is JsonArray a)
                for (int i = 0; i < a.Count; i++) { slots.Add((a, i)); Walk(a[i]); }
        }
        Walk(root);
        JsonNode?[] replacements = [null, "", "x\u001b[31m", -1, 0, 1e308, 4611686018427387904L, long.MinValue, true, new JsonArray(), new JsonObject(), new JsonArray(-3, "a"), "../../../etc/passwd", "/etc/passwd"];
        int count = rng.Next(1, 3);
        for (int n = 0; n < count && slots.Count > 0; n++)
        {
            var (parent, key) = slots[rng.Next(slots.Count)];
            var value = replacements[rng.Next(replacements.Length)]?.DeepClone();
            if (parent is JsonObject o && o.ContainsKey((string)key)) o[(string)key] = value;
            else if (parent is JsonArray a && (int)key < a.Count) a[(int)key] = value;
        }
        return root.ToJsonString();
    }

    private static void Flip(Random rng, byte[] bytes, int from, int to, int count)
    {
        if (to <= from) return;
        for (int i = 0; i < count; i++) bytes[rng.Next(from, to)] ^= (byte)rng.Next(1, 256);
    }

    private static IEnumerable<int> Occurrences(byte[] bytes, byte[] pattern)
    {
        for (int at = 0; (at = bytes.AsSpan(at).IndexOf(pattern) is var i && i >= 0 ? at + i : -1) >= 0; at++) yield return at;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(bytes);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)) gz.CopyTo(output);
        return output.ToArray();
    }

    private const string Notebook = """
        {"cells": [{"cell_type": "markdown", "id": "a1", "metadata": {}, "source": ["# Fuzz\n", "text"]},
                   {"cell_type": "code", "execution_count": null, "id": "b2", "metadata": {"tags": ["parameters"], "dotnet_interactive": {"language": "csharp"}},
                    "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}], "source": ["var x = 1;\n", "x"]}],
         "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}, "language_info": {"name": "C#"}},
         "nbformat": 4, "nbformat_minor": 5}
        """;

    private const string Manifest = """
        {"id": "fuzz2024", "title": "Fuzz", "description": "A manifest entry to mutate.",
         "citation": {"authors": ["A."], "year": 2024, "title": "T", "journal": "J", "doi": "10.1/x"},
         "via": "v", "license": "CC-BY-4.0", "organism": "Homo sapiens", "cellContext": "K562", "modality": "transcriptome",
         "perturbationKind": "CRISPRi",
         "files": [{"name": "fuzz.h5ad", "format": "h5ad", "role": "data", "url": "https://example.org/fuzz.h5ad", "sha256": null, "size": 1234}],
         "schema": {"perturbationColumn": "perturbation", "controlLabels": ["control"], "combinationDelimiter": "_",
                    "contextColumn": null, "doseColumn": null, "timeColumn": null, "geneIdColumn": null}}
        """;
}
