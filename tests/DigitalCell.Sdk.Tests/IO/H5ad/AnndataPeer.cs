using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using DigitalCell.Sdk.Data;

namespace DigitalCell.Sdk.Tests.IO.H5ad;

/// <summary>
/// Runs Python anndata (<c>/usr/bin/python3</c>, the Debian python3-anndata 0.8 package) as an independent reference:
/// <c>peers/h5ad_dump.py</c> dumps what anndata reads, and <see cref="AssertSame"/> compares it to what we read.
/// </summary>
internal static class AnndataPeer
{
    public const string Python = "/usr/bin/python3";

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DigitalCell.Sdk.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DigitalCell.Sdk.sln not found above the test directory.");
    }

    /// <summary>Skips the test when the Python peer is unavailable.</summary>
    public static void RequireAnndata()
    {
        if (!File.Exists(Python)) Assert.Ignore($"{Python} not found; the anndata interop tests need Debian's python3-anndata.");
        var (code, output) = RunProcess(Python, ["-c", "import anndata, h5py, scipy"]);
        if (code != 0) Assert.Ignore($"{Python} lacks anndata/h5py/scipy (apt install python3-anndata): {output}");
    }

    /// <summary>Runs a Python script (file in peers/ or inline code with -c) and fails the test on a non-zero exit.</summary>
    public static string RunPython(params string[] args)
    {
        var (code, output) = RunProcess(Python, args);
        if (code != 0) Assert.Fail($"python {string.Join(' ', args.Take(1))} failed ({code}):\n{output}");
        return output;
    }

    public static string PeerScript(string name) => Path.Combine(RepoRoot, "tests", "DigitalCell.Sdk.Tests", "peers", name);

    private static (int Code, string Output) RunProcess(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["PYTHONWARNINGS"] = "ignore";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>What anndata read from <paramref name="h5adPath"/>.</summary>
    public static Dump Read(string h5adPath) => ReadMany(h5adPath)[h5adPath];

    /// <summary>What anndata read from each file, in one Python process (anndata's import dominates the cost).</summary>
    public static Dictionary<string, Dump> ReadMany(params string[] h5adPaths)
    {
        string dir = Path.Combine(Path.GetTempPath(), "dcell-h5ad-dump-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outs = h5adPaths.Select((_, i) => Path.Combine(dir, i.ToString(CultureInfo.InvariantCulture))).ToArray();
            RunPython([PeerScript("h5ad_dump.py"), .. h5adPaths.Zip(outs).SelectMany(p => new[] { p.First, p.Second })]);
            return h5adPaths.Zip(outs).ToDictionary(p => p.First, p => new Dump(JsonNode.Parse(File.ReadAllText(Path.Combine(p.Second, "dump.json")))!.AsObject(), p.Second));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    public sealed class Dump
    {
        public Dump(JsonObject json, string dir)
        {
            Json = json;
            foreach (var (name, _) in json["matrices"]!.AsObject())
            {
                string b = Path.Combine(dir, name.Replace("/", "__", StringComparison.Ordinal));
                Matrices[name] = (
                    MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(b + ".indptr.i32")).ToArray(),
                    MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(b + ".indices.i32")).ToArray(),
                    MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(b + ".data.f32")).ToArray());
            }
        }

        public JsonObject Json { get; }

        public Dictionary<string, (int[] Indptr, int[] Indices, float[] Data)> Matrices { get; } = [];
    }

    public static double ParseNumber(JsonNode? node) => double.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>Asserts that <paramref name="ours"/> holds exactly what anndata read.</summary>
    public static void AssertSame(CellDataset ours, Dump theirs)
    {
        var json = theirs.Json;
        Assert.That(new[] { ours.CellCount, ours.GeneCount }, Is.EqualTo(json["shape"]!.AsArray().Select(n => (int)n!)), "shape");
        AssertFrame(ours.Obs, json["obs"]!.AsObject());
        AssertFrame(ours.Var, json["var"]!.AsObject());
        var matrices = new Dictionary<string, CellMatrix> { ["X"] = ours.X };
        foreach (var (k, m) in ours.Layers) matrices["layers/" + k] = m;
        foreach (var (k, m) in ours.Obsm) matrices["obsm/" + k] = m;
        foreach (var (k, m) in ours.Varm) matrices["varm/" + k] = m;
        foreach (var (k, m) in ours.Obsp) matrices["obsp/" + k] = m;
        foreach (var (k, m) in ours.Varp) matrices["varp/" + k] = m;
        Assert.That(matrices.Keys.Order(), Is.EqualTo(theirs.Matrices.Keys.Order()), "matrix elements");
        foreach (var (name, (indptr, indices, data)) in theirs.Matrices)
        {
            var csr = matrices[name].ToSparse();
            Assert.That(csr.RowPointers.ToArray(), Is.EqualTo(indptr), $"{name} indptr");
            Assert.That(csr.ColumnIndices.ToArray(), Is.EqualTo(indices), $"{name} indices");
            Assert.That(BitsOf(csr.StoredValues), Is.EqualTo(BitsOf(data)), $"{name} values (float32 bit patterns)");
        }
        AssertUns(ours.Uns, json["uns"]!["items"]!.AsObject(), "uns");
    }

    private static int[] BitsOf(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    internal static void AssertFrame(AnnotationTable ours, JsonObject theirs)
    {
        string axis = ours.Axis;
        Assert.That(ours.Index, Is.EqualTo(theirs["index"]!.AsArray().Select(n => (string)n!)), $"{axis} index");
        Assert.That(ours.ColumnNames, Is.EqualTo(theirs["order"]!.AsArray().Select(n => (string)n!)), $"{axis} columns");
        foreach (var (name, spec) in theirs["columns"]!.AsObject())
        {
            var column = ours[name];
            string what = $"{axis}['{name}']";
            switch ((string)spec!["kind"]!)
            {
                case "categorical":
                    var cat = column as CategoricalColumn ?? throw new AssertionException($"{what} is {column.TypeName}, anndata says categorical");
                    Assert.That(cat.Categories, Is.EqualTo(spec["categories"]!.AsArray().Select(n => (string)n!)), what + " categories");
                    Assert.That(cat.Codes.ToArray(), Is.EqualTo(spec["codes"]!.AsArray().Select(n => (int)n!)), what + " codes");
                    Assert.That(cat.Ordered, Is.EqualTo((bool)spec["ordered"]!), what + " ordered");
                    break;
                case "numeric":
                    Assert.That(column.TypeName.Replace("nullable-", "", StringComparison.Ordinal), Is.EqualTo((string)spec["dtype"]!), what + " dtype");
                    var expected = spec["values"]!.AsArray().Select(n => n!.GetValueKind() == System.Text.Json.JsonValueKind.String ? ParseNumber(n) : (double)n!).ToArray();
                    var mask = spec["mask"]?.AsArray().Select(n => (bool)n!).ToArray();
                    var actual = Enumerable.Range(0, column.Length).Select(i => column.GetValue(i) is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : double.NaN).ToArray();
                    for (int i = 0; i < actual.Length; i++)
                    {
                        if (mask is not null && mask[i]) Assert.That(column.GetValue(i), Is.Null, $"{what}[{i}] missing");
                        else Assert.That(actual[i], Is.EqualTo(expected[i]), $"{what}[{i}]");
                    }
                    break;
                case "bool":
                    var b = column as BooleanColumn ?? throw new AssertionException($"{what} is {column.TypeName}, anndata says bool");
                    var bmask = spec["mask"]?.AsArray().Select(n => (bool)n!).ToArray();
                    var bvalues = spec["values"]!.AsArray().Select(n => (bool)n!).ToArray();
                    for (int i = 0; i < b.Length; i++)
                        Assert.That(b[i], Is.EqualTo(bmask is not null && bmask[i] ? null : bvalues[i]), $"{what}[{i}]");
                    break;
                default:
                    Assert.That(Enumerable.Range(0, column.Length).Select(i => column.GetValue(i) as string),
                        Is.EqualTo(spec["values"]!.AsArray().Select(n => (string?)n)), what);
                    break;
            }
        }
    }

    internal static void AssertUns(IReadOnlyDictionary<string, object> ours, JsonObject theirs, string path)
    {
        var expectedKeys = theirs.Where(kv => (string)kv.Value!["type"]! != "skipped").Select(kv => kv.Key).Order(StringComparer.Ordinal);
        Assert.That(ours.Keys.Order(StringComparer.Ordinal), Is.EqualTo(expectedKeys), path + " keys");
        foreach (var (key, spec) in theirs)
        {
            string where = path + "/" + key;
            string type = (string)spec!["type"]!;
            if (type == "skipped") continue;
            object value = ours[key];
            switch (type)
            {
                case "dict":
                    AssertUns((IReadOnlyDictionary<string, object>)value, spec["items"]!.AsObject(), where);
                    break;
                case "string":
                    Assert.That(value, Is.EqualTo((string)spec["value"]!), where);
                    break;
                case "int":
                    Assert.That(value, Is.EqualTo((long)spec["value"]!), where);
                    break;
                case "float":
                    Assert.That(value, Is.EqualTo(ParseNumber(spec["value"])), where);
                    break;
                case "bool":
                    Assert.That(value, Is.EqualTo((bool)spec["value"]!), where);
                    break;
                case "array":
                    AssertArray(value, spec.AsObject(), where);
                    break;
                default:
                    Assert.Fail($"{where}: unexpected peer type {type}");
                    break;
            }
        }
    }

    private static void AssertArray(object value, JsonObject spec, string where)
    {
        string dtype = (string)spec["dtype"]!;
        var shape = spec["shape"]!.AsArray().Select(n => (int)n!).ToArray();
        var values = spec["values"]!.AsArray();
        if (shape.Length == 2)
        {
            var m = (DenseCellMatrix)value;
            Assert.That(new[] { m.RowCount, m.ColumnCount }, Is.EqualTo(shape), where + " shape");
            Assert.That(m.Values.ToArray(), Is.EqualTo(values.Select(n => (float)ParseNumber(n))), where);
            return;
        }
        var array = (Array)value;
        if (dtype == "str")
        {
            Assert.That(array, Is.EqualTo(values.Select(n => (string?)n)), where);
            return;
        }
        if (dtype == "bool")
        {
            Assert.That(array, Is.EqualTo(values.Select(n => (bool)n!)), where);
            return;
        }
        Assert.That(ElementTypeName(array), Is.EqualTo(dtype), where + " dtype");
        var expected = values.Select(n => n!.GetValueKind() == System.Text.Json.JsonValueKind.String ? ParseNumber(n) : (double)n!);
        Assert.That(array.Cast<object>().Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)), Is.EqualTo(expected), where);
    }

    // Switch on the exact element type: the CLR lets byte[] pass an "is sbyte[]" test.
    private static string ElementTypeName(Array array) => Type.GetTypeCode(array.GetType().GetElementType()) switch
    {
        TypeCode.SByte => "int8", TypeCode.Int16 => "int16", TypeCode.Int32 => "int32", TypeCode.Int64 => "int64",
        TypeCode.Byte => "uint8", TypeCode.UInt16 => "uint16", TypeCode.UInt32 => "uint32", TypeCode.UInt64 => "uint64",
        TypeCode.Single => "float32", TypeCode.Double => "float64", _ => array.GetType().Name,
    };
}
